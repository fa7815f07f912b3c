"""Lexical (BM25) ranking of the library's scenes, and its blend with the dense MiniLM ranking.

MiniLM hears meaning but blurs names, places and rare words ("Faberge", "Pomeranian"); BM25 counts
exactly those. A scene's blended score is its cosine similarity plus ``LEXICAL_WEIGHT`` times its BM25
score relative to the best BM25 score of the query. The weight is one number fitted on the 92 labelled
queries (the project's and the paraphrased ones, starter library plus a feature script as distractors):
it maximises their mean MRR (bench/retrieval.py --quality has the figures). Reciprocal rank fusion was
tried first and lost: it lets a weak lexical ranking outvote a confident dense one. The index (``bm25s``, stemmed English, stop words dropped) is built in memory from the
scenes' stored text the first time a search needs it, and rebuilt when the collection's size changes
(this process's writes, or another writer's on a shared server).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

LEXICAL_WEIGHT = 0.08


@dataclass(frozen=True)
class LexicalHit:
    scene_id: str
    score: float  # BM25 score, > 0


def blend(dense: dict[str, float], lexical: dict[str, float], weight: float = LEXICAL_WEIGHT) -> dict[str, float]:
    """Scene id -> cosine + weight * BM25 / best BM25, best first. ``dense`` holds every candidate's cosine;
    a scene BM25 did not rank adds nothing lexical."""
    best = max(lexical.values(), default=0.0) or 1.0
    score = {sid: cos + weight * lexical.get(sid, 0.0) / best for sid, cos in dense.items()}
    return dict(sorted(score.items(), key=lambda item: -item[1]))


class LexicalIndex:
    """BM25 over one text per scene. Thread-safe: sessions of one app share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: Any = None
        self._ids: list[str] = []
        self._bm25: Any = None
        self._stemmer: Any = None

    def _tokenize(self, texts: list[str]) -> Any:
        import bm25s

        if self._stemmer is None:
            import Stemmer

            self._stemmer = Stemmer.Stemmer("english")
        return bm25s.tokenize(texts, stopwords="en", stemmer=self._stemmer, show_progress=False)

    def ensure(self, version: Any, scenes: "callable[[], Iterable[tuple[str, str]]]") -> None:
        """(Re)build from ``scenes()`` -> (scene id, text) pairs unless already built for ``version``."""
        with self._lock:
            if self._version == version:
                return
            import bm25s

            pairs = list(scenes())
            self._ids = [sid for sid, _ in pairs]
            self._bm25 = None
            if pairs:
                bm25 = bm25s.BM25()
                bm25.index(self._tokenize([text for _, text in pairs]), show_progress=False)
                self._bm25 = bm25
            self._version = version

    def invalidate(self) -> None:
        with self._lock:
            self._version = None

    def top(self, query: str, n: int) -> list[LexicalHit]:
        """The ``n`` best-matching scenes (only those sharing a word with the query)."""
        with self._lock:
            bm25, ids = self._bm25, self._ids
        if bm25 is None or not query.strip():
            return []
        tokens = self._tokenize([query])
        if not any(tokens.ids):
            return []
        found, scores = bm25.retrieve(tokens, k=min(n, len(ids)), show_progress=False, n_threads=0)
        return [LexicalHit(ids[int(i)], float(s)) for i, s in zip(found[0], scores[0]) if s > 0]
