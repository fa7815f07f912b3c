"""`scriptroom index`, `search` and `library stats|remove`, driven through cli.main.main."""

from __future__ import annotations

import json

import pytest

import cli.main
from tests.library_conftest import hashing_embedder  # noqa: F401  (fixture)
from tools.library.store import STARTER_DIR

HEIST = """Title: Heist
Genre: Thriller

INT. BANK VAULT - NIGHT

The safe cracker presses a stethoscope to the vault door.

NOOR
Three more clicks.

EXT. ROOFTOP - NIGHT

Wind. The getaway pilot checks a stopwatch on the helipad.

PILOT
Ninety seconds or I leave.
"""

PICNIC = """Title: Sunday
Genre: Comedy

EXT. PARK - DAY

A picnic blanket, a wasp, and a family losing a battle with a watermelon.

MOM
Nobody move.
"""


@pytest.fixture
def run_cli(monkeypatch, hashing_embedder, capsys):
    monkeypatch.setattr("cli.library.make_embedder", lambda: hashing_embedder)

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def drafts(tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "heist.fountain").write_text(HEIST)
    (folder / "sunday.fountain").write_text(PICNIC)
    (folder / "notes.md").write_text("not a draft")
    return folder


def test_index_search_stats_remove_round_trip(run_cli, drafts, tmp_path):
    lib = str(tmp_path / "lib")
    code, out, _ = run_cli("index", str(drafts), "--library", lib, "--json")
    assert code == 0
    report = json.loads(out)["drafts"]
    assert (report["sources"], report["scenes"], report["added"]) == (2, 3, 3)

    code, out, _ = run_cli("index", str(drafts), str(drafts), "--library", lib)
    assert code == 0 and "3 scenes from 2 sources (0 new, 3 unchanged, 0 removed)" in out

    # the first search also brings in the starter scenes (the library never had them)
    code, out, _ = run_cli("search", "cracker presses a stethoscope to the vault door", "-k", "2", "--library", lib,
                           "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert hits[0]["heading"] == "INT. BANK VAULT - NIGHT" and hits[0]["source"] == "drafts/heist.fountain"
    assert set(hits[0]) == {"id", "source", "scene_number", "heading", "score", "text", "metadata"}

    code, out, _ = run_cli("search", "night", "--where", "int_ext=EXT", "--where", "time=night", "--where",
                           "source=drafts/heist.fountain", "--library", lib, "--json")
    assert [h["heading"] for h in json.loads(out)["hits"]] == ["EXT. ROOFTOP - NIGHT"]
    code, out, _ = run_cli("search", "night", "--where", "genre=Comedy", "-k", "50", "--library", lib, "--json")
    assert {h["source"] for h in json.loads(out)["hits"]} == {"drafts/sunday.fountain"}

    code, out, _ = run_cli("search", "stethoscope vault", "--library", lib)  # text output for people
    assert code == 0 and "1. " in out and "INT. BANK VAULT - NIGHT" in out

    code, out, _ = run_cli("library", "stats", "--library", lib, "--json")
    stats = json.loads(out)
    mine = {s: n for s, n in stats["sources"].items() if s.startswith("drafts/")}
    assert mine == {"drafts/heist.fountain": 2, "drafts/sunday.fountain": 1}
    assert stats["scenes"] == 3 + len(list(STARTER_DIR.rglob("*.fountain")))
    code, out, _ = run_cli("library", "remove", "drafts/heist.fountain", "--library", lib, "--json")
    assert code == 0 and json.loads(out)["removed"] == 2
    code, out, _ = run_cli("library", "stats", "--library", lib, "--json")
    assert [s for s in json.loads(out)["sources"] if s.startswith("drafts/")] == ["drafts/sunday.fountain"]


def test_writer_errors_are_one_line_and_status_2(run_cli, tmp_path):
    lib = str(tmp_path / "lib")
    code, _, err = run_cli("search", "x", "--where", "mood=sad", "--library", lib)
    assert code == 2 and "scriptroom search: error: unknown filter 'mood'" in err and "genre" in err
    code, _, err = run_cli("index", str(tmp_path / "missing.fountain"), "--library", lib)
    assert code == 2 and "no such file or folder" in err
    code, _, err = run_cli("index", "--library", lib)
    assert code == 2 and "nothing to index" in err
    code, _, err = run_cli("library", "remove", "nope.fountain", "--library", lib)
    assert code == 2 and "no source 'nope.fountain'" in err


def test_default_library_is_the_data_dirs_and_starts_with_the_starter_scenes(run_cli, scriptroom_home):
    n_starter = len(list(STARTER_DIR.rglob("*.fountain")))
    if n_starter == 0:
        pytest.skip("the starter scenes are not written yet")
    code, out, _ = run_cli("search", "a goat eats a prize orchid", "-k", "3", "--json")
    assert code == 0 and len(json.loads(out)["hits"]) == 3
    assert (scriptroom_home / "library").is_dir()
    code, out, _ = run_cli("library", "stats", "--json")
    stats = json.loads(out)
    assert stats["scenes"] == n_starter and all(s.startswith("starter/") for s in stats["sources"])
    # removing a starter genre sticks: the next search does not bring it back
    run_cli("library", "remove", "starter/noir")
    run_cli("search", "anything")
    code, out, _ = run_cli("library", "stats", "--json")
    assert not any(s.startswith("starter/noir/") for s in json.loads(out)["sources"])


def test_chroma_url_setting_selects_the_server(run_cli, monkeypatch):
    monkeypatch.setenv("SCRIPTROOM_CHROMA_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    code, _, err = run_cli("library", "stats")
    assert code == 2 and "cannot reach the Chroma server at http://127.0.0.1:9" in err
