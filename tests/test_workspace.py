"""The project store (agent.workspace): revisions, persistent undo/redo, branches, trash, notes, migration."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest

from agent.storage import SCHEMA, Storage
from agent.workspace import Workspace, WorkspaceError
from agent.workspace import workspace as workspace_module

DRAFT = ("Title: Snow\n\nINT. CABIN - NIGHT\n\nMaya searches the drawers.\n\nMAYA\nWhere are they?\n\n"
         "EXT. WOODS - DAY\n\nSnow falls on the path.\n\nINT. CAR - DAY\n\nBen waits, engine running.\n\n"
         "BEN\nCome on.\n")


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace(Storage(tmp_path / "db.sqlite3"), "maya")


def reopen(ws: Workspace) -> Workspace:
    return Workspace(Storage(ws.storage.path), ws.writer)


def test_saves_are_revisions_and_identical_text_adds_none(ws):
    project = ws.create("Snow", DRAFT, source="snow.fountain")
    assert (project.scenes, project.branches, project.branch) == (3, 1, "main") and project.pages >= 1
    first = ws.head(project.id)
    assert first.cause == "import" and first.fountain == DRAFT
    second = ws.save(project.id, DRAFT.replace("Come on.", "Hurry."), "option")
    assert second.parent == first.id and second.cause == "option"
    assert ws.save(project.id, second.fountain, "typing").id == second.id, "identical text is the head, unchanged"
    assert [r.cause for r in ws.revisions(project.id)] == ["option", "import"]
    with pytest.raises(WorkspaceError, match="causes are"):
        ws.save(project.id, DRAFT, "because")


def test_typing_coalesces_only_inside_the_window_and_keeps_the_latest_text(ws, monkeypatch):
    from agent.workspace import revstore

    project = ws.create("Snow", DRAFT)
    a = ws.save(project.id, DRAFT + "\nOne.\n", "typing")
    b = ws.save(project.id, DRAFT + "\nOne. Two.\n", "typing")
    assert a.id == b.id and reopen(ws).head(project.id).fountain == DRAFT + "\nOne. Two.\n"
    monkeypatch.setattr(revstore, "TYPING_WINDOW_S", 0.0)
    c = ws.save(project.id, DRAFT + "\nOne. Two. Three.\n", "typing")
    assert c.id != b.id and c.parent == b.id


def test_coalesced_typing_leaves_no_orphan_chunks_and_keeps_shared_ones(ws):
    import sqlite3

    from agent.workspace import chunks

    project = ws.create("Snow", DRAFT)
    for k in range(10):  # one scene typed into ten times: one revision
        ws.save(project.id, DRAFT.replace("Come on.", "Come on" + "!" * k), "typing")
    ws.save(project.id, DRAFT, "typing")  # typed back to the first revision's text: its chunks are shared again
    with sqlite3.connect(ws.storage.path) as db:
        manifests = [m for (m,) in db.execute("SELECT manifest FROM revisions")]
        stored = {bytes(h) for (h,) in db.execute("SELECT hash FROM chunks")}
    listed = {d for m in manifests for d in chunks.digests_of(m)}
    assert stored == listed, "every stored chunk is listed by a revision, and every listed one is stored"
    assert ws.revision(ws.revisions(project.id)[-1].id).fountain == DRAFT


def test_undo_and_redo_survive_a_restart(ws):
    pid = ws.create("Snow", "INT. A - DAY\n\nA.\n").id
    ws.save(pid, "INT. A - DAY\n\nB.\n", "option")
    ws.save(pid, "INT. A - DAY\n\nC.\n", "restyle")
    ws = reopen(ws)
    assert ws.undo(pid).fountain.endswith("B.\n")
    ws = reopen(ws)
    undone = ws.undo(pid)
    assert undone.fountain.endswith("A.\n") and undone.cause == "undo"
    assert reopen(ws).undo(pid) is None, "nothing before the first revision"
    assert reopen(ws).redo(pid).fountain.endswith("B.\n")
    assert reopen(ws).redo(pid).fountain.endswith("C.\n")
    assert ws.redo(pid) is None
    ws.undo(pid)
    ws.save(pid, "INT. A - DAY\n\nD.\n", "typing")  # a new change after an undo drops the redo
    assert ws.redo(pid) is None
    assert ws.undo(pid).fountain.endswith("B.\n")


def test_named_revision_restore_and_diff(ws):
    pid = ws.create("Snow", DRAFT).id
    named = ws.name_revision(ws.head(pid).id, "Draft 2: producer notes")
    assert reopen(ws).revisions(pid)[0].name == "Draft 2: producer notes"
    changed = ws.save(pid, DRAFT.replace("Where are they?", "Where are my keys?"), "typing")
    diff = ws.diff(named.id, changed.id)
    assert [(s.status, s.new_number) for s in diff.scenes] == [("changed", 1)]
    assert [(line.old, line.new) for line in diff.scenes[0].lines] == [("Where are they?", "Where are my keys?")]
    restored = ws.restore(named.id)
    assert restored.cause == "restore" and restored.fountain == DRAFT and restored.id > changed.id


def test_branches_fork_switch_and_bring_a_scene(ws):
    pid = ws.create("Snow", DRAFT).id
    base = ws.head(pid)
    branch = ws.fork(pid, "darker")
    assert branch.current and branch.forked_from == base.id
    ws.save(pid, DRAFT.replace("Snow falls on the path.", "Blood on the snow."), "typing")
    assert ws.head(pid, "main").fountain == DRAFT, "main is untouched"
    assert reopen(ws).get(pid).branch == "darker", "the current branch is remembered"
    ws.switch(pid, "main")
    brought = ws.bring_scene(pid, "darker", 2)
    assert brought.branch == "main" and brought.cause == "merge-scene"
    assert "Blood on the snow." in brought.fountain and brought.fountain.count("EXT. WOODS") == 1
    assert {b.name for b in ws.branches(pid)} == {"main", "darker"}
    with pytest.raises(WorkspaceError, match="branches: main, darker"):
        ws.switch(pid, "lighter")
    with pytest.raises(WorkspaceError, match="already has a branch"):
        ws.fork(pid, "darker")


def test_outline_operations_save_revisions(ws):
    pid = ws.create("Snow", DRAFT).id
    moved = ws.move_scene(pid, 3, 2)
    assert moved.cause == "reorder"
    assert [c.heading for c in ws.outline(pid)] == ["INT. CABIN - NIGHT", "INT. CAR - DAY", "EXT. WOODS - DAY"]
    ws.set_synopsis(pid, 1, "Maya loses her keys.")
    ws.add_card(pid, 4, "Maya finds the keys in the snow")
    cards = ws.outline(pid)
    assert cards[0].synopsis == "Maya loses her keys." and cards[0].synopsis_source == "writer"
    assert cards[3].placeholder and cards[3].synopsis == "Maya finds the keys in the snow"
    with pytest.raises(WorkspaceError, match="the draft has 4 scenes"):
        ws.move_scene(pid, 9, 1)


def test_trash_has_a_ten_minute_undo_window(ws, monkeypatch):
    clock = SimpleNamespace(now=1_000_000.0)
    monkeypatch.setattr(workspace_module, "time", SimpleNamespace(time=lambda: clock.now))
    keep, gone = ws.create("Keep", DRAFT), ws.create("Gone", DRAFT)
    ws.delete(keep.id)
    ws.delete(gone.id)
    assert ws.projects() == [] and {p.name for p in ws.trash()} == {"Keep", "Gone"}
    clock.now += 300
    assert ws.undelete(keep.id).deleted is None
    clock.now += 301
    with pytest.raises(WorkspaceError, match="in the trash"):
        ws.undelete(gone.id)
    assert [p.name for p in ws.projects()] == ["Keep"]
    with sqlite3.connect(ws.storage.path) as db:
        assert db.execute("SELECT COUNT(*) FROM revisions WHERE project_id=?", (gone.id,)).fetchone() == (0,)


def test_rename_duplicate_and_clear_errors(ws):
    pid = ws.create("Snow", DRAFT).id
    ws.save(pid, DRAFT + "\nMore.\n", "typing")
    copy = ws.duplicate(pid)
    assert copy.name == "Snow (copy)" and ws.head(copy.id).fountain == DRAFT + "\nMore.\n"
    assert len(ws.revisions(copy.id)) == 1
    assert ws.rename(pid, "Snow, second draft").name == "Snow, second draft"
    with pytest.raises(WorkspaceError, match=r"no project 'nope'.*Snow \(copy\)"):
        ws.get("nope")
    with pytest.raises(WorkspaceError, match="there is no revision 99999"):
        ws.restore(99999)
    other = Workspace(ws.storage, "ben")
    with pytest.raises(WorkspaceError):
        other.head(pid)  # another writer's project is not there for them
    with pytest.raises(WorkspaceError):
        other.restore(ws.head(pid).id)


def test_notes_stay_resolved_while_their_scene_is_unchanged(ws):
    pid = ws.create("Snow", DRAFT).id
    rev = ws.head(pid).id
    notes = ws.add_notes(pid, rev, [
        {"check": "long_action", "message": "Trim the search.", "scenes": ["1"], "pages": [1], "severity": "info"},
        {"check": "pace", "message": "The car waits too long.", "scenes": ["3"], "pages": [1]},
    ])
    assert [(n.scene, n.resolved) for n in notes] == [(1, False), (3, False)]
    ws.resolve_note(notes[0].id, rev)
    later = ws.save(pid, DRAFT.replace("Come on.", "Now."), "typing").id  # scene 3 changes, scene 1 does not
    assert [(n.scene, n.resolved) for n in ws.notes(pid, later)] == [(1, True), (3, False)]
    ws.resolve_note(notes[1].id, later)
    edited = ws.save(pid, DRAFT.replace("Come on.", "Now.").replace("searches the drawers", "tears the drawers out"),
                     "option").id
    assert [n.resolved for n in reopen(ws).notes(pid, edited)] == [False, True], "scene 1 changed: open again"
    moved = ws.move_scene(pid, 3, 1).id
    assert [(n.label, n.scene) for n in ws.notes(pid, moved)] == [("1", 2), ("3", 1)], "notes follow their scenes"


def test_an_old_database_migrates_with_one_revision_per_project(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA)
        db.execute("INSERT INTO projects (id, writer, name, source, fountain, bible, chat, updated) "
                   "VALUES ('p1', 'maya', 'Snow', 'snow.fountain', ?, '{}', '[]', 123.0)", (DRAFT,))
    storage = Storage(path)
    ws = Workspace(storage, "maya")
    [project] = ws.projects()
    assert (project.id, project.name, project.updated, project.scenes) == ("p1", "Snow", 123.0, 3)
    [rev] = ws.revisions("p1")
    assert rev.cause == "import" and ws.head("p1").fountain == DRAFT
    assert storage.load_project("maya", "p1").fountain == DRAFT
    Storage(path)  # opening again migrates nothing twice
    assert len(ws.revisions("p1")) == 1


def test_typing_does_not_coalesce_into_a_revision_with_notes_or_resolutions(ws):
    pid = ws.create("Snow", DRAFT).id
    typed = ws.save(pid, DRAFT + "\nOne.\n", "typing")
    [note] = ws.add_notes(pid, typed.id, [{"check": "c", "message": "Trim.", "scenes": ["1"]}])
    after_note = ws.save(pid, DRAFT + "\nOne. Two.\n", "typing")
    assert after_note.id != typed.id, "the critic's revision keeps the text it read"
    ws.resolve_note(note.id, after_note.id)
    edited = ws.save(pid, DRAFT.replace("drawers", "cupboards") + "\nOne. Two.\n", "typing")
    assert edited.id != after_note.id
    assert [n.resolved for n in ws.notes(pid, edited.id)] == [False], "scene 1 changed after it was resolved"


def test_concurrent_saves_to_one_project_keep_one_linear_history(ws):
    from concurrent.futures import ThreadPoolExecutor

    pid = ws.create("Snow", DRAFT).id

    def burst(worker: int) -> list[tuple[int, str]]:
        mine = Workspace(Storage(ws.storage.path), "maya")  # its own Storage, as another server thread would have
        out = []
        for k in range(8):
            text = DRAFT + f"\nWorker {worker}, line {k}.\n"
            out.append((mine.save(pid, text, "option").id, text))
        return out

    with ThreadPoolExecutor(4) as pool:
        acked = [pair for result in pool.map(burst, range(4)) for pair in result]
    assert len({rev for rev, _ in acked}) == 32, "no two saves became one revision"
    for rev, text in acked:
        assert ws.revision(rev).fountain == text
    chain = ws.revisions(pid)  # newest first: each revision's parent is the one before it, no forks in the chain
    assert [r.parent for r in chain[:-1]] == [r.id for r in chain[1:]]


def test_reads_while_typing_coalesces_see_whole_texts(ws):
    """A coalesced typing save replaces the head's text and deletes the chunk it superseded; a reader at the same
    moment reads the manifest and chunks of one snapshot, never a manifest whose chunk is gone."""
    import threading

    pid = ws.create("Snow", DRAFT).id
    written = {DRAFT}
    errors: list[Exception] = []
    done = threading.Event()

    def reader() -> None:
        mine = Workspace(Storage(ws.storage.path), "maya")
        while not done.is_set():
            try:
                text = mine.head(pid).fountain
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)
                return
            if text not in written:
                errors.append(AssertionError(f"a text nobody saved: {text[-40:]!r}"))
                return

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for k in range(150):
            text = DRAFT.replace("Come on.", f"Come on, {k}.")
            written.add(text)
            ws.save(pid, text, "typing")
    finally:
        done.set()
        thread.join()
    assert errors == []
