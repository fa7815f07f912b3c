"""`scriptroom summarize` through cli.main with the fake backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli.main
import cli.summarize
from tools.library.embedder import HashingEmbedder

SAMPLE = Path(__file__).parent / "fixtures" / "samples" / "bakery.fountain"


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    monkeypatch.setattr(cli.summarize, "make_embedder", HashingEmbedder)


def test_summarize_json_every_level(capsys, scriptroom_home):
    for level in ("logline", "beats", "scenes"):
        assert cli.main.main(["summarize", str(SAMPLE), "--level", level, "--json", "--backend", "fake"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["level"] == level and out["text"] and out["total_scenes"] == 8
    assert len(out["scenes"]) == 8
    assert any((scriptroom_home / "cache" / "summaries").rglob("*.json"))  # scene summaries were cached


def test_summarize_text_and_errors(capsys):
    assert cli.main.main(["summarize", str(SAMPLE), "--level", "scenes", "--backend", "fake"]) == 0
    assert "**Scene 8**" in capsys.readouterr().out
    assert cli.main.main(["summarize", str(SAMPLE), "--scene", "30", "--backend", "fake"]) == 2
    assert "no scene 30" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main.main(["summarize", str(SAMPLE), "--level", "haiku", "--backend", "fake"])
