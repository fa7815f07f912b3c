"""`scriptroom develop` end to end on a scripted model: the whole ladder, the file, the saved project."""

from __future__ import annotations

import json

import pytest

import cli.main
from agent.settings import Settings
from agent.storage import Storage
from screenplay.formats.fountain import parse
from tests.develop_fake import StoryFake

LOGLINE = "A disgraced monk plans a heist on his own monastery to save it from closure."


@pytest.fixture
def story_model(monkeypatch):
    model = StoryFake()
    monkeypatch.setattr("agent.runtime.build_chat_model", lambda settings, **_: model)
    return model


def test_develop_runs_the_ladder_writes_the_file_and_saves_a_project(capsys, tmp_path, story_model):
    out = tmp_path / "story.fountain"
    code = cli.main.main(["develop", LOGLINE, "--structure", "save-the-cat", "--scenes", "3", "-o", str(out),
                          "--backend", "fake", "--writer", "dana", "--no-library", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["title"] == "Vespers and Gold" and data["tier"] == "scaffold" and data["genre"] == "heist"
    assert len(data["beats"]) == 15 and len(data["cards"]) == 15 and data["problems"] == []
    assert [c["drafted"] for c in data["cards"]].count(True) == 3
    assert [s["level"] for s in data["steps"]] == ["title", "characters", "beats", "cards", "drafts"]
    script = parse(out.read_text())
    assert script.title == "Vespers and Gold" and len(script.scenes) == 15
    assert set(script.characters) <= {c["name"] for c in data["characters"]}
    storage = Storage(Settings.from_env().database)
    stored = storage.load_project("dana", data["project_id"])
    assert stored.name == "Vespers and Gold" and stored.source == "development"
    assert stored.bible["logline"] == LOGLINE and set(stored.bible["characters"]) == {c["name"] for c in data["characters"]}
    assert storage.load_story("dana", data["project_id"])["cards"][0]["what"] == data["cards"][0]["what"]
    assert storage.load_story("someone-else", data["project_id"]) is None


def test_develop_refuses_what_it_cannot_do_in_one_line(capsys, story_model):
    assert cli.main.main(["develop", "a monk", "--backend", "fake"]) == 2
    assert "logline is one sentence" in capsys.readouterr().err
    assert cli.main.main(["develop", LOGLINE, "--scenes", "-1", "--backend", "fake"]) == 2
    assert "--scenes" in capsys.readouterr().err
