"""`scriptroom projects ...`, `revisions ...` and `branches ...` with --json, on a store the app would write."""

from __future__ import annotations

import json

import pytest

from agent.settings import Settings
from agent.storage import Storage
from agent.workspace import Workspace
from cli import main as cli_main

DRAFT = "INT. CABIN - NIGHT\n\nMaya searches.\n\nMAYA\nWhere are they?\n\nEXT. WOODS - DAY\n\nSnow.\n"


@pytest.fixture
def store(tmp_path):
    home = tmp_path / "home"
    ws = Workspace(Storage(Settings(home=home).database), "maya")
    project = ws.create("Snow", DRAFT)
    ws.save(project.id, DRAFT.replace("Where are they?", "Where are my keys?"), "typing")
    return home, ws, project.id


def cli(capsys, home, *argv) -> tuple[int, object, str]:
    code = cli_main.main([*argv, "--json", "--home", str(home)])
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else None, captured.err


def test_list_show_and_export(store, capsys, tmp_path):
    home, ws, pid = store
    code, listed, _ = cli(capsys, home, "projects", "list", "maya")
    assert code == 0 and [(p["id"], p["name"], p["scenes"]) for p in listed] == [(pid, "Snow", 2)]
    code, shown, _ = cli(capsys, home, "projects", "show", pid[:6])
    assert [r["cause"] for r in shown["revisions"]] == ["typing", "import"]
    assert [c["heading"] for c in shown["outline"]] == ["INT. CABIN - NIGHT", "EXT. WOODS - DAY"]
    first = shown["revisions"][-1]["id"]
    out = tmp_path / "first.fountain"
    code, written, _ = cli(capsys, home, "projects", "export", pid, "-o", str(out), "--revision", str(first))
    assert code == 0 and "Where are they?" in out.read_text() and written["revision"] == first


def test_revisions_diff_name_restore_and_branches(store, capsys):
    home, ws, pid = store
    first, second = sorted(r.id for r in ws.revisions(pid))
    code, diff, _ = cli(capsys, home, "revisions", "diff", pid, str(first), str(second))
    [scene] = diff["scenes"]
    assert scene["status"] == "changed" and [(x["old"], x["new"]) for x in scene["lines"]] == [
        ("Where are they?", "Where are my keys?")]
    assert cli(capsys, home, "revisions", "name", pid, str(first), "Draft 1")[1]["name"] == "Draft 1"
    code, restored, _ = cli(capsys, home, "revisions", "restore", pid, str(first))
    assert restored["cause"] == "restore" and ws.head(pid).fountain == DRAFT
    assert cli(capsys, home, "revisions", "undo", pid)[1]["cause"] == "undo"
    assert "keys" in ws.head(pid).fountain
    assert cli(capsys, home, "branches", "fork", pid, "darker")[1]["current"] is True
    ws.save(pid, DRAFT.replace("Snow.", "Blood on the snow."), "typing", branch="darker")
    cli(capsys, home, "branches", "switch", pid, "main")
    assert cli(capsys, home, "branches", "bring", pid, "darker", "2")[1]["cause"] == "merge-scene"
    assert "Blood on the snow." in ws.head(pid, "main").fountain
    assert [b["name"] for b in cli(capsys, home, "branches", "list", pid)[1]] == ["main", "darker"]


def test_rename_duplicate_delete_undelete(store, capsys):
    home, ws, pid = store
    assert cli(capsys, home, "projects", "rename", pid, "Snow II")[1]["name"] == "Snow II"
    copy = cli(capsys, home, "projects", "duplicate", pid)[1]
    assert copy["name"] == "Snow II (copy)" and copy["id"] != pid
    assert cli(capsys, home, "projects", "delete", copy["id"])[1]["deleted"] is not None
    assert [p["name"] for p in cli(capsys, home, "projects", "list", "maya", "--trash")[1]] == ["Snow II (copy)"]
    assert cli(capsys, home, "projects", "undelete", copy["id"])[1]["deleted"] is None


def test_unknown_ids_are_one_line_errors_naming_what_exists(store, capsys):
    home, ws, pid = store
    code, _, err = cli(capsys, home, "projects", "show", "nope")
    assert code == 2 and f"Projects: {pid[:8]} (Snow, maya)" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli(capsys, home, "revisions", "diff", pid, "999")
    latest = ", ".join(str(r.id) for r in ws.revisions(pid))
    assert code == 2 and f"there is no revision 999" in err and latest in err
    code, _, err = cli(capsys, home, "branches", "switch", pid, "lighter")
    assert code == 2 and "branches: main" in err
