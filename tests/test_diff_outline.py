"""Scene-level diff (screenplay.diff) and the outline board's operations (screenplay.outline): pure, no store."""

from __future__ import annotations

import pytest

from screenplay.diff import diff_scripts
from screenplay.formats import fountain
from screenplay.outline import OutlineError, add_card, cards, move_scene, place_scene, set_synopsis

A = ("INT. CABIN - NIGHT\n\nMaya searches the drawers.\n\nMAYA\nWhere are they?\n\n"
     "EXT. WOODS - DAY\n\nSnow falls on the path. A fox watches.\n\n"
     "INT. CAR - DAY\n\nBen waits, engine running.\n\nBEN\nCome on.\n\n"
     "INT. DINER - NIGHT\n\nCoffee goes cold between them.\n")


def parse(text: str):
    return fountain.parse(text)


def headings(script) -> list[str]:
    return [s.heading.text for s in script.scenes]


def test_identical_drafts_have_no_changes():
    diff = diff_scripts(parse(A), parse(A))
    assert diff.identical and diff.unchanged == 4 and diff.render() == "No changes."


def test_a_changed_line_is_that_line_in_that_scene():
    b = A.replace("Come on.", "Get in.")
    diff = diff_scripts(parse(A), parse(b))
    [scene] = diff.scenes
    assert (scene.status, scene.old_number, scene.new_number) == ("changed", 3, 3)
    [line] = scene.lines
    assert (line.kind, line.element, line.speaker, line.old, line.new) == ("changed", "dialogue", "BEN", "Come on.",
                                                                           "Get in.")
    assert "- [dialogue] BEN: Come on." in diff.render() and "+ [dialogue] BEN: Get in." in diff.render()


def test_a_moved_scene_is_moved_not_removed_and_added():
    moved = move_scene(parse(A), 4, 1)
    diff = diff_scripts(parse(A), moved)
    assert [(s.status, s.old_number, s.new_number) for s in diff.scenes] == [("moved", 4, 1)]
    assert diff.unchanged == 3 and diff.to_dict()["scenes"][0]["heading"] == "INT. DINER - NIGHT"


def test_added_removed_and_an_edited_heading():
    b = (A.replace("EXT. WOODS - DAY\n\nSnow falls on the path. A fox watches.\n\n", "")
         .replace("INT. DINER - NIGHT", "INT. DINER - DAWN") + "\nEXT. ROOF - DAWN\n\nThey watch the sun.\n")
    diff = diff_scripts(parse(A), parse(b))
    status = {(s.status, s.heading) for s in diff.scenes}
    assert status == {("removed", "EXT. WOODS - DAY"), ("added", "EXT. ROOF - DAWN"),
                      ("changed", "INT. DINER - DAWN")}
    changed = diff.of("changed")[0]
    assert [(x.element, x.old, x.new) for x in changed.lines] == [("heading", "INT. DINER - NIGHT", "INT. DINER - DAWN")]
    assert diff.of("removed")[0].old_number == 2 and diff.of("added")[0].new_number == 4
    assert diff.summary() == "1 scene(s) added, 1 scene(s) removed, 1 scene(s) changed; 2 unchanged."


def test_added_and_removed_lines_inside_a_scene():
    b = A.replace("MAYA\nWhere are they?\n", "MAYA\nWhere are they?\n\nShe stops.\n").replace(
        "Ben waits, engine running.\n\n", "")
    lines = [(s.new_number, [(x.kind, x.element, x.new or x.old) for x in s.lines]) for s in diff_scripts(
        parse(A), parse(b)).scenes]
    assert lines == [(1, [("added", "action", "She stops.")]), (3, [("removed", "action", "Ben waits, engine running.")])]


def test_cards_carry_synopsis_characters_length_and_act():
    script = set_synopsis(parse(A), 2, "  The fox sees   everything. ")
    board = cards(script, synopses={1: "Maya looks for her keys.", 2: "ignored: the writer's own line wins"})
    assert [c.synopsis for c in board] == ["Maya looks for her keys.", "The fox sees everything.", "", ""]
    assert [c.synopsis_source for c in board] == ["summary", "writer", "", ""]
    assert board[0].characters == ("MAYA",) and all(c.eighths >= 1 for c in board)
    assert [c.act for c in board] == sorted(c.act for c in board) and board[0].act_label == "Act 1"
    assert "= The fox sees everything." in fountain.render(script)
    assert writer_line_removed(script)


def writer_line_removed(script) -> bool:
    return cards(set_synopsis(script, 2, ""))[1].synopsis == ""


def test_acts_follow_the_writers_markers():
    marked = A.replace("INT. CAR - DAY\n\n", "INT. CAR - DAY\n\n# ACT TWO\n\n")
    assert [c.act for c in cards(parse(marked))] == [1, 1, 2, 2]


def test_move_add_card_and_bring_a_scene():
    script = parse(A)
    assert headings(move_scene(script, 1, 3)) == ["EXT. WOODS - DAY", "INT. CAR - DAY", "INT. CABIN - NIGHT",
                                                 "INT. DINER - NIGHT"]
    assert headings(script)[0] == "INT. CABIN - NIGHT", "the argument is left alone"
    carded = add_card(script, 5, "Maya finds the keys in the snow")
    rendered = fountain.render(carded)
    assert rendered.endswith(".NEW SCENE\n\n= Maya finds the keys in the snow\n")
    assert cards(parse(rendered))[4].placeholder
    theirs = parse(A.replace("A fox watches.", "A wolf watches."))
    assert "A wolf watches." in fountain.render(place_scene(script, theirs, 2))
    assert headings(place_scene(script, theirs, 2, at=1))[:2] == ["EXT. WOODS - DAY", "INT. CABIN - NIGHT"]
    with pytest.raises(OutlineError, match="from 1 to 4"):
        move_scene(script, 0, 2)
    with pytest.raises(OutlineError, match="one line"):
        add_card(script, 1, "   ")
