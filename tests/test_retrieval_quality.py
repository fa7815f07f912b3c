"""Retrieval quality on the starter library with the real MiniLM: recall@5 >= 0.8 over the labelled queries.

The queries (tests/data/retrieval_queries_*.jsonl) were written by the starter scenes' authors; each names
the scenes it should find, as paths under tools/library/starter/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.library_conftest import minilm  # noqa: F401  (fixture)
from tools.library import SceneLibrary
from tools.library.store import STARTER_DIR

DATA = Path(__file__).resolve().parent / "data"
K = 5


def load_queries() -> list[dict]:
    queries = []
    for path in sorted(DATA.glob("retrieval_queries_*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                q = json.loads(line)
                assert q["query"].strip() and q["relevant"], f"{path.name}:{n} needs a query and relevant scenes"
                queries.append(q)
    return queries


def score(ranked: list[str], relevant: list[str]) -> tuple[float, float]:
    """(recall@K, reciprocal rank) of one ranking."""
    found = len(set(ranked[:K]) & set(relevant)) / len(set(relevant))
    rr = next((1.0 / i for i, s in enumerate(ranked, 1) if s in relevant), 0.0)
    return found, rr


def test_score_counts_what_it_should():
    assert score(["a", "b", "c"], ["b"]) == (1.0, 0.5)
    assert score(["a", "b", "c", "d", "e", "f"], ["f", "a"]) == (0.5, 1.0)
    assert score(["x"], ["y"]) == (0.0, 0.0)


@pytest.mark.slow
def test_recall_at_5_on_the_starter_library(tmp_path, minilm):
    queries = load_queries()
    assert len(queries) >= 40, f"only {len(queries)} labelled queries; the quality bar needs at least 40"
    starter = {p.relative_to(STARTER_DIR).as_posix() for p in STARTER_DIR.rglob("*.fountain")}
    unknown = sorted({r for q in queries for r in q["relevant"]} - starter)
    assert not unknown, f"queries name scenes that are not in the starter library: {unknown[:5]}"

    with SceneLibrary(tmp_path / "lib", minilm, starter=False) as lib:
        report = lib.index_starter()
        assert report.added == len(starter)
        recalls, rrs, misses = [], [], []
        for q in queries:
            hits = lib.search(q["query"], k=10)
            ranked = [h.source.removeprefix("starter/") for h in hits]
            recall, rr = score(ranked, q["relevant"])
            recalls.append(recall)
            rrs.append(rr)
            if recall < 1:
                misses.append(f"  {recall:.2f}  {q['query'][:70]!r} -> {ranked[:3]}")
    recall_at_5 = sum(recalls) / len(recalls)
    mrr = sum(rrs) / len(rrs)
    print(f"\nretrieval over {len(queries)} queries, {len(starter)} scenes: recall@{K}={recall_at_5:.3f} MRR={mrr:.3f}")
    print("\n".join(misses))
    assert recall_at_5 >= 0.8, f"recall@{K} {recall_at_5:.3f} < 0.8 (MRR {mrr:.3f})\n" + "\n".join(misses)
