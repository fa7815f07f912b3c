"""`scriptroom generate` on the fake backend, through cli.main.main."""

from __future__ import annotations

import json
from pathlib import Path


import cli.main
from screenplay.formats.fountain import parse
from tools.scene_scoring import check_scene

DRAFT = Path(__file__).parent / "fixtures" / "generator" / "lighthouse.fountain"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main.main(["generate", *argv, "--backend", "fake", "--no-library"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_lists_n_valid_options_with_scores(capsys):
    code, out, _ = run(capsys, "three openings for act two", "--draft", str(DRAFT), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["request"]["count"] == 3 and data["request"]["act"] == 2
    assert data["position"] == "the opening of act two"
    assert len(data["options"]) == 3
    for option in data["options"]:
        assert check_scene(option["fountain"]).valid and 0 < option["score"] <= 1
        assert set(option["characters"]) <= {"NORA", "SAM", "VIC"}
    assert "<<<DRAFT" in data["prompt"] and "EXT. JETTY - NIGHT" in data["prompt"]


def test_n_flag_wins_over_the_request_and_text_output_is_fountain(capsys):
    code, out, _ = run(capsys, "three openings", "-n", "2")
    assert code == 0
    assert out.count("**Option ") == 2 and "```fountain" in out
    first = out.split("```fountain\n", 1)[1].split("```", 1)[0]
    assert len(parse(first).scenes) == 1


def test_too_many_options_is_a_clear_error(capsys):
    code, out, err = run(capsys, "openings", "-n", "12")
    assert code == 2 and out == ""
    assert "at most 10" in err and "Traceback" not in err


def test_an_act_the_draft_lacks_is_a_clear_error(capsys):
    code, _, err = run(capsys, "openings for act 7", "--draft", str(DRAFT))
    assert code == 2 and "no act 7" in err
