"""The scene library's scene encoder: the packaged MiniLM, or its twin with a top layer tuned jointly with the
query encoder when ``scene_encoder.npz`` ships (built by the two-tower trainer, same packed format as
query_encoder.npz).

A library's stored vectors are only comparable with vectors of the same scene encoder, so each has a
version: ``digest[:16]`` of the file, or ``BASE`` without one. The collection records it, and a library
made with another version is re-embedded from its stored text when opened (SceneLibrary.upgrade).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from tools.library.query_encoder import load_arrays as _load_npz
from tools.tuned_minilm import PREFIX, tuned_encoder

FILE = "scene_encoder.npz"
BASE = "base"  # the packaged MiniLM's vectors: every library made before scene encoders existed
# The query encoder file's key naming the scene encoder it was trained against (absent: BASE).
TRAINED_AGAINST = "scene_encoder"


def load_arrays() -> dict[str, np.ndarray] | None:
    """The shipped scene encoder's arrays, or None when Scriptroom ships none (scenes use the packaged MiniLM)."""
    return _load_npz(FILE)


def version(arrays: Mapping[str, np.ndarray] | None) -> str:
    """The version of the scene encoder ``arrays`` describe: BASE without tuned layers."""
    if not arrays or not any(k.startswith(PREFIX) for k in arrays):
        return BASE
    if "digest" not in arrays:
        raise ValueError("a scene encoder file without its digest: rebuild it (its version is digest[:16])")
    return str(arrays["digest"])[:16]


def scene_twin(model: Any, arrays: Mapping[str, np.ndarray] | None) -> Any:
    """``model`` (a tools.minilm.MiniLM) with the scene encoder's tuned layers; ``model`` itself for BASE."""
    if version(arrays) == BASE:
        return model
    return tuned_encoder(model, arrays)  # type: ignore[arg-type]


def trained_against(query_arrays: Mapping[str, np.ndarray] | None) -> str:
    """The scene encoder version a query encoder file was trained against (files before two towers: BASE)."""
    if query_arrays is None or TRAINED_AGAINST not in query_arrays:
        return BASE
    return str(query_arrays[TRAINED_AGAINST])
