"""Builds the intent head (``head.npz``) from the labelled routing sets; rebuild after changing them or the cues.

Run: .venv/bin/python -m agent.routing.training [--check]

Trained on the project set, the exemplars (their "vague" class is the "clarify" label) and the independent
set's TRAINED splits. Any other split (a fresh blind set) is left out until it has been scored, so it can
measure the head. Fitting uses scikit-learn (installed with sentence-transformers); routing needs only numpy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from agent.routing.head import CLARIFY, IntentHead

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
HEAD_PATH = Path(__file__).resolve().parent / "head.npz"
# Splits of tests/data/router_eval.jsonl the head learns from: an explicit list, so a new blind set stays out
# until it has been scored. blind4dev joined after its misses were read and tuned on by class; blind4test and
# blind5 joined (session 7) after their independent figures were recorded, unread, for more authors' wording
# (fitted without each: blind4test 77.0 -> 77.6% intent, blind5 78.2 -> 80.6%).
TRAINED = ("eval", "tune", "blind", "blind2", "blind3", "blind4dev", "blind4test", "blind5")
C = 10.0  # inverse L2 strength; leave-one-split-out on blind2 and blind3 was flat from 10 to 30, worse at 3
# Each intent weighs the same in the fit, however many rows it has: leave-one-split-out (session 7) rose
# 77.6 -> 78.9% on blind4test and 80.6 -> 81.5% on blind5 with fewer wrong routes (21 -> 20, 26 -> 23).
CLASS_WEIGHT = "balanced"
CUE_WEIGHT = 3.0  # cue bonuses (0.1 to 0.6) scaled near the embedding's feature scale


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    characters: tuple[str, ...] = ()
    has_draft: bool | None = None
    split: str = ""  # the router_eval split, "project" or "exemplar": leave-one-split-out needs it


def training_rows(data: Path = DATA, splits: Sequence[str] = TRAINED) -> list[Row]:
    from agent.routing.evaluation import load_labeled
    from agent.routing.router import VAGUE, load_exemplars

    rows = [Row(r.text, r.intent, r.characters, r.has_draft, "project")
            for r in load_labeled(data / "router_utterances.jsonl")]
    rows += [Row(r.text, r.intent, r.characters, r.has_draft, r.split)
             for r in load_labeled(data / "router_eval.jsonl") if r.split in splits]
    rows += [Row(u, CLARIFY if label == VAGUE else label, split="exemplar")
             for label, us in load_exemplars().items() for u in us]
    return rows


def digest(rows: Sequence[Row]) -> str:
    """Changes when a row, a label or the cue code changes: a head built before is then stale."""
    from agent.routing import arguments, cues

    h = hashlib.sha256(Path(cues.__file__).read_bytes() + Path(arguments.__file__).read_bytes())
    for r in rows:
        h.update(json.dumps([r.text, r.label, list(r.characters), r.has_draft]).encode())
    return h.hexdigest()


def features(rows: Sequence[Row], embedder: Any) -> tuple[np.ndarray, list[dict[str, float]]]:
    """Each row read exactly as the router reads a message."""
    from agent.routing.router import read_message
    from agent.routing.text import strip_quoted, strip_role_markers
    from tools.embeddings import embed_one

    vectors, bonuses = [], []
    for r in rows:
        text = strip_quoted(strip_role_markers(r.text))
        _, vector, bonus = read_message(text, r.characters, (), r.has_draft, lambda t: embed_one(embedder, t))
        vectors.append(vector)
        bonuses.append(bonus)
    return np.stack(vectors), bonuses


def fit(rows: Sequence[Row], vectors: np.ndarray, bonuses: Sequence[dict[str, float]]) -> IntentHead:
    from sklearn.linear_model import LogisticRegression

    labels = tuple(sorted({r.label for r in rows}))
    cue_keys = tuple(sorted({k for b in bonuses for k in b}))
    cues = np.array([[b.get(k, 0.0) for k in cue_keys] for b in bonuses], dtype=np.float64) * CUE_WEIGHT
    x = np.hstack([vectors.astype(np.float64), cues])
    model = LogisticRegression(C=C, max_iter=5000, tol=1e-8, class_weight=CLASS_WEIGHT).fit(x, [r.label for r in rows])
    assert tuple(model.classes_) == labels
    return IntentHead(labels, cue_keys, CUE_WEIGHT, model.coef_.T.astype(np.float32),
                      model.intercept_.astype(np.float32), digest(rows))


def build(embedder: Any, data: Path = DATA) -> IntentHead:
    rows = training_rows(data)
    vectors, bonuses = features(rows, embedder)
    return fit(rows, vectors, bonuses)


def save(head: IntentHead, path: Path = HEAD_PATH) -> None:
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, **head.arrays())
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether head.npz matches the data and cues")
    opts = parser.parse_args(argv)
    if opts.check:
        fresh = IntentHead.load().digest == digest(training_rows())
        print("head.npz is up to date" if fresh else "head.npz is stale: run python -m agent.routing.training")
        return 0 if fresh else 1
    import torch

    from tools.embeddings import load_embedder

    torch.set_num_threads(1)
    head = build(load_embedder())
    save(head)
    print(f"wrote {HEAD_PATH.name}: {len(head.labels)} labels, {head.weights.shape[0]} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
