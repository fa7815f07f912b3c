"""Text embedders the library accepts: the packaged MiniLM (via sentence-transformers) or a model-free hasher.

The library talks to one small protocol so tests and the Chroma server suite can use the hasher, which is
deterministic and needs no weights, while writers get MiniLM.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Mapping, Protocol, Sequence, runtime_checkable

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


# "Load the shipped file": the default of SentenceTransformerEmbedder's query_arrays.
SHIPPED = "shipped"


class SentenceTransformerEmbedder:
    """Adapts a SentenceTransformer (e.g. ``tools.embeddings.load_embedder()``) to TextEmbedder.

    Texts are embedded by ``model`` as packaged, unless ``scene_arrays`` (a scene encoder file's arrays,
    tools/library/scene_encoder.py) give it tuned layers: the scene library's own embedder (``for_scenes``);
    the router, the critic and the style tools keep the packaged vectors. ``scene_version`` names what
    ``embed`` makes. With ``tuned_queries`` (the default) a search's one-line description is read by the
    query encoder (``query_arrays``, by default the shipped query_encoder.npz) when that encoder was trained
    against the scene vectors searched; otherwise it is embedded as the scenes are."""

    def __init__(self, model: Any, name: str = EMBEDDING_MODEL_NAME, batch_size: int = 64, tuned_queries: bool = True,
                 scene_arrays: Mapping[str, np.ndarray] | None = None,
                 query_arrays: Mapping[str, np.ndarray] | None | str = SHIPPED):
        from tools.library.scene_encoder import scene_twin, version

        self.packaged = model  # the query encoder is a twin of the packaged model, not of the scene encoder
        self.scene_arrays = scene_arrays
        self.scene_version = version(scene_arrays)
        self.model = scene_twin(model, scene_arrays) if name == EMBEDDING_MODEL_NAME else model
        self.name = name
        self.batch_size = batch_size
        # [CLS] and [SEP] take two places of the window.
        self.max_tokens = int(model.max_seq_length) - 2
        self.tuned_queries = tuned_queries
        self._query_arrays = query_arrays
        self._twin: Any = None  # built on the first described query: the router never needs it

    def for_scenes(self) -> "SentenceTransformerEmbedder":
        """This embedder as the scene library embeds scenes: with the shipped scene encoder. One already given
        its scene arrays (a test's, a trainer's) is returned as it is."""
        if self.scene_arrays is not None or self.name != EMBEDDING_MODEL_NAME:
            return self
        from tools.library.scene_encoder import load_arrays

        # No file: the packaged MiniLM, decided ({}), so the file is not looked for again.
        return SentenceTransformerEmbedder(self.packaged, self.name, self.batch_size, self.tuned_queries,
                                           scene_arrays=load_arrays() or {}, query_arrays=self._query_arrays)

    def query_arrays(self) -> Mapping[str, np.ndarray] | None:
        if isinstance(self._query_arrays, str):
            from tools.library.query_encoder import load_arrays

            self._query_arrays = load_arrays()
        return self._query_arrays

    def embed_query(self, text: str, stored_version: str | None = None) -> np.ndarray:
        """A search description's (1, dim) vector: by the tuned query encoder when it was trained against
        ``stored_version`` (the searched vectors' scene encoder; by default this embedder's), else as a scene."""
        from tools.embeddings import embed_one
        from tools.library.query_encoder import is_description, query_twin
        from tools.library.scene_encoder import trained_against

        model = self.model
        if self.tuned_queries and self.name == EMBEDDING_MODEL_NAME and is_description(text, self.count_tokens([text])[0]):
            arrays = self.query_arrays()
            if trained_against(arrays) == (stored_version or self.scene_version):
                if self._twin is None:  # two threads may both build it: the same twin, harmlessly twice
                    self._twin = query_twin(self.packaged, arrays) or self.packaged
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


def embed_query(embedder: TextEmbedder, text: str, stored_version: str | None = None) -> np.ndarray:
    """A search text's (1, dim) vector: the embedder's own query encoding where it has one (``stored_version``:
    the scene encoder of the vectors searched)."""
    own = getattr(embedder, "embed_query", None)
    if own is None:
        return embedder.embed([text])
    # Asked only when it matters (a library not yet re-embedded), so a query side of one argument still works.
    if stored_version is None or stored_version == scene_version(embedder):
        return own(text)
    return own(text, stored_version=stored_version)


def scene_version(embedder: TextEmbedder) -> str:
    """The scene encoder version of what ``embedder`` stores (an embedder without scene encoders: BASE)."""
    from tools.library.scene_encoder import BASE

    return str(getattr(embedder, "scene_version", BASE))


def for_scenes(embedder: Any) -> TextEmbedder:
    """The scene library's embedder: ``as_text_embedder``, with the shipped scene encoder where it applies."""
    text_embedder = as_text_embedder(embedder)
    own = getattr(text_embedder, "for_scenes", None)
    return own() if own is not None else text_embedder


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

        return SentenceTransformerEmbedder(load_embedder()).for_scenes()
    raise ValueError(f"unknown embedder {name!r}")
