"""Measuring search quality: recall@k and mean reciprocal rank over labelled queries, with query latency.

A labelled query names the scenes it should find as paths under the starter library
(``{"query": "...", "relevant": ["noir/10-pawn-ticket.fountain"]}``); the tests and bench/retrieval.py
share these functions.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

K = 5


@dataclass
class Quality:
    queries: int
    recall: float  # mean recall@K
    mrr: float  # mean reciprocal rank of the first relevant scene (0 when none in the top 10)
    p50_ms: float
    misses: list[str] = field(default_factory=list)  # queries with a relevant scene outside the top K

    def line(self) -> str:
        return f"recall@{K} {self.recall:.3f}  MRR {self.mrr:.3f}  p50 {self.p50_ms:.1f} ms  ({self.queries} queries)"


def load_queries(paths: Iterable[Path]) -> list[dict[str, Any]]:
    queries = []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                q = json.loads(line)
                if not (str(q.get("query", "")).strip() and q.get("relevant")):
                    raise ValueError(f"{path.name}:{n} needs a query and relevant scenes")
                queries.append(q)
    return queries


def score(ranked: list[str], relevant: list[str], k: int = K) -> tuple[float, float]:
    """(recall@k, reciprocal rank) of one ranking."""
    found = len(set(ranked[:k]) & set(relevant)) / len(set(relevant))
    rr = next((1.0 / i for i, s in enumerate(ranked, 1) if s in relevant), 0.0)
    return found, rr


def evaluate(library: Any, queries: list[dict[str, Any]], **search: Any) -> Quality:
    """Search each query (top 10) and score it against its labels; ``search`` goes to library.search."""
    recalls, rrs, times, misses = [], [], [], []
    for q in queries:
        start = time.perf_counter()
        hits = library.search(q["query"], k=10, **search)
        times.append((time.perf_counter() - start) * 1000)
        ranked = [h.source.removeprefix("starter/") for h in hits]
        recall, rr = score(ranked, q["relevant"])
        recalls.append(recall)
        rrs.append(rr)
        if recall < 1:
            misses.append(f"  {recall:.2f}  {q['query'][:70]!r} -> {ranked[:3]}")
    n = len(queries) or 1
    return Quality(len(queries), sum(recalls) / n, sum(rrs) / n, sorted(times)[len(times) // 2] if times else 0.0, misses)
