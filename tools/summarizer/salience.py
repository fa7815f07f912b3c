"""Extractive pre-selection: which scenes deserve the model's time on a long script.

A scene scores by embedding centrality (how much of the whole story it shares), by position (openings,
endings and the conventional turning points carry structure) and by length.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

# Story positions (fraction of the pages) where a scene is structurally important.
TURNS = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)
# Above this many scenes centrality is lexical: MiniLM over Big Fish's 190 scenes took 29 s of a 63 s synopsis
# on 2 cores, word overlap takes milliseconds and ranks the same central scenes closely enough for selection.
EMBED_AT_MOST = 60


def position_score(position: float, width: float = 0.03) -> float:
    """1 at a turning point, falling off over `width` of the script."""
    d = min(abs(position - t) for t in TURNS)
    return float(np.exp(-((d / width) ** 2)))


def centrality(vectors: np.ndarray) -> np.ndarray:
    """Mean cosine of each (L2-normalised) row to all others."""
    n = len(vectors)
    if n < 2:
        return np.ones(n)
    sims = vectors @ vectors.T
    return (sims.sum(axis=1) - np.diag(sims)) / (n - 1)


def _rank(values: Sequence[float]) -> np.ndarray:
    """Ranks scaled to 0..1 (robust to the scale of each signal)."""
    arr = np.asarray(values, dtype=float)
    if len(arr) < 2:
        return np.ones(len(arr))
    order = arr.argsort(kind="stable").argsort(kind="stable")
    return order / (len(arr) - 1)


def lexical_vectors(texts: list[str]) -> np.ndarray:
    """TF-IDF rows over content words, L2-normalised (a scene's share of the story's vocabulary)."""
    from tools.summarizer.facts import content_words

    docs = [content_words(t) for t in texts]
    vocab: dict[str, int] = {}
    for doc in docs:
        for w in set(doc):
            vocab.setdefault(w, len(vocab))
    tf = np.zeros((len(docs), max(1, len(vocab))), dtype=np.float32)
    for r, doc in enumerate(docs):
        for w in doc:
            tf[r, vocab[w]] += 1.0
    df = (tf > 0).sum(axis=0)
    tfidf = np.log1p(tf) * np.log((1 + len(docs)) / (1 + df))[None, :]
    norms = np.linalg.norm(tfidf, axis=1, keepdims=True)
    return tfidf / np.where(norms == 0, 1, norms)


def salience(texts: list[str], positions: list[float], lengths: list[int], embedder: Any | None) -> np.ndarray:
    if embedder is not None and 0 < len(texts) <= EMBED_AT_MOST:
        central = _rank(centrality(np.asarray(embedder.embed(texts), dtype=np.float32)))
    elif texts:
        central = _rank(centrality(lexical_vectors(texts)))
    else:
        central = np.full(len(texts), 0.5)
    pos = np.array([position_score(p) for p in positions])
    return 0.5 * central + 0.3 * pos + 0.2 * _rank(lengths)


def select(scores: np.ndarray, k: int) -> list[int]:
    """The top `k` scenes by score, always the first and last, in script order."""
    n = len(scores)
    if k >= n:
        return list(range(n))
    chosen = {0, n - 1} if k >= 2 else {0}
    for i in np.argsort(-scores, kind="stable"):
        if len(chosen) >= k:
            break
        chosen.add(int(i))
    return sorted(chosen)
