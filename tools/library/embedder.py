"""Text embedders the library accepts: the packaged MiniLM (via sentence-transformers) or a model-free hasher.

The library talks to one small protocol so tests and the Chroma server suite can use the hasher, which is
deterministic and needs no weights, while writers get MiniLM.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Protocol, Sequence, runtime_checkable

import numpy as np

from tools.embeddings import EMBEDDING_MODEL_NAME


@runtime_checkable
class TextEmbedder(Protocol):
    name: str  # stored with the collection: vectors from different embedders never mix
    max_tokens: int  # content tokens one embedding sees (the model window minus special tokens)

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row L2-normalised."""
        ...


class SentenceTransformerEmbedder:
    """Adapts a SentenceTransformer (e.g. ``tools.embeddings.load_embedder()``) to TextEmbedder.

    With ``tuned_queries`` (the default) a search's one-line description is read by the scene search's own
    query encoder when it ships (tools/library/query_encoder.py); scenes are always embedded by ``model``."""

    def __init__(self, model: Any, name: str = EMBEDDING_MODEL_NAME, batch_size: int = 64, tuned_queries: bool = True):
        self.model = model
        self.name = name
        self.batch_size = batch_size
        # [CLS] and [SEP] take two places of the window.
        self.max_tokens = int(model.max_seq_length) - 2
        self.tuned_queries = tuned_queries
        self._twin: Any = None  # built on the first described query: the router never needs it

    def embed_query(self, text: str) -> np.ndarray:
        """A search description's (1, dim) vector: by the tuned query encoder where there is one."""
        from tools.embeddings import embed_one
        from tools.library.query_encoder import is_description, load_arrays, query_twin

        model = self.model
        if self.tuned_queries and self.name == EMBEDDING_MODEL_NAME and is_description(text, self.count_tokens([text])[0]):
            if self._twin is None:  # two threads may both build it: the same twin, harmlessly twice
                self._twin = query_twin(self.model, load_arrays()) or self.model
            model = self._twin
        return embed_one(model, text)[None, :]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        ids = self.model.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 1:  # a search query: the forward pass alone (tools.embeddings.embed_one)
            from tools.embeddings import embed_one

            return embed_one(self.model, texts[0])[None, :]
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_WORD_RE = re.compile(r"\w+|[^\w\s]")


class HashingEmbedder:
    """Each word maps to a fixed pseudo-random direction; a text is the normalised sum of its words.

    Texts sharing words get similar vectors (cosine close to their word overlap). For tests and smoke runs:
    it knows nothing about meaning. Directions are continuous on purpose: integer-valued vectors tie
    exactly on distance, and HNSW graphs built on ties lose points.
    """

    def __init__(self, dim: int = 384, max_tokens: int = 254):
        self.dim = dim
        self.max_tokens = max_tokens
        self.name = f"hashing-{dim}"
        self._directions: dict[str, np.ndarray] = {}

    def _direction(self, word: str) -> np.ndarray:
        vec = self._directions.get(word)
        if vec is None:
            seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vec = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
            self._directions[word] = vec
        return vec

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(_WORD_RE.findall(t)) for t in texts]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row] += self._direction(word)
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
            else:  # an empty text still needs a valid unit vector for cosine space
                out[row, 0] = 1.0
        return out


def embed_query(embedder: TextEmbedder, text: str) -> np.ndarray:
    """A search text's (1, dim) vector: the embedder's own query encoding where it has one."""
    own = getattr(embedder, "embed_query", None)
    return own(text) if own is not None else embedder.embed([text])


def as_text_embedder(obj: Any) -> TextEmbedder:
    """Accept a TextEmbedder as is, or wrap a SentenceTransformer."""
    if isinstance(obj, TextEmbedder):
        return obj
    if hasattr(obj, "encode") and hasattr(obj, "tokenizer") and hasattr(obj, "max_seq_length"):
        return SentenceTransformerEmbedder(obj)
    raise TypeError(
        f"embedder must be a SentenceTransformer or implement TextEmbedder, got {type(obj).__name__}"
    )


def embedder_from_name(name: str) -> TextEmbedder:
    """Rebuild the embedder a collection was made with (used only when Chroma asks for one itself)."""
    if name.startswith("hashing-"):
        return HashingEmbedder(dim=int(name.split("-", 1)[1]))
    if name == EMBEDDING_MODEL_NAME:
        from tools.embeddings import load_embedder

        return SentenceTransformerEmbedder(load_embedder())
    raise ValueError(f"unknown embedder {name!r}")
