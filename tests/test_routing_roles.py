"""The learned number tagger (agent/routing/roles.py): what each number in a request is."""

from __future__ import annotations

from importlib.resources import files

import pytest

from agent.routing.arguments import extract
from agent.routing.roles import OUT, RoleTagger, gold_tags, numbers
from agent.routing.spans import tokens


def _values(message: str) -> list[tuple[str, int]]:
    toks = tokens(message)
    return [(toks[n.index][0], n.value) for n in numbers(toks)]


def test_numbers_read_digits_words_compounds_sound_alikes_and_exhibit_letters():
    assert _values("put option to after seen thirty one") == [("to", 2), ("thirty", 31)]
    assert _values("the 3rd alt, 12 pages, exhibit B") == [("3rd", 3), ("12", 12), ("B", 2)]
    assert _values("a scene in a bar") == []  # a lower-case "a" is an article, not exhibit A


def test_gold_tags_mark_each_argument_and_refuse_a_value_found_twice():
    message = "alt 3 after sc 12"
    ex = extract(message)
    tags = gold_tags("insert", message, {"option": 3, "after_scene": 12}, ex)
    assert [t for t in tags if t != OUT] == ["option", "after_scene"]
    assert gold_tags("insert", "option 2 after scene 2", {"option": 2, "after_scene": 2}, extract("option 2 after scene 2")) is None


@pytest.fixture(scope="module")
def tagger() -> RoleTagger:
    return RoleTagger.load()


def test_the_tagger_fills_an_option_the_rules_missed(tagger):
    message = "variant 3 goes after sc 12"
    ex = extract(message)
    rules = {"after_scene": 12}
    assert tagger("insert", message, ex, rules) == {"after_scene": 12, "option": 3}
    off = RoleTagger(tagger.model, fill=2.0, override=2.0)
    assert off("insert", message, ex, rules) == rules  # never sure: the rules as they were


def test_the_tagger_leaves_intents_without_numbers_alone(tagger):
    assert tagger("stats", "who talks most in the 2 acts", extract("who talks most"), {"topic": "characters"}) == {
        "topic": "characters"}


def test_roles_model_is_what_training_builds_from_the_labelled_rows(tmp_path):
    """A changed labelled row, feature or setting without a retrain fails here (training is deterministic)."""
    from agent.routing.training import build_reader

    build_reader("roles", tmp_path / "roles.crfsuite")
    assert (tmp_path / "roles.crfsuite").read_bytes() == files("agent.routing").joinpath("roles.crfsuite").read_bytes(), (
        "roles.crfsuite is stale: run python -m agent.routing.training --taggers")
