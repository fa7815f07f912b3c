"""Lexical (BM25) ranking of the library's scenes, and its blend with the dense MiniLM ranking.

MiniLM hears meaning but blurs names, places and rare words ("Faberge", "Pomeranian"); BM25 counts
exactly those. A scene's blended score is its cosine similarity plus ``LEXICAL_WEIGHT`` times how far its BM25
score stands above the noise floor (the score of the ``LEXICAL_FLOOR_RANK + 1``-th best scene), relative to the
best score. A query that shares only common words with the library ("widow", "coffee") gives a flat BM25 ranking
whose best scene stands little above the floor and gains little; a rare word the scene shares stands far above
it. Measured on the labelled queries: where BM25 misled, its best score was mostly within a fifth of its second;
where its best was the scene described, often near twice it. Normalising by the best score alone (session 5) gave every query's BM25 winner the full weight,
and with Shakespeare in the library the project's queries ranked better by MiniLM alone (MRR 0.815 vs 0.747).
The weight and the floor were chosen with the hub discount (tools/library/hubs.py) by cross-validation over the
project, paraphrased and first held-out queries (bench/retrieval.py --quality; notes in the closing note).
Reciprocal rank fusion was tried first (session 5) and lost: it lets a weak lexical ranking outvote a confident
dense one. The index (``bm25s``, stemmed English, stop words dropped) is built in memory from the
scenes' stored text the first time a search needs it, and rebuilt when the collection's size changes
(this process's writes, or another writer's on a shared server).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

LEXICAL_WEIGHT = 0.12
LEXICAL_FLOOR_RANK = 10  # the ten best stand above the floor


@dataclass(frozen=True)
class LexicalHit:
    scene_id: str
    score: float  # BM25 score, > 0


def blend(dense: dict[str, float], lexical: Sequence[LexicalHit], weight: float = LEXICAL_WEIGHT,
          floor_rank: int = LEXICAL_FLOOR_RANK) -> dict[str, float]:
    """Scene id -> cosine + weight * (BM25 - floor) / best BM25, best first. ``dense`` holds every candidate's
    score; ``lexical`` is BM25's ranking, best first, at least ``floor_rank + 1`` long where that many scenes
    share a word with the query (the floor is 0 otherwise). A scene at or below the floor adds nothing."""
    best = lexical[0].score if lexical else 1.0
    floor = lexical[floor_rank].score if len(lexical) > floor_rank else 0.0
    above = {h.scene_id: (h.score - floor) / best for h in lexical if h.score > floor}
    score = {sid: cos + weight * above.get(sid, 0.0) for sid, cos in dense.items()}
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
