"""Who leads a draft (screenplay/lead.py), one rule for grounded chat, the critic and the story bible."""

from __future__ import annotations

from screenplay.lead import leads, title_named
from screenplay.stats import CharacterStats


def char(name: str, lines: int, words: int, scenes: int) -> CharacterStats:
    return CharacterStats(name, lines, words, [str(i + 1) for i in range(scenes)])


def test_a_title_that_names_two_characters_makes_a_two_hander_in_the_titles_order():
    cast = [char("STEEL", 9, 40, 5), char("BRICK", 4, 14, 2), char("COGNITO", 3, 27, 1)]
    assert leads("BRICK & STEEL", cast) == ["BRICK", "STEEL"]
    # "The" names no one, and a character with a line or two is no lead even when the title has their name.
    cast = [char("SCOTT", 61, 374, 12), char("THE BOSS", 8, 51, 2), char("CARD", 1, 3, 1)]
    assert leads("The Last Birthday Card", cast) == ["SCOTT"]
    assert title_named("The Boss", ["THE BOSS"]) == ["THE BOSS"]


def test_otherwise_scenes_on_screen_decide_then_words_and_a_close_second_shares_the_lead():
    talker, watcher = char("MAYA", 30, 300, 3), char("LEO", 20, 260, 6)
    assert leads("Untitled", [talker, watcher]) == ["LEO"]  # more scenes beats more speeches
    assert leads("Untitled", [talker, watcher], present={"MAYA": 6, "LEO": 6}) == ["MAYA", "LEO"]  # close: both
    assert leads("Untitled", [char("A", 5, 100, 4), char("B", 5, 50, 4)]) == ["A"]  # half the words: not close
    # A group cue is everywhere its members are and leads nothing.
    group = [char("EDWARD", 293, 4477, 86), char("EDWARD AND WILL", 1, 5, 1), char("WILL", 141, 1527, 39)]
    assert leads("Big Fish", group, present={"EDWARD AND WILL": 165, "EDWARD": 131, "WILL": 77}) == ["EDWARD"]
    assert leads("Anything", []) == []
