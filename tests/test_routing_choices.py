"""The learned choice classifier (agent/routing/choices.py): a statistics topic, a critique focus, a summary level."""

from __future__ import annotations

from importlib.resources import files

import pytest

from agent.routing.arguments import extract
from agent.routing.choices import ChoiceReader


@pytest.fixture(scope="module")
def reader() -> ChoiceReader:
    return ChoiceReader.load()


def test_the_classifier_replaces_the_rules_choice_only_where_it_is_sure(reader):
    message = "how many scenes total and how many pages total"
    ex = extract(message)
    rules = {"topic": "acts"}  # a choice the rules could have made
    value, p = reader.read("stats", message, ex, "acts")
    sure = ChoiceReader(reader.model, sure=0.0)("stats", message, ex, rules)
    assert sure == ({} if value == "overview" else {"topic": value})  # the default topic is left out, as the rules do
    assert ChoiceReader(reader.model, sure=2.0)("stats", message, ex, rules) == rules  # never sure: the rules
    assert 0.0 < p <= 1.0


def test_the_classifier_leaves_other_intents_alone(reader):
    args = {"option": 2, "after_scene": 4}
    assert reader("insert", "option 2 after scene 4", extract("option 2 after scene 4"), args) == args


@pytest.mark.parametrize("message, args", [
    ("sum up act one in a line", {"level": "logline", "act": 1}),  # the session-10 walk's miss
    ("boil the whole draft down to a line", {"level": "logline"}),
    ("Summarise scene 5 for me in a line or two.", {"scene": 5}),  # a size, not one line
    ("a line of dialogue summing up act one", {"act": 1}),
])
def test_a_summary_in_a_line_is_a_logline(message, args):
    from agent.routing.router import read_request

    assert read_request("summarize", message).args == args


def test_choices_model_is_what_training_builds_from_the_labelled_rows(tmp_path):
    """A changed labelled row, feature or setting without a retrain fails here (training is deterministic)."""
    from agent.routing.training import build_reader

    build_reader("choices", tmp_path / "choices.crfsuite")
    assert (tmp_path / "choices.crfsuite").read_bytes() == files("agent.routing").joinpath("choices.crfsuite").read_bytes(), (
        "choices.crfsuite is stale: run python -m agent.routing.training --taggers")
