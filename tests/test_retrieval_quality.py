"""Retrieval quality with the real MiniLM and real Chroma: the starter library plus a full feature script as
distractors, searched with the project's labelled queries and with paraphrased ones.

The project's queries (tests/data/retrieval_queries_*.jsonl) were written by the starter scenes' authors; the
paraphrased ones (tests/data/retrieval_paraphrased.jsonl) describe the same scenes in other words. Each names
the scenes it should find, as paths under tools/library/starter/. The feature script comes from
../shared/realscripts (the paraphrase test skips without it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.library_conftest import minilm  # noqa: F401  (fixture)
from tools.library import SceneLibrary
from tools.library.quality import evaluate, load_queries, score
from tools.library.store import STARTER_DIR

DATA = Path(__file__).resolve().parent / "data"
FEATURE = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts" / "Big-Fish.fountain"
PROJECT_QUERIES = sorted(DATA.glob("retrieval_queries_*.jsonl"))
PARAPHRASED = DATA / "retrieval_paraphrased.jsonl"


def test_score_counts_what_it_should():
    assert score(["a", "b", "c"], ["b"]) == (1.0, 0.5)
    assert score(["a", "b", "c", "d", "e", "f"], ["f", "a"]) == (0.5, 1.0)
    assert score(["x"], ["y"]) == (0.0, 0.0)


def test_labelled_queries_name_starter_scenes():
    starter = {p.relative_to(STARTER_DIR).as_posix() for p in STARTER_DIR.rglob("*.fountain")}
    for paths, least in ((PROJECT_QUERIES, 40), ([PARAPHRASED], 40)):
        queries = load_queries(paths)
        assert len(queries) >= least
        unknown = sorted({r for q in queries for r in q["relevant"]} - starter)
        assert not unknown, f"queries name scenes that are not in the starter library: {unknown[:5]}"


@pytest.fixture(scope="module")
def library(tmp_path_factory, minilm):
    """Starter scenes, plus the feature script's scenes as distractors when the real scripts are there."""
    with SceneLibrary(tmp_path_factory.mktemp("quality") / "lib", minilm, starter=False) as lib:
        lib.index_starter()
        if FEATURE.exists():
            assert lib.index_paths([FEATURE]).added > 150
        yield lib


@pytest.mark.slow
@pytest.mark.usefixtures("one_thread")
def test_project_queries(library):
    result = evaluate(library, load_queries(PROJECT_QUERIES))
    print(f"\nproject queries, {library.stats().scenes} scenes: {result.line()}\n" + "\n".join(result.misses))
    assert result.recall >= 0.85 and result.mrr >= 0.75, result.line() + "\n" + "\n".join(result.misses)


@pytest.mark.slow
@pytest.mark.usefixtures("one_thread")
@pytest.mark.skipif(not FEATURE.exists(), reason="needs ../shared/realscripts for the distractor script")
def test_paraphrased_queries_among_distractors_hybrid_beats_dense(library):
    queries = load_queries([PARAPHRASED])
    hybrid = evaluate(library, queries)
    dense = evaluate(library, queries, hybrid=False)
    print(f"\nparaphrased, {library.stats().scenes} scenes: hybrid {hybrid.line()}; dense {dense.line()}\n"
          + "\n".join(hybrid.misses))
    assert hybrid.recall >= 0.93 and hybrid.mrr >= 0.83, hybrid.line() + "\n" + "\n".join(hybrid.misses)
    assert hybrid.mrr > dense.mrr + 0.03
