"""The scene search's own query encoder: a MiniLM twin whose top layers are tuned so that a writer's description
of a scene lands near that scene's stored vectors.

Stored scene vectors stay the packaged MiniLM's (no re-index); only a described query is read by the twin,
one forward pass as before. Its tuned layers ship as low-rank differences in ``query_encoder.npz``, built by
``python -m tools.library.query_training``; without the file, or for another embedder, queries are embedded
as the scenes are.
"""

from __future__ import annotations

import importlib.resources
import io
from typing import Any, Mapping

import numpy as np

from tools.tuned_minilm import PREFIX, tuned_encoder

FILE = "query_encoder.npz"
# The twin reads what it was tuned on: one-line descriptions (the labelled ones run to 45 tokens). A pasted
# scene, or a long brief, is embedded as the scenes are, so scene-to-scene searches keep their symmetry.
DESCRIPTION_TOKENS = 64


def load_arrays(name: str = FILE) -> dict[str, np.ndarray] | None:
    """The shipped file's arrays (tuned layers and its digest), or None when there is none."""
    resource = importlib.resources.files("tools.library").joinpath(name)
    if not resource.is_file():
        return None
    with np.load(io.BytesIO(resource.read_bytes()), allow_pickle=False) as npz:
        return {k: np.asarray(npz[k]) for k in npz.files}


def query_twin(model: Any, arrays: Mapping[str, np.ndarray] | None) -> Any | None:
    """The twin of ``model`` (a tools.minilm.MiniLM) with the tuned layers, or None when it cannot have one."""
    if arrays is None or not hasattr(model, "with_layers") or not any(k.startswith(PREFIX) for k in arrays):
        return None
    return tuned_encoder(model, arrays)


def is_description(text: str, tokens: int) -> bool:
    return "\n" not in text.strip() and tokens <= DESCRIPTION_TOKENS
