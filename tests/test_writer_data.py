"""A writer's data out as one zip and back in: `scriptroom export-data` / `import-data` (agent.backup)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from agent.backup import BackupError, export_writer, import_writer
from agent.storage import PreferenceRecord, Storage
from cli import main as cli_main
from screenplay.formats import fdx, fountain

SMALL = (Path(__file__).parent / "fixtures" / "fountain" / "small.fountain").read_text()
CHAT = [{"role": "user", "content": "notes?", "metadata": None}, {"role": "assistant", "content": "Tighten act two."}]


@pytest.fixture
def storage(tmp_path) -> Storage:
    s = Storage(tmp_path / "db.sqlite3")
    s.save_project(writer="alice", name="Small", fountain=SMALL, bible={"logline": "Ann and Ben argue."}, chat=CHAT,
                   source="small.fountain")
    s.save_project(writer="alice", name="Second: draft", fountain="INT. ROOM - DAY\n\nQuiet.\n", bible={}, chat=[])
    s.save_project(writer="bob", name="Bob's", fountain="EXT. PIER - NIGHT\n\nFog.\n", bible={}, chat=[])
    s.save_story(writer="alice", project_id=s.list_projects("alice")[-1][0], story={"logline": "Ann and Ben argue."})
    s.add_preference(PreferenceRecord(prompt="three openings", chosen="A", rejected="B", writer="alice"))
    s.add_preference(PreferenceRecord(prompt="bob's", chosen="C", rejected="D", writer="bob"))
    return s


def test_export_holds_fountain_fdx_bible_chat_and_judgements_of_that_writer_only(storage, tmp_path):
    report = export_writer(storage, "alice", tmp_path / "alice.zip")
    assert (report.projects, report.preferences, report.skipped) == (2, 1, ())
    with zipfile.ZipFile(tmp_path / "alice.zip") as zf:
        names = zf.namelist()
        small = next(n for n in names if n.endswith("Small.fountain"))
        assert zf.read(small).decode() == SMALL
        fdx_name = small.replace(".fountain", ".fdx")
        assert fountain.parse(SMALL).scenes[0].heading.text == fdx.parse(zf.read(fdx_name)).scenes[0].heading.text
        record = json.loads(zf.read(small.rsplit("/", 1)[0] + "/project.json"))
        assert record["bible"]["logline"] == "Ann and Ben argue." and record["chat"] == CHAT
        prefs = [json.loads(line) for line in zf.read("preferences.jsonl").decode().splitlines()]
        assert [p["chosen"] for p in prefs] == ["A"]
        assert "Fog." not in "".join(zf.read(n).decode("utf-8", "replace") for n in names)


def test_import_restores_into_a_fresh_server_and_twice_changes_nothing(storage, tmp_path):
    export_writer(storage, "alice", tmp_path / "alice.zip")
    fresh = Storage(tmp_path / "fresh.sqlite3")
    for _ in range(2):
        report = import_writer(fresh, tmp_path / "alice.zip")
    assert report.writer == "alice" and report.preferences == 0, "the second restore adds no judgement twice"
    listed = fresh.list_projects("alice")
    assert listed == storage.list_projects("alice"), "same ids, names and times: the newest is still reopened first"
    small = next(pid for pid, name, _ in listed if name == "Small")
    original, restored = storage.load_project("alice", small), fresh.load_project("alice", small)
    assert (restored.fountain, restored.bible, restored.chat, restored.source) == \
        (original.fountain, original.bible, original.chat, original.source)
    assert len(fresh.preferences(writer="alice")) == 1
    assert fresh.load_story("alice", small) == {"logline": "Ann and Ben argue."}, "the developed story comes back too"


def test_import_as_another_writer_never_touches_the_owner_of_those_ids(storage, tmp_path):
    export_writer(storage, "alice", tmp_path / "alice.zip")
    report = import_writer(storage, tmp_path / "alice.zip", writer="carol")
    assert report.projects == 2
    carol, alice = storage.list_projects("carol"), storage.list_projects("alice")
    assert len(alice) == 2 and not {p[0] for p in carol} & {p[0] for p in alice}


@pytest.mark.parametrize("content, needle", [
    (b"not a zip", "not a Scriptroom data export"),
    ("zip:other.txt", "has no manifest.json"),
    ("zip:manifest", "version 9"),
])
def test_a_bad_upload_is_one_clear_error(tmp_path, content, needle):
    path = tmp_path / "upload.zip"
    if content == "zip:other.txt":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("other.txt", "hi")
    elif content == "zip:manifest":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("manifest.json", json.dumps({"format": "scriptroom-writer-data", "version": 9}))
    else:
        path.write_bytes(content)
    with pytest.raises(BackupError, match=needle):
        import_writer(Storage(tmp_path / "db.sqlite3"), path)


def test_cli_export_and_import_round_trip(capsys, scriptroom_home, tmp_path):
    from agent.settings import Settings

    db = Storage(Settings.from_env().database)
    db.save_project(writer="dana", name="Pilot", fountain=SMALL, bible={}, chat=CHAT)
    assert cli_main.main(["export-data", "dana", "-o", str(tmp_path / "b.zip"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["projects"] == 1
    db.delete_writer("dana")
    assert cli_main.main(["import-data", str(tmp_path / "b.zip"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["writer"] == "dana"
    assert [name for _, name, _ in db.list_projects("dana")] == ["Pilot"]
    assert cli_main.main(["export-data", "nobody", "-o", str(tmp_path / "n.zip")]) == 2
    assert "writers with data: dana" in capsys.readouterr().err


def test_export_and_import_carry_revisions_branches_and_notes(storage, tmp_path):
    from agent.workspace import Workspace

    ws = Workspace(storage, "alice")
    pid = next(p.id for p in ws.projects() if p.name == "Small")
    first = ws.head(pid)
    ws.name_revision(first.id, "Draft 1")
    ws.save(pid, SMALL + "\nA new last line.\n", "option")
    ws.undo(pid)
    ws.fork(pid, "darker")
    ws.save(pid, SMALL.replace("INT.", "EXT.", 1), "typing")
    [note] = ws.add_notes(pid, first.id, [{"check": "c", "message": "Tighten.", "scenes": ["1"], "pages": [1]}])
    ws.resolve_note(note.id, first.id)
    export_writer(storage, "alice", tmp_path / "alice.zip")
    fresh = Storage(tmp_path / "fresh.sqlite3")
    Workspace(fresh, "alice").create("Already here", "INT. X - DAY\n")  # ids in the fresh database differ
    for _ in range(2):
        import_writer(fresh, tmp_path / "alice.zip")
    again = Workspace(fresh, "alice")

    def shape(w):
        return ([(r.cause, r.name, r.branch) for b in ("main", "darker") for r in w.revisions(pid, b)],
                w.get(pid).branch, w.head(pid).fountain, w.head(pid, "main").fountain)

    assert shape(again) == shape(ws)
    assert again.redo(pid, "main").fountain == SMALL + "\nA new last line.\n", "redo pointers came across"
    rev = again.revisions(pid, "main")[-1].id
    assert [(n.message, n.resolved) for n in again.notes(pid, rev)] == [("Tighten.", True)]
