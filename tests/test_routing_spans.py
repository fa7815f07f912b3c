"""The learned span tagger for the free-text arguments (agent/routing/spans.py)."""

from __future__ import annotations

from importlib.resources import files

import pytest

from agent.routing.arguments import extract
from agent.routing.spans import IN, OUT, SpanTagger, gold_tags, tokens


def _marked(message: str, tags: list[str]) -> list[str]:
    return [word for (word, _, _), tag in zip(tokens(message), tags) if tag == IN]


def test_gold_tags_mark_the_value_and_the_punctuation_inside_it():
    message = "opt 2: make the butcher kinder, warmer, he reads as a cartoon"
    assert _marked(message, gold_tags(message, "make the butcher kinder, warmer")) == [
        "make", "the", "butcher", "kinder", ",", "warmer"]


def test_gold_tags_skip_a_reference_cut_from_the_middle():
    message = "write the scene 12 showdown on the pier"
    assert _marked(message, gold_tags(message, "write the showdown on the pier")) == [
        "write", "the", "showdown", "on", "the", "pier"]


def test_gold_tags_refuse_a_value_in_other_words_and_mark_nothing_for_none():
    assert gold_tags("three fresh openers for act one", "three new openings") is None
    assert set(gold_tags("keep option 3 going", "")) == {OUT}


@pytest.fixture(scope="module")
def tagger() -> SpanTagger:
    return SpanTagger.load()


def test_the_tagger_replaces_the_rules_span_only_where_it_is_sure(tagger):
    message = "pull up scenes w a chase across rooftops at dawn"
    ex = extract(message)
    rules = {"query": "RULES' QUERY"}
    assert SpanTagger(tagger.model, sure=2.0)("similar", message, ex, rules) == rules  # never sure: the rules
    learned = SpanTagger(tagger.model, sure=0.0)("similar", message, ex, rules)
    assert learned["query"] == tagger.read("similar", message, ex).text != "RULES' QUERY"


def test_the_tagger_leaves_intents_without_a_span_and_continuations_alone(tagger):
    sure = SpanTagger(tagger.model, sure=0.0)
    args = {"option": 3, "mode": "continue"}
    assert sure("revise", "keep option 3 rolling", extract("keep option 3 rolling"), args) == args
    assert sure("critique", "notes on act two", extract("notes on act two"), {"act": 2}) == {"act": 2}


@pytest.mark.parametrize("span, tidy", [
    ("comma something at the grain elevator at dawn", "something at the grain elevator at dawn"),
    ("make dalland angrier at the end period", "make dalland angrier at the end"),
    ("change the setting to the frost library pls", "change the setting to the frost library"),
    ("it goes SO wrong lol", "it goes SO wrong"),
    ("a period piece at the mill", "a period piece at the mill"),  # only at the ends
    ("set it in another period", "set it in another period"),  # a noun, not a full stop
    ("Two takes, one darker. Period", "Two takes, one darker"),
])
def test_free_text_drops_sign_offs_and_dictated_punctuation_at_its_ends(span, tidy):
    """One cleaning for the tagger's spans and the rules' free text (agent/routing/text.py)."""
    from agent.routing.text import clean_free_text

    assert clean_free_text(span) == tidy


@pytest.mark.parametrize("message, args", [
    ("library scenes like scene 6, thrillers only", {"scene": 6, "genre": "thriller"}),
    ("anything out there like the pawnshop scene where Brix fences the drive?", {"scene_ref": "pawnshop"}),
])
def test_look_alikes_of_a_draft_scene_read_no_query(message, args):
    """The loop searches with the named scene's own text, so no query is read beside it."""
    from agent.routing.router import read_request

    assert read_request("similar", message).args == args
    described = read_request("similar", "any thrillers that have a chase on a rooftop").args
    assert described["genre"] == "thriller" and described["query"].endswith("chase on a rooftop")  # no scene: kept


def test_spans_model_is_what_training_builds_from_the_labelled_rows(tmp_path):
    """A changed labelled row, feature or setting without a retrain fails here (training is deterministic)."""
    from agent.routing.training import build_reader

    build_reader("spans", tmp_path / "spans.crfsuite")
    fresh = (tmp_path / "spans.crfsuite").read_bytes()
    assert fresh == files("agent.routing").joinpath("spans.crfsuite").read_bytes(), (
        "spans.crfsuite is stale: run python -m agent.routing.training")
