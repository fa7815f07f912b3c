"""The embedding function handed to every Chroma collection call, so Chroma never loads its own model.

Chroma's default function fetches an ONNX model at run time; passing this one instead keeps the library
offline and records, in the collection's stored config, only the embedder's name (no file paths).
"""

from __future__ import annotations

from typing import Any, Dict

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from tools.library.embedder import TextEmbedder, embedder_from_name


@register_embedding_function
class ScriptroomEmbeddingFunction(EmbeddingFunction[Documents]):
    def __init__(self, embedder: TextEmbedder | None = None, embedder_name: str | None = None):
        if embedder is None and embedder_name is None:
            raise ValueError("give an embedder or the name of one")
        self._embedder = embedder
        self._name = embedder.name if embedder is not None else str(embedder_name)

    def __call__(self, input: Documents) -> Embeddings:
        if self._embedder is None:  # rebuilt from a stored config: load on first use only
            self._embedder = embedder_from_name(self._name)
        return list(self._embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "scriptroom"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    def get_config(self) -> Dict[str, Any]:
        return {"embedder": self._name}

    @staticmethod
    def build_from_config(config: Dict[str, Any]) -> "ScriptroomEmbeddingFunction":
        return ScriptroomEmbeddingFunction(embedder_name=config["embedder"])
