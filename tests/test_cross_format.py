"""The same real scripts read from Fountain, Final Draft, PDF and plain text agree with each other.

PDF headings are compared in full, forced ones included: a forced Fountain heading ('.BACK IN THE
APARTMENT') prints like a line of capitalised action, and the PDF reader tells them apart from the
document's layout (see pdf_import.promoted_headings).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from pathlib import Path

import pytest

from screenplay.encoding import decode
from screenplay.formats import fdx, pdf_import, plaintext
from screenplay.model import ElementType, Script

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"
fountain = pytest.importorskip("screenplay.formats.fountain", reason="Fountain parser not yet available")


def _real(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"shared/realscripts/{name} not present")
    return path


def _norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").upper()
    return re.sub(r"\s+", " ", text).strip().lstrip(".")


def _headings(script: Script) -> list[str]:
    return [_norm(s.heading.text) for s in script.scenes]


def _agreement(a: Script, b: Script) -> tuple[float, float]:
    ha, hb = _headings(a), _headings(b)
    headings = difflib.SequenceMatcher(None, ha, hb, autojunk=False).ratio()
    ca, cb = {_norm(c) for c in a.characters}, {_norm(c) for c in b.characters}
    return headings, len(ca & cb) / len(ca | cb)


@functools.cache  # each real script is parsed once per test session
def _load(name: str) -> Script:
    data = _real(name).read_bytes()
    if name.endswith(".fdx"):
        return fdx.parse(data)
    if name.endswith(".pdf"):
        return pdf_import.parse(data)
    return fountain.parse(decode(data))


@pytest.mark.parametrize("base, other", [
    ("Big-Fish.fountain", "Big-Fish.fdx"),
    ("Big-Fish.fountain", "lexington__Big-Fish.fdx"),
    ("Big-Fish.fountain", "Big-Fish.pdf"),
    ("The-Last-Birthday-Card.fountain", "The-Last-Birthday-Card.fdx"),
    ("The-Last-Birthday-Card.fountain", "The-Last-Birthday-Card.pdf"),
])
def test_formats_agree_on_headings_and_speakers(base: str, other: str) -> None:
    a, b = _load(base), _load(other)
    headings, speakers = _agreement(a, b)
    print(f"{base} vs {other}: scenes {len(a.scenes)}/{len(b.scenes)}, "
          f"heading agreement {headings:.3f}, speaker Jaccard {speakers:.3f}")
    assert headings >= 0.95
    assert speakers >= 0.95


def test_scene_counts_follow_the_files_own_numbering() -> None:
    lexington = _load("lexington__Big-Fish.fdx")
    numbers = [s.heading.number for s in lexington.scenes]
    assert len(lexington.scenes) == 202 and numbers == [str(i) for i in range(1, 203)]
    # the exported FDX and PDF keep that numbering
    again = fdx.parse(fdx.render(lexington).encode())
    assert [s.heading.number for s in again.scenes] == numbers


def test_brick_and_steel_keeps_dual_dialogue() -> None:
    script = _load("Brick-and-Steel.fdx")
    duals = [e for s in script.scenes for e in s.elements if e.dual]
    assert [e.text for e in duals] == ["BRICK"]
    source = fountain.parse(decode(_real("Brick-and-Steel.fountain").read_bytes()))
    assert [e.cue_name for s in source.scenes for e in s.elements if e.dual] == ["BRICK"]
    back = fdx.parse(fdx.render(script).encode())
    assert [e.text for s in back.scenes for e in s.elements if e.dual] == ["BRICK"]


def _play(name: str) -> Script:
    return plaintext.parse(decode(_real(name).read_bytes()))


def _speakers(script: Script) -> Counter[str]:
    return Counter(e.cue_name for s in script.scenes for e in s.elements
                   if e.type is ElementType.CHARACTER and not e.extensions)


def _no_boilerplate(script: Script) -> None:
    text = "\n".join(s.text for s in script.scenes)
    assert "Project Gutenberg" not in text and "PROJECT GUTENBERG" not in text


def test_hamlet() -> None:
    script = _play("hamlet.txt")
    assert len(script.scenes) == 20
    assert script.scenes[0].heading.text == "ACT I, SCENE I. Elsinore. A platform before the castle."
    assert _speakers(script).most_common(1)[0][0] == "HAMLET"
    assert {"HORATIO", "OPHELIA", "LAERTES", "GHOST"} <= set(script.characters)


def test_romeo_and_juliet() -> None:
    script = _play("pg1513.txt")
    headings = [s.heading.text for s in script.scenes]
    assert sum("SCENE" in h for h in headings) == 24
    assert headings[0] == "PROLOGUE" and headings[1] == "ACT I, SCENE I. A public place."
    assert [h.split(",")[0] for h in headings if "SCENE" in h].count("ACT II") == 6
    top = [name for name, _ in _speakers(script).most_common(3)]
    assert top[:2] == ["ROMEO", "JULIET"]
    assert "ESCALUS" not in script.characters  # dramatis personae skipped
    _no_boilerplate(script)
    assert script.title_page["Author"] == "William Shakespeare"


def test_importance_of_being_earnest() -> None:
    script = _play("pg844.txt")
    assert [s.heading.text for s in script.scenes] == ["FIRST ACT", "SECOND ACT", "THIRD ACT"]
    assert {"ALGERNON", "JACK", "LADY BRACKNELL", "CECILY", "GWENDOLEN"} <= set(script.characters)
    _no_boilerplate(script)


def test_a_dolls_house() -> None:
    script = _play("a_dolls_house.txt")
    assert [s.heading.text for s in script.scenes] == ["ACT I", "ACT II", "ACT III"]
    assert _speakers(script).most_common(1)[0][0] == "NORA"
    assert {"HELMER", "MRS LINDE", "KROGSTAD", "RANK"} <= set(script.characters)


def test_pygmalion() -> None:
    script = _play("Pygmalion.txt")
    assert [s.heading.text for s in script.scenes] == ["ACT I", "ACT II", "ACT III", "ACT IV", "ACT V"]
    top = [name for name, _ in _speakers(script).most_common(2)]
    assert top == ["HIGGINS", "LIZA"]
    assert {"THE FLOWER GIRL", "PICKERING", "FREDDY", "DOOLITTLE"} <= set(script.characters)
