"""The shipped style classifier: MiniLM sentence embeddings -> a two-layer head over the library's genre tags.

Trained by ``finetune/style_classifier.py``; the head is stored as plain arrays (``head.npz``) so scoring needs
numpy and the embedder, not torch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Sequence

import numpy as np

CHECKPOINT = "head.npz"


def default_path() -> Path:
    return Path(str(files("tools.style.classifier").joinpath(CHECKPOINT)))


@dataclass
class StyleClassifier:
    embedder: Any  # a TextEmbedder (tools.library.embedder) of the model the head was trained on
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    labels: tuple[str, ...]
    info: dict

    @classmethod
    def load(cls, embedder: Any, path: str | Path | None = None) -> "StyleClassifier":
        from tools.library.embedder import as_text_embedder

        with np.load(path or default_path(), allow_pickle=False) as data:
            info = json.loads(str(data["info"]))
            emb = as_text_embedder(embedder)
            if info.get("embedder") and info["embedder"] != emb.name:
                raise ValueError(f"the style head was trained on {info['embedder']} embeddings, not {emb.name}")
            return cls(emb, data["w1"], data["b1"], data["w2"], data["b2"], tuple(str(x) for x in data["labels"]), info)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        x = np.asarray(self.embedder.embed(list(texts)), dtype=np.float32)
        return self.probabilities_of(x)

    def probabilities_of(self, x: np.ndarray) -> np.ndarray:
        h = np.maximum(x @ self.w1 + self.b1, 0.0)
        logits = h @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> list[str]:
        return [self.labels[i] for i in self.probabilities(texts).argmax(axis=1)]


def save(path: str | Path, *, w1: np.ndarray, b1: np.ndarray, w2: np.ndarray, b2: np.ndarray,
         labels: Sequence[str], info: dict) -> Path:
    """Write a head as float16 arrays (a few tens of KB) plus its labels and training figures."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        np.savez_compressed(
            fh, w1=w1.astype(np.float16), b1=b1.astype(np.float16), w2=w2.astype(np.float16),
            b2=b2.astype(np.float16), labels=np.array(list(labels)), info=np.array(json.dumps(info)),
        )
    return path
