"""The router's word cues by class, without the embedder: typos, multi-step requests, grounded questions."""

from __future__ import annotations

import pytest

from agent.routing.arguments import extract
from agent.routing.cues import cue_bonuses, first_step
from agent.routing.text import correct_typos, fold, one_slip


@pytest.mark.parametrize("word, key", [("crtique", "critique"), ("isnert", "insert"), ("serch", "search"),
                                       ("unod", "undo"), ("summerize", "summarize"), ("reveiw", "review")])
def test_one_slip_of_the_keyboard_is_put_right(word, key):
    assert one_slip(word, key)
    assert correct_typos(f"{word} scene 4") == f"{key} scene 4"


@pytest.mark.parametrize("text", ["who wrote chinatown", "undo it", "insertion point", "the version we had",
                                  "a seance at night", "into the library"])
def test_real_words_are_left_alone(text):
    assert correct_typos(text) == text


def test_a_request_in_steps_is_routed_by_its_first_step():
    assert first_step("give me notes and then a summary") == "give me notes"
    assert first_step("Recap act 1, Then rate it") == "Recap act 1"
    bonus = cue_bonuses(fold("give me notes and then a summary"), extract("give me notes and then a summary"))
    assert "critique" in bonus and "summarize" not in bonus


def _top_cue(text: str, characters=()) -> str:
    bonus = cue_bonuses(fold(text), extract(text, characters))
    return max(bonus, key=bonus.__getitem__)


@pytest.mark.parametrize("text, intent", [
    ("what happened to the letter after scene 6?", "chat"),  # a question, not new material after scene 6
    ("should a synopsis give away the ending?", "chat"),  # a craft question naming a tool's product
    ("what percent of my draft is action", "stats"),
    ("how is the dialogue split between June and Rafi", "stats"),
    ("examples of a heist planning meeting", "similar"),
    ("put opt 3 after sc 2", "insert"),
    ("what happens after option 1 ends", "revise"),
    ("option 3 into the draft please", "insert"),
    ("restore the draft the way it was", "undo"),
    # issue 21's classes
    ("here's my draft", "chat"),  # handing over a draft: the attach message said what was loaded
    ("I've attached my screenplay", "chat"),
    ("what's a cold open?", "chat"),  # a craft definition names a beat; nothing is to be written
    ("can I export this to final draft?", "help"),
    ("show me other writers' takes on a jailbreak", "similar"),
    ("which act has the most pages?", "stats"),
    ("rate each act out of 10", "critique"),  # a verdict outranks the counting words
    ("drop that last change", "undo"),
    ("develop: two cousins open a bakery", "develop"),
    ("How do I end a scene on a turn?", "chat"),  # how to write is craft; how to use the app is help
    ("how do I write a good twist?", "chat"),
    ("how do I restyle a scene?", "help"),
    ("how do I undo that?", "help"),
    # session 6's classes (blind4dev's misses, in new words)
    ("delete whatever you just pasted", "undo"),  # removing what was just added
    ("bring the previous draft back", "undo"),
    ("ctrl z", "undo"),
    ("premise idea: a lighthouse keeper who collects lost voices", "develop"),  # an idea offered with a label
    ("would this work as a feature? a choir of retired spies", "develop"),
    ("who talks the least in act 2?", "stats"),
    ("how many distinct locations are there", "stats"),
    ("are there scenes longer than 4 pages", "stats"),
    ("what's the usual rule for page count in a spec script", "chat"),  # a convention, not this draft
    ("give me act 3 in a nutshell", "summarize"),
    ("I could use some inspiration: a funeral at sea", "similar"),
    ("what have other people written about a first date in a hospital", "similar"),
    ("let's try the standoff again", "generate"),
    ("I'm going with the second one", "insert"),
    ("write up a report card for act one", "critique"),
    ("which file formats does it open?", "help"),
])
def test_cues_hear_the_class_of_request(text, intent):
    assert _top_cue(text, ["JUNE", "RAFI"]) == intent


def test_a_yes_no_question_about_a_character_is_conversation():
    bonus = cue_bonuses(fold("is Rafi in love with June?"), extract("is Rafi in love with June?", ["JUNE", "RAFI"]))
    assert bonus.get("chat", 0) > 0.3
    # ... but not when it asks a judgement of the draft
    bonus = cue_bonuses(fold("is Rafi a believable villain?"), extract("is Rafi a believable villain?", ["RAFI"]))
    assert "chat" not in bonus and "critique" in bonus


def test_needing_a_break_asks_for_nothing_to_be_written():
    assert "generate" not in cue_bonuses(fold("I need a break lol"), extract("I need a break lol"))
    assert "generate" in cue_bonuses(fold("I need a new ending"), extract("I need a new ending"))


def test_a_wh_question_about_a_character_is_conversation():
    assert _top_cue("what is Rafi hiding?", ["JUNE", "RAFI"]) == "chat"
    assert _top_cue("how much does Rafi talk?", ["JUNE", "RAFI"]) == "stats"  # a count, not the story


def test_short_key_words_are_mended_only_by_a_swap():
    assert correct_typos("wirte an opening") == "write an opening"
    assert correct_typos("white walls, wrote it") == "white walls, wrote it"


@pytest.mark.parametrize("text, want", [
    ("anything that resembles my diner scene?", {"scene_ref": "diner"}),
    ("what's the weakest scene in act 2", {"act": 2, "scene_ref": None}),
    ("put #2 after 9", {"option": 2, "after_scene": 9}),
    ("sc 14 alts x3", {"scene": 14, "count": 3}),
    ("scene 18 needs another pass, write two new takes", {"scene": 18, "count": 2}),
    ("a new scene between 22 and 23", {"count": None, "placement": True}),
])
def test_references_by_class(text, want):
    ex = extract(text)
    assert {k: getattr(ex, k) for k in want} == want
