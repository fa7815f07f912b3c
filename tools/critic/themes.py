"""Themes: the script's scenes clustered by embedding (KMeans in numpy), each cluster named by its terms."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from tools.critic.checks import STOPWORDS
from screenplay.record import Record

_WORD_RE = re.compile(r"[a-z][a-z']{2,}")


@dataclass(frozen=True)
class Theme(Record):
    terms: list[str]  # characteristic words of the cluster against the rest of the script
    scenes: list[str]  # scene labels
    share: float  # share of the script's scenes


def kmeans(x: np.ndarray, k: int, *, seed: int = 0, iters: int = 50) -> np.ndarray:
    """Cluster labels for rows of x (k-means++ start, Lloyd iterations, cosine on unit rows)."""
    n = len(x)
    rng = np.random.default_rng(seed)
    centres = [x[rng.integers(n)]]
    for _ in range(1, k):
        d = np.min([((x - c) ** 2).sum(axis=1) for c in centres], axis=0)
        total = d.sum()
        centres.append(x[rng.choice(n, p=d / total)] if total > 0 else x[rng.integers(n)])
    c = np.array(centres)
    labels = np.zeros(n, dtype=int)
    for it in range(iters):
        new = np.argmax(x @ c.T, axis=1)
        if it and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = x[labels == j]
            if len(members):
                m = members.mean(axis=0)
                c[j] = m / (np.linalg.norm(m) or 1.0)
    return labels


def distinctive_terms(docs: list[Counter], members: set[int], names: set[str], top: int) -> list[str]:
    """The words of the member documents (scenes) that the other documents use least, names and stopwords left out."""
    inside: Counter = Counter()
    outside: Counter = Counter()
    for i, d in enumerate(docs):
        (inside if i in members else outside).update(d)
    n_in = sum(inside.values()) or 1
    n_out = sum(outside.values()) or 1
    df = Counter(w for d in docs for w in d)
    scored = []
    for w, c in inside.items():
        if w in names or w in STOPWORDS or c < 2:
            continue
        # TF-IDF-like: frequent inside, rarer outside, and not in every scene.
        lift = (c / n_in) / ((outside[w] + 1) / n_out)
        scored.append((lift * math.log(1 + len(docs) / df[w]) * math.log1p(c), w))
    return [w for _, w in sorted(scored, reverse=True)[:top]]


def find_themes(
    texts: Sequence[str], vectors: np.ndarray, labels: Sequence[str], names: Sequence[str],
    *, k: int | None = None, top_terms: int = 5, seed: int = 0,
) -> list[Theme]:
    n = len(texts)
    if n < 4:
        return []
    k = k or max(2, min(8, round(math.sqrt(n / 2))))
    v = np.asarray(vectors, dtype=np.float32)
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    assign = kmeans(v, k, seed=seed)
    docs = [Counter(_WORD_RE.findall(t.lower())) for t in texts]
    name_words = {w.lower() for n_ in names for w in re.split(r"[\s.]+", n_) if w}
    themes = []
    for j in range(k):
        members = [i for i in range(n) if assign[i] == j]
        if not members:
            continue
        themes.append(Theme(distinctive_terms(docs, set(members), name_words, top_terms), [labels[i] for i in members],
                            round(len(members) / n, 3)))
    return sorted(themes, key=lambda t: -t.share)
