"""The learned intent head: a linear layer over the router's sentence embedding and the word-cue bonuses.

Exemplar similarity heard only its nearest few sentences, and word cues hear only the phrasings someone wrote
them for; each new set written by someone else lost a fifth of its routes. A softmax layer trained on every
labelled row weighs the whole embedding and learns how far to trust each cue. Its weights are package data
(``head.npz``, with the router encoder's tuned top layers), built from the labelled sets by
``agent/routing/training.py``; routing needs only numpy.
"""

from __future__ import annotations

import importlib.resources
import io
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from tools.tuned_minilm import PREFIX as ENCODER_PREFIX

CLARIFY = "clarify"  # a label the head learns from rows where the writer should be asked


@dataclass(frozen=True)
class HeadOutput:
    probabilities: dict[str, float]  # per label, summing to 1
    heard: str  # the label the embedding alone picks (cue features zeroed): cues overruling it is a doubt


@dataclass(frozen=True)
class IntentHead:
    labels: tuple[str, ...]
    cue_keys: tuple[str, ...]  # the cue_bonuses() keys, in feature order after the embedding
    cue_weight: float  # cue bonuses are scaled by this so one L2 penalty suits both blocks of features
    weights: np.ndarray  # (embedding dim + len(cue_keys), len(labels))
    bias: np.ndarray  # (len(labels),)
    digest: str  # sha256 of the training rows it was built from
    # The router encoder's tuned top layers, packed by tools/tuned_minilm.py (empty: the frozen MiniLM).
    encoder: Mapping[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def load(cls, name: str = "head.npz") -> "IntentHead":
        data = importlib.resources.files("agent.routing").joinpath(name).read_bytes()
        return cls.from_npz(np.load(io.BytesIO(data), allow_pickle=False))

    @classmethod
    def from_npz(cls, npz: Mapping[str, np.ndarray]) -> "IntentHead":
        return cls(tuple(str(x) for x in npz["labels"]), tuple(str(x) for x in npz["cue_keys"]),
                   float(npz["cue_weight"]), np.asarray(npz["weights"], dtype=np.float32),
                   np.asarray(npz["bias"], dtype=np.float32), str(npz["digest"]),
                   {k: np.asarray(npz[k]) for k in npz if k.startswith(ENCODER_PREFIX)})

    def arrays(self) -> dict[str, np.ndarray]:
        return {"labels": np.array(self.labels), "cue_keys": np.array(self.cue_keys),
                "cue_weight": np.array(self.cue_weight), "weights": self.weights, "bias": self.bias,
                "digest": np.array(self.digest), **self.encoder}

    def cue_vector(self, bonuses: Mapping[str, float]) -> np.ndarray:
        return np.array([bonuses.get(k, 0.0) for k in self.cue_keys], dtype=np.float32) * self.cue_weight

    def __call__(self, vector: np.ndarray, bonuses: Mapping[str, float]) -> HeadOutput:
        dim = vector.shape[0]
        semantic = vector @ self.weights[:dim] + self.bias
        logits = semantic + self.cue_vector(bonuses) @ self.weights[dim:]
        shifted = np.exp(logits - logits.max())
        probs = shifted / shifted.sum()
        return HeadOutput({label: float(p) for label, p in zip(self.labels, probs)},
                          self.labels[int(np.argmax(semantic))])
