"""The python-crfsuite plumbing the learned argument readers share (spans.py, roles.py, choices.py): a tagger over a
model's bytes, and a deterministic training run."""

from __future__ import annotations

from typing import Any, Iterable


def open_tagger(model: bytes) -> Any:
    """A crfsuite tagger over ``model``. crfsuite reads the bytes in place: the caller keeps them as long as it."""
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(model)
    return tagger


def train(examples: Iterable[tuple[list[dict[str, float]], list[str]]], path: str, *, c1: float, c2: float,
          iterations: int, transitions: bool = True) -> None:
    """Fit a CRF (L-BFGS with elastic net) on (features, tags) sequences and write it to ``path``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, tags in examples:
        trainer.append(feats, tags)
    params: dict[str, Any] = {"c1": c1, "c2": c2, "max_iterations": iterations}
    if transitions:
        params["feature.possible_transitions"] = True
    trainer.set_params(params)
    trainer.train(path)
