"""Statistics against hand-counted answers: a small fixture, page-layout rules, and the real scripts."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from screenplay import stats
from screenplay.encoding import decode
from screenplay.formats import fountain
from screenplay.model import Element, ElementType, Scene, Script, parse_heading

ET = ElementType
FIXTURES = Path(__file__).parent / "fixtures" / "fountain"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"


def real_bytes(name: str) -> bytes:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path.read_bytes()


@pytest.fixture(scope="module")
def small() -> stats.ScriptStats:
    return stats.compute(fountain.parse((FIXTURES / "small.fountain").read_text()))


def test_small_fixture_counts(small):
    assert small.title == "Small"
    assert small.pages == 1
    assert [s.heading for s in small.scenes] == ["INT. OFFICE - DAY", "EXT. STREET - NIGHT", "INT. OFFICE - NIGHT"]
    assert [s.number for s in small.scenes] == ["1", "2", "3"]
    assert [s.characters for s in small.scenes] == [["ANN", "BEN"], ["ANN"], []]
    assert small.int_ext == {"INT": 2, "EXT": 1}
    assert small.day_night == {"DAY": 1, "NIGHT": 2}
    assert small.locations == {"OFFICE": 2, "STREET": 1}
    assert small.speeches == 3
    assert small.dialogue_words == 8  # 5 + 2 + 1
    assert small.action_words == 7  # 2 + 4 + 1
    assert small.dialogue_action_ratio == round(8 / 7, 3)


def test_small_fixture_characters(small):
    assert [c.to_dict() for c in small.characters] == [
        {"name": "ANN", "lines": 2, "words": 6, "scenes": ["1", "2"]},
        {"name": "BEN", "lines": 1, "words": 2, "scenes": ["1"]},
    ]


def test_small_fixture_scene_lengths(small):
    # Scene 1 spans 10 printed lines (heading, action, two speeches, blanks between), 10/55 page ~ 1/8.
    assert [s.page for s in small.scenes] == [1, 1, 1]
    assert [s.eighths for s in small.scenes] == [1, 1, 1]


def test_to_dict_is_json(small):
    d = json.loads(json.dumps(small.to_dict()))
    assert d["scene_count"] == 3 and d["scenes"][0]["length"] == "1/8"
    assert d["dialogue_action_ratio"] == small.dialogue_action_ratio


def _actions(n: int, text: str = "One line.") -> list[Element]:
    return [Element(ET.ACTION, text) for _ in range(n)]


@pytest.mark.parametrize("paragraphs, pages", [(1, 1), (28, 1), (29, 2), (56, 2), (57, 3)])
def test_fifty_five_lines_a_page_with_blank_lines_between(paragraphs, pages):
    # Page one holds 28 one-line paragraphs: 28 lines + 27 blanks = 55; no blank line tops a page.
    assert stats.compute(Script(preamble=_actions(paragraphs))).pages == pages


@pytest.mark.parametrize(
    "element, lines",
    [
        (Element(ET.ACTION, "x" * 61), 1),
        (Element(ET.ACTION, "word " * 13), 2),  # 65 characters of words wrap at 61
        (Element(ET.DIALOGUE, "word " * 7), 1),  # 34 characters fit the 35-wide column
        (Element(ET.DIALOGUE, "word " * 8), 2),
        (Element(ET.PARENTHETICAL, "(" + " ".join(["word"] * 5) + ")"), 1),  # exactly 26
        (Element(ET.PARENTHETICAL, "(" + " ".join(["word"] * 6) + ")"), 2),
        (Element(ET.ACTION, "**bold** " * 6 + "x" * 10), 1),  # markup does not print
    ],
)
def test_column_widths(element, lines):
    assert stats.wrapped_lines(element.text, stats.WIDTH[element.type]) == lines


def test_heading_keeps_with_the_lines_after_it():
    # 26 paragraphs fill 51 lines; heading + blank would fit, but not with two lines of its action.
    script = Script(
        preamble=_actions(26),
        scenes=[Scene(parse_heading("INT. A - DAY"), [Element(ET.ACTION, "a\nb\nc")])],
    )
    assert stats.compute(script).scenes[0].page == 2
    script.preamble = _actions(25)
    assert stats.compute(script).scenes[0].page == 1


def test_page_break_starts_a_new_page_and_notes_take_no_room():
    script = Script(
        preamble=[Element(ET.ACTION, "Epigraph."), Element(ET.PAGE_BREAK)]
        + [Element(ET.NOTE, "n\n" * 200), Element(ET.SECTION, "ACT I", level=1)],
        scenes=[Scene(parse_heading("INT. A - DAY"), [Element(ET.ACTION, "Go.")])],
    )
    st = stats.compute(script)
    assert st.pages == 2 and st.scenes[0].page == 2


def test_long_speech_splits_with_more_and_contd():
    speech = [Element(ET.CHARACTER, "BOB"), Element(ET.DIALOGUE, "\n".join(["Line."] * 60))]
    st = stats.compute(Script(scenes=[Scene(parse_heading("INT. A - DAY"), speech)]))
    # heading, blank, 61-line speech: the page takes 53, (MORE) and the repeated cue cost one line each.
    assert st.pages == 2
    assert st.scenes[0].eighths == round((55 + 1 + (61 - 52)) * 8 / 55)


def test_eighths_add_up_to_the_page_count_of_scene_text():
    scenes = [Scene(parse_heading(f"INT. ROOM {i} - DAY"), _actions(6)) for i in range(20)]
    st = stats.compute(Script(scenes=scenes))
    assert abs(sum(s.eighths for s in st.scenes) / 8 - st.pages) <= 1
    assert [s.page for s in st.scenes][:3] == [1, 1, 1] and st.scenes[-1].page == st.pages


def test_big_fish_stats_and_speed():
    data = real_bytes("Big-Fish.fountain")
    elapsed = float("inf")
    for _ in range(3):  # best of three: the test machine is shared
        start = time.perf_counter()
        st = stats.compute(fountain.parse(decode(data)))
        elapsed = min(elapsed, time.perf_counter() - start)
    assert len(st.scenes) == 190
    assert 110 <= st.pages <= 130  # Final Draft's own pagination is 120 pages
    assert st.speeches == 768
    assert st.characters[0].name == "EDWARD" and st.characters[1].name == "WILL"
    assert st.int_ext["INT"] + st.int_ext["EXT"] + st.int_ext.get("INT/EXT", 0) == 190
    assert st.day_night["DAY"] > st.day_night["NIGHT"] > 0
    assert st.locations["HOSPITAL ROOM"] >= 5
    assert 0.3 < st.dialogue_action_ratio < 2
    assert elapsed < 0.3, f"import + stats took {elapsed:.3f}s"


@pytest.mark.parametrize(
    "name, scenes, low, high",
    [("Brick-and-Steel.fountain", 8, 2, 5), ("The-Last-Birthday-Card.fountain", 48, 15, 24), ("Cyber_Bob_ep00001.fountain", 3, 4, 9)],
)
def test_real_script_pages(name, scenes, low, high):
    st = stats.compute(fountain.parse(decode(real_bytes(name))))
    assert len(st.scenes) == scenes
    assert low <= st.pages <= high
    assert st.scenes[0].page == 1


def test_comma_time_in_headings_counts_as_day():
    st = stats.compute(fountain.parse(decode(real_bytes("The-Last-Birthday-Card.fountain"))))
    first = st.scenes[0]
    assert (first.location, first.day_night, first.int_ext) == ("SAN FRANCISCO APARTMENT", "DAY", "INT")
