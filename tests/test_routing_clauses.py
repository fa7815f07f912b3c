"""The learned clause reader (agent/routing/clauses.py): a brief said in a clause of its own."""

from __future__ import annotations

import pytest

from agent.routing.arguments import extract
from agent.routing.clauses import BRIEF, OTHER, ClauseReader, clauses, examples, features, train
from agent.routing.evaluation import Labeled


def test_clauses_split_at_punctuation_and_keep_offsets():
    message = "3 alts sc 14, the ending needs a bigger button. pls"
    parts = clauses(message)
    assert [message[c.start: c.end] for c in parts] == ["3 alts sc 14", "the ending needs a bigger button", "pls"]
    assert [(c.before, c.after) for c in parts] == [("", ","), (",", "."), (".", "")]


def test_features_say_where_a_clause_sits_against_the_count():
    message = "5 alts sc 17 pls, and pack them with dread"
    first, second = features("generate", message, extract(message))
    assert first["count"] == 1.0 and second["count"] == 0.0
    assert second["after_count"] == 1.0 and first["after_count"] == 0.0


def test_examples_label_the_clause_that_is_the_brief():
    rows = [Labeled("alts for sc 22 x3. the blackout has to fall sooner", "generate",
                    {"scene": 22, "count": 3, "brief": "the blackout has to fall sooner"}),
            Labeled("notes on act two", "critique", {"act": 2}),
            Labeled("three new openings", "generate", {"count": 3, "brief": "in other words"})]  # not its words: left out
    (feats, labels), = list(examples(rows))
    assert labels == [OTHER, BRIEF] and len(feats) == 2


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> bytes:
    """A reader trained on a handful of rows: the brief is the clause after the count, never the writer's aside."""
    briefs = ["the blackout has to fall sooner", "the ending needs a bigger button", "pack them with dread",
              "the dog steals the ring", "no song this time", "the rain never stops"]
    rows = [Labeled(f"{n} alts sc {s}, {brief}", "generate", {"count": n, "scene": s, "brief": brief})
            for n, s, brief in zip((2, 3, 4, 5, 2, 3), (4, 9, 12, 17, 20, 31), briefs)]
    rows += [Labeled(f"{n} alts sc {s}, I'm out of ideas", "generate", {"count": n, "scene": s})
             for n, s in ((2, 5), (3, 8))]
    path = tmp_path_factory.mktemp("clauses") / "clauses.crfsuite"
    train(examples(rows), str(path))
    return path.read_bytes()


def test_the_reader_fills_only_an_empty_brief(trained):
    message = "4 alts sc 11, the dog steals the ring"
    ex = extract(message)
    reader = ClauseReader(trained, sure=0.5)
    assert reader("generate", message, ex, {"count": 4, "scene": 11}) == {
        "count": 4, "scene": 11, "brief": "the dog steals the ring"}
    assert reader("generate", message, ex, {"brief": "the rules' brief"}) == {"brief": "the rules' brief"}
    assert ClauseReader(trained, sure=1.01)("generate", message, ex, {"count": 4}) == {"count": 4}  # never sure
    assert reader("critique", "notes on act two", extract("notes on act two"), {"act": 2}) == {"act": 2}


def test_the_writer_talking_about_themselves_is_never_the_brief(trained):
    message = "2 alts sc 6, I've written myself into a corner"
    everything = ClauseReader(trained, sure=0.0)  # every clause is sure enough: only the aside rule holds it back
    assert "corner" not in everything.read("generate", message, extract(message))


def test_the_shipped_reader_loads_and_reads_a_brief_after_the_count():
    reader = ClauseReader.load()
    message = "3 alts sc 14, the ending needs a bigger button"
    assert reader.read("generate", message, extract(message)) == "the ending needs a bigger button"
