"""Fountain parsing of every element type, the title page, and the render/parse round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screenplay.encoding import decode
from screenplay.formats import fountain
from screenplay.model import Element, ElementType, Scene, Script, parse_heading

ET = ElementType
FIXTURES = Path(__file__).parent / "fixtures" / "fountain"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"


def real(name: str) -> Script:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return fountain.parse(decode(path.read_bytes()))


def types(elements: list[Element]) -> list[ET]:
    return [e.type for e in elements]


@pytest.fixture(scope="module")
def sample() -> Script:
    return fountain.parse((FIXTURES / "all_elements.fountain").read_text())


# ---------------------------------------------------------------------------- title page


def test_title_page_keys_and_multiline_values(sample):
    assert sample.title_page == {
        "Title": "_**THE TEST**_\nA Story",
        "Credit": "Written by",
        "Author": "Ann Writer",
        "Draft date": "1/2/2024",
        "Contact": "1 Main St.\nSpringfield",
    }
    assert sample.title == "THE TEST A Story"


def test_tab_after_colon_and_no_title_page():
    s = fountain.parse("Title:\tTabbed\nAuthor:\tMe\n\nINT. A - DAY\n")
    assert s.title_page == {"Title": "Tabbed", "Author": "Me"}
    s = fountain.parse("FADE IN:\n\nINT. A - DAY\n")
    assert s.title_page == {}
    assert s.preamble[0].type is ET.ACTION and s.preamble[0].text == "FADE IN:"


# ---------------------------------------------------------------------------- body elements


def test_preamble_sections_synopsis_and_boneyard(sample):
    assert [(e.type, e.text, e.level) for e in sample.preamble] == [
        (ET.SECTION, "ACT ONE", 1),
        (ET.SYNOPSIS, "The opening.", 0),
        (ET.ACTION, "FADE IN:", 0),
    ]
    assert "boneyard" not in fountain.render(sample)


def test_scene_headings_numbers_and_forced(sample):
    headings = [s.heading for s in sample.scenes]
    assert [h.text for h in headings] == ["INT. KITCHEN - DAY", "EXT. GARDEN - NIGHT", "FLASHBACK", "I/E CAR - MOVING - NIGHT"]
    assert headings[0].number == "1" and headings[0].location == "KITCHEN" and headings[0].time == "DAY"
    assert headings[2].forced and not headings[0].forced
    assert headings[3].int_ext == "INT/EXT"


def test_dialogue_block_parenthetical_extensions_dual_and_inline_note(sample):
    els = sample.scenes[0].elements
    assert types(els) == [
        ET.ACTION, ET.NOTE,
        ET.CHARACTER, ET.PARENTHETICAL, ET.DIALOGUE,
        ET.CHARACTER, ET.DIALOGUE,
        ET.CHARACTER, ET.DIALOGUE,
        ET.TRANSITION,
    ]
    assert els[0].text == "ALICE, 30, stirs a pot."
    assert els[1].text == "Is she 30 or 35?"
    assert els[3].text == "(quietly)"
    assert els[4].text == "I never liked soup.\nNot once."
    bob = els[5]
    assert (bob.text, bob.extensions, bob.dual, bob.cue_name) == ("BOB", ("V.O.", "CONT'D"), False, "BOB")
    assert els[7].dual and els[7].text == "ALICE"
    assert els[9].text == "CUT TO:" and not els[9].forced


def test_forced_elements_centered_lyrics_notes_page_break(sample):
    els = sample.scenes[1].elements
    assert [(e.type, e.text, e.forced) for e in els] == [
        (ET.ACTION, "SMASH. Something falls.", True),
        (ET.CHARACTER, "McCLANE", True),
        (ET.DIALOGUE, "Yippee.", False),
        (ET.TRANSITION, "FADE TO BLACK.", True),
        (ET.CENTERED, "THE END", False),
        (ET.LYRICS, "Sing a song\nof sixpence", True),
    ]
    flashback = sample.scenes[2].elements
    assert [(e.type, e.text) for e in flashback] == [
        (ET.ACTION, "...and then it rained."),
        (ET.NOTE, "A standalone\nnote over two lines"),
        (ET.PAGE_BREAK, ""),
        (ET.SECTION, "Scene two"),
    ]
    assert flashback[3].level == 2


def test_indented_cue_and_speech(sample):
    els = sample.scenes[3].elements
    assert [(e.type, e.text) for e in els] == [(ET.CHARACTER, "BOB"), (ET.DIALOGUE, "Tabbed speech.")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("CUT TO:\n", ET.TRANSITION),
        ("CUT TO:\nmore words\n", ET.CHARACTER),  # a transition needs a blank line after it
        ("BOB\n", ET.ACTION),  # a cue needs a following line
        ("BOB\nHi.\n", ET.CHARACTER),
        ("Bob\nHi.\n", ET.ACTION),
        ("...and so on\n", ET.ACTION),
        ("!INT. NOT A HEADING\n", ET.ACTION),
        ("EXT/INT. CAR\n", ET.ACTION),  # not on the spec's list of heading prefixes
        ("INTERCUT WITH MOM\n", ET.ACTION),
        ("   indented action\n", ET.ACTION),
    ],
)
def test_shape_rules(text, expected):
    s = fountain.parse(text)
    els = s.preamble or (s.scenes[0].elements if s.scenes else [])
    assert els and els[0].type is expected, els


def test_heading_prefixes_are_case_insensitive_and_need_dot_or_space():
    s = fountain.parse("int. house - day\n\nEST. CITY - DAWN\n\nINT./EXT. CAR - DAY\n\nI/E TRAIN - NIGHT\n")
    assert [sc.heading.int_ext for sc in s.scenes] == ["INT", "EXT", "INT/EXT", "INT/EXT"]


def test_action_keeps_indentation_and_intentional_empty_line():
    s = fountain.parse("He reads:\n\n          Scott --\n          Jacob\n\nBOB\nOne.\n  \nTwo.\n")
    assert s.preamble[1].text == "          Scott --\n          Jacob"
    assert s.preamble[3].text == "One.\n\nTwo."


def test_inline_boneyard_and_multiline_note_inside_action():
    s = fountain.parse("She runs /* cut this */fast.\n\nHe [[a note\nover lines]] waits.\n")
    assert [(e.type, e.text) for e in s.preamble] == [
        (ET.ACTION, "She runs fast."),
        (ET.ACTION, "He waits."),
        (ET.NOTE, "a note\nover lines"),
    ]


def test_unclosed_markers_stay_text():
    s = fountain.parse("A [[ stray bracket.\n\nA /* stray comment.\n")
    assert [e.text for e in s.preamble] == ["A [[ stray bracket.", "A /* stray comment."]


# ---------------------------------------------------------------------------- rendering


def test_render_forces_what_shape_alone_would_misread():
    script = Script(
        preamble=[Element(ET.ACTION, "Title: not a title page")],
        scenes=[
            Scene(
                parse_heading("FLASHBACK"),
                [
                    Element(ET.ACTION, "INT. looks like a heading"),
                    Element(ET.CHARACTER, "McCoy"),
                    Element(ET.DIALOGUE, "Hi."),
                    Element(ET.TRANSITION, "FADE OUT."),
                    Element(ET.ACTION, "BANG\nthe door"),
                ],
            )
        ],
    )
    text = fountain.render(script)
    assert "!Title: not a title page" in text
    assert ".FLASHBACK" in text and "!INT. looks" in text and "@McCoy" in text
    assert "> FADE OUT." in text and "!BANG\nthe door" in text
    again = fountain.parse(text)
    assert again.title_page == {}
    assert [(e.type, e.text) for e in again.scenes[0].elements] == [
        (e.type, e.text) for e in script.scenes[0].elements
    ]


def _round_trip_is_stable(text: str) -> None:
    first = fountain.parse(text)
    rendered = fountain.render(first)
    second = fountain.parse(rendered)
    assert second == first
    assert fountain.render(second) == rendered


def test_round_trip_fixture():
    _round_trip_is_stable((FIXTURES / "all_elements.fountain").read_text())


@pytest.mark.parametrize(
    "name",
    ["Big-Fish.fountain", "Brick-and-Steel.fountain", "The-Last-Birthday-Card.fountain", "Cyber_Bob_ep00001.fountain"],
)
def test_round_trip_real_scripts(name):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    _round_trip_is_stable(decode(path.read_bytes()))


# ---------------------------------------------------------------------------- real scripts


def test_big_fish():
    s = real("Big-Fish.fountain")
    assert len(s.scenes) == 190
    assert s.title == "Big Fish"
    assert s.title_page["Notes"] == "FINAL PRODUCTION DRAFT\nincludes post-production dialogue\nand omitted scenes"
    all_els = s.preamble + [e for sc in s.scenes for e in sc.elements]
    counts = {t: sum(1 for e in all_els if e.type is t) for t in ET}
    assert counts[ET.CHARACTER] == 768 and counts[ET.PARENTHETICAL] == 97 and counts[ET.TRANSITION] == 34
    assert counts[ET.PAGE_BREAK] == 1
    assert [e.text for e in s.preamble[:3]] == [
        "This is a Southern story, full of lies and fabrications, but truer for their inclusion.", "", "**FADE IN:**"
    ]
    assert s.scenes[-1].elements[-1].type is ET.CENTERED


def test_last_birthday_card():
    s = real("The-Last-Birthday-Card.fountain")
    assert len(s.scenes) == 48
    all_els = s.preamble + [e for sc in s.scenes for e in sc.elements]
    assert sum(e.type is ET.SECTION for e in all_els) == 28
    assert sum(sc.heading.forced for sc in s.scenes) == 23
    assert not any(sc.heading.text.startswith(".") for sc in s.scenes)
    assert s.title_page["Author"] == "Stu Maschwitz"


def test_brick_and_steel_dual_dialogue():
    s = real("Brick-and-Steel.fountain")
    assert len(s.scenes) == 8
    duals = [e for sc in s.scenes for e in sc.elements if e.dual]
    assert [d.text for d in duals] == ["BRICK"]
    assert s.scenes[1].characters == ["JACK", "DAN"]  # tab-indented cues


def test_cyber_bob():
    s = real("Cyber_Bob_ep00001.fountain")
    assert len(s.scenes) == 3
    notes = [e.text for e in s.preamble if e.type is ET.NOTE]
    assert len(notes) == 2 and notes[0].startswith("archival web URL")
    assert "Draft date" not in s.title_page  # it sits in a boneyard


# ---------------------------------------------------------------------------- property test

_WORDS = [
    "the", "Dog", "RUNS", "*fast*", "**LOUD**", "_under_", "again.", "42", "O'Neil", "--", "...",
    "INT.", "EXT", "TO:", ">", "~", "@", "!", "#", "=", "Credit:", "naïve", "(aside)", "BANG", "CUT",
]
_sentence = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join)
_upper = st.lists(st.sampled_from(["HOUSE", "CAR", "O'NEIL'S", "BAR", "2ND", "FLOOR"]), min_size=1, max_size=3).map(" ".join)


def _multiline(min_size: int = 1, max_size: int = 3, gaps: bool = False):
    line = st.one_of(_sentence, st.just("")) if gaps else _sentence
    return st.tuples(_sentence, st.lists(line, max_size=max_size - 1), _sentence).map(
        lambda t: "\n".join([t[0], *t[1], t[2]])
    ) | _sentence


def _not_paren(line: str) -> bool:
    return not (line.startswith("(") and line.endswith(")"))


def _no_inner_lyric(text: str, first_too: bool = False) -> bool:
    """Fountain has no escape for a line starting with ~ inside a paragraph (lyrics are always
    forced), so action and speech text from other formats with such a line cannot survive it."""
    lines = text.split("\n")
    return not any(x.startswith("~") for x in (lines if first_too else lines[1:]))


@st.composite
def _speech(draw) -> list[Element]:
    name = draw(st.sampled_from(["ALICE", "BOB", "DR. NO", "Mc CLANE", "R2D2"]))
    exts = tuple(draw(st.lists(st.sampled_from(["V.O.", "O.S.", "CONT'D"]), max_size=2, unique=True)))
    els = [Element(ET.CHARACTER, name, extensions=exts, dual=draw(st.booleans()), forced=draw(st.booleans()))]
    last = None
    for kind in draw(st.lists(st.sampled_from(["paren", "dialogue", "note"]), min_size=1, max_size=4)):
        if kind == "paren":
            els.append(Element(ET.PARENTHETICAL, f"({draw(_sentence)})"))
        elif kind == "note":
            els.append(Element(ET.NOTE, draw(_multiline())))
        elif last != "dialogue":
            text = draw(_multiline(gaps=True).filter(
                lambda t: all(_not_paren(x) for x in t.split("\n")) and _no_inner_lyric(t, first_too=True)))
            els.append(Element(ET.DIALOGUE, text))
        last = kind
    return els


_element = st.one_of(
    st.builds(lambda t, f: [Element(ET.ACTION, t, forced=f)], _multiline(gaps=True).filter(_no_inner_lyric), st.booleans()),
    st.builds(lambda t: [Element(ET.ACTION, "    " + t)], _sentence),
    _speech(),
    st.builds(lambda t, f: [Element(ET.TRANSITION, t, forced=f)], st.sampled_from(["CUT TO:", "FADE OUT.", "smash cut to:"]) | _sentence, st.booleans()),
    st.builds(lambda t: [Element(ET.CENTERED, t)], _multiline(max_size=2)),
    st.builds(lambda t: [Element(ET.LYRICS, t, forced=True)], _multiline(max_size=2)),
    st.builds(lambda t, n: [Element(ET.SECTION, t, level=n)], _sentence, st.integers(1, 3)),
    st.builds(lambda t: [Element(ET.SYNOPSIS, t)], _sentence),
    st.builds(lambda t: [Element(ET.NOTE, t)], _multiline()),
    st.just([Element(ET.PAGE_BREAK)]),
)
_elements = st.lists(_element, max_size=6).map(lambda groups: [e for g in groups for e in g])
_heading = st.one_of(
    st.builds(
        lambda p, loc, t, n: parse_heading(f"{p} {loc} - {t}", number=n),
        st.sampled_from(["INT.", "EXT.", "INT./EXT.", "I/E", "EST.", "int."]),
        _upper,
        st.sampled_from(["DAY", "NIGHT", "CONTINUOUS"]),
        st.none() | st.sampled_from(["1", "12A", "3.1"]),
    ),
    st.builds(lambda loc: parse_heading(loc, forced=True), _upper),
)
_title_page = st.one_of(
    st.just({}),
    st.builds(
        lambda title, rest: {"Title": title, **rest},
        _multiline(),
        st.dictionaries(st.sampled_from(["Credit", "Author", "Draft date", "Contact", "My Key"]), _multiline() | st.just("")),
    ),
)
_scripts = st.builds(
    lambda tp, pre, scenes: Script(title_page=tp, preamble=pre, scenes=[Scene(h, els) for h, els in scenes]),
    _title_page,
    _elements,
    st.lists(st.tuples(_heading, _elements), max_size=4),
)


def _shape(script: Script):
    """What a script says, leaving out force markers (render adds them wherever they are needed)."""
    def els(elements):
        return [(e.type, e.text, e.extensions, e.dual, e.level) for e in elements]

    return (
        script.title_page,
        els(script.preamble),
        [(s.heading.text, s.heading.number, els(s.elements)) for s in script.scenes],
    )


@settings(max_examples=150, deadline=None)
@given(_scripts)
def test_render_parse_round_trip_property(script):
    text = fountain.render(script)
    parsed = fountain.parse(text)
    assert _shape(parsed) == _shape(script), text
    assert fountain.render(parsed) == text
    assert fountain.parse(fountain.render(parsed)) == parsed


# Fragments that stress the shape rules; a lone "[[" or "]]" is left out (see the module docstring).
_FRAGMENTS = [
    "", "", "  ", "INT. HOUSE - DAY", ".FORCED", "...dots", "BOB", "BOB ^", "@bob", "(beat)", "Hello there.",
    "CUT TO:", "> FADE OUT.", ">CENTER<", "~lyric", "# Act", "## sub", "= syn", "===", "[[note]]",
    "[[multi\nline]]", "/* bone", "yard */", "!forced", "\tindented", "   spaced", "Title: X", "Author: Y",
    "\tcont", "x [[in]] y", "*em* _u_", "EXT/INT. CAR", "I/E TRAIN", "INT. A #1A#", "=", ">", "<", "!", "@",
    "~", "#", "(", ")", "^", "int. x", "BOB (V.O.)", "BOB (cont'd) ^", "@Mc ^", "> X <", ".", ".1A",
    "[[a]] [[b]]", "Est. 1990 the town", "Draft date: now", "  BOB",
]
_joints = st.sampled_from(["\n", "\n", " ", "", "\r\n", "\n\n"])
_texts = st.lists(st.tuples(st.sampled_from(_FRAGMENTS), _joints).map("".join), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_parse_render_fixed_point_on_arbitrary_text(text):
    _round_trip_is_stable(text)
