"""`scriptroom style` through cli.main with the fake backend."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import cli.main
import cli.style
from screenplay.formats.fountain import parse
from tools.library.embedder import HashingEmbedder

SAMPLE = Path(__file__).parent / "fixtures" / "samples" / "lighthouse.fountain"


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    monkeypatch.setattr(cli.style, "make_embedder", HashingEmbedder)
    monkeypatch.setattr(cli.style, "load_classifier", lambda embedder: None)  # the head expects MiniLM


def test_style_scene_json(capsys):
    assert cli.main.main(["style", str(SAMPLE), "--to", "noir", "--scene", "2", "--json", "--backend", "fake"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["style"] == "noir" and out["target"] == "scene 2"
    restyled = parse(out["text"])
    assert restyled.scenes[0].heading.text == "INT. LIGHTHOUSE KITCHEN - MORNING"
    assert restyled.scenes[0].characters == ["DANIEL", "MARGARET"]
    assert out["rewritten"] + out["kept"] == 5
    assert out["tier"] == "scaffold" and "too small to restyle" in out["note"]  # the plain word reaches --json too


def test_style_stdin_example_and_errors(capsys, monkeypatch, tmp_path):
    example = tmp_path / "voice.txt"
    example.write_text("The sea is grey. The sea is always grey.\nShe walks. She does not look back.\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("INT. SHED - NIGHT\n\nTom mends a net.\n"))
    assert cli.main.main(["style", "-", "--example", str(example), "--backend", "fake"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("INT. SHED - NIGHT") and "your example" in captured.err
    assert cli.main.main(["style", str(SAMPLE), "--to", "vaporwave", "--scene", "1", "--backend", "fake"]) == 2
    assert "unknown style" in capsys.readouterr().err



def test_style_whole_file_shows_progress_per_scene(capsys):
    assert cli.main.main(["style", str(SAMPLE), "--to", "noir", "--json", "--backend", "fake"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    n = len(parse(SAMPLE.read_text(encoding="utf-8")).scenes)
    assert out["target"] == "the draft" and len(parse(out["text"]).scenes) == n
    assert [s["scene"] for s in out["scenes"]] == list(range(1, n + 1))
    assert all({"mode", "rewritten", "kept", "reasons"} <= set(s) for s in out["scenes"])
    assert f"[{n}/{n}] scene {n}:" in captured.err and "[1/" in captured.err
