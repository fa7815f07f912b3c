"""The Draft tab's editor without a browser: parsing what is typed, the cursor's scene, "this scene" in the chat."""

from agent.references import point_at_scene
from ui.editor import heading_lines, read, status_line
from ui.render import script_html

DRAFT = """Title: Night Shift

INT. DINER - NIGHT

Maya wipes the counter.

MAYA
You're waiting for someone.

EXT. PARKING LOT - NIGHT

Headlights sweep the asphalt.

INT. MAYA'S APARTMENT - DAY
A heading needs a blank line before it, not after.
EXT. NOT A HEADING - DAY

.FLASHBACK

She counts the tips.
"""


def test_cursor_line_maps_to_the_scene_it_is_in():
    draft = read(DRAFT)
    assert [s.heading.text for s in draft.script.scenes] == ["INT. DINER - NIGHT", "EXT. PARKING LOT - NIGHT",
                                                            "INT. MAYA'S APARTMENT - DAY", "FLASHBACK"]
    assert draft.heading_lines == [3, 10, 14, 18]
    lines = DRAFT.split("\n")
    assert draft.scene_at(lines.index("You're waiting for someone.") + 1) == 1
    assert draft.scene_at(10) == 2 and draft.scene_at(13) == 2
    assert draft.scene_at(16) == 3 and draft.scene_at(20) == 4
    assert draft.scene_at(1) == 0 and draft.scene_at(0) == 0


def test_unclosed_markup_is_marked_and_typing_still_parses():
    text = DRAFT.replace("Headlights sweep", "/* cut this? Headlights sweep")
    draft = read(text)
    assert any("Line 12 opens a boneyard" in p for p in draft.problems), draft.problems
    # What comes before the open boneyard still formats.
    assert draft.script.scenes[0].heading.text == "INT. DINER - NIGHT"
    page = script_html(draft.script, preamble=True)
    assert "Maya wipes the counter." in page
    assert not read(DRAFT).problems
    note = read("INT. A - DAY\n\nShe waits. [[is this too slow?\n")
    assert note.problems and "note [[" in note.problems[0]


def test_half_typed_text_never_raises():
    for text in ["", "\n\n", "INT.", "MAYA\n", "/*", "[[", "EXT. ROAD - NIGHT\n\nMAYA\n(", "\r\nINT. A - DAY\r\n"]:
        draft = read(text)
        assert draft.text == text.replace("\r\n", "\n")
        status_line(draft, 0, draft.scene_at(1))


def test_heading_lines_skip_boneyard():
    assert heading_lines("/*\n\nINT. GONE - DAY\n\n*/\n\nEXT. HERE - DAY\n") == [7]


def test_page_marks_the_current_scene_and_notes():
    script = read(DRAFT).script
    page = script_html(script, current=2, notes={1: ["Maya has no goal here."]})
    assert page.count("sr-current") == 2  # the CSS rule and the one scene
    assert "id='scene-2'" in page and "Maya has no goal here." in page


def test_this_scene_means_the_cursor_scene():
    assert point_at_scene("rewrite this scene", 3) == "rewrite scene 3"
    assert point_at_scene("What's wrong with This Scene?", 2) == "What's wrong with scene 2?"
    assert point_at_scene("three options for the current scene", 4) == "three options for scene 4"
    assert point_at_scene("rewrite this scene", None) == "rewrite this scene"
    assert point_at_scene("rewrite the diner scene", 3) == "rewrite the diner scene"
