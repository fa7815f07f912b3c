"""The room's project persistence goes through revisions: an inserted option and /undo are revisions with their
causes, and undo and redo work across a restart (agent.room + agent.workspace, scripted model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.models.fake import ScriptedChatModel
from agent.room import Room
from agent.runtime import Runtime
from agent.settings import Settings
from tools.base import Option

DRAFT = Path(__file__).parent / "fixtures" / "ui" / "night_shift.fountain"
OPTION = "INT. BUS STATION - NIGHT\n\nMaya waits with a suitcase.\n\nMAYA\nOne ticket. Anywhere.\n"


@pytest.fixture
def make_room(tmp_path, embedder, router):
    runtimes = []

    def make() -> Room:
        settings = Settings(home=tmp_path / "home", backend="fake")
        runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(["Sure."]), embedder=embedder,
                                 router=router)  # the scene library is never built: nothing here searches
        runtimes.append(runtime)
        return Room.create(runtime)

    yield make
    for runtime in runtimes:
        runtime.close()


def headings(session) -> list[str]:
    return [s.heading.text for s in session.project.script.scenes]


def test_option_and_undo_are_revisions_and_undo_survives_a_restart(make_room):
    room = make_room()
    session, _ = room.open_session("maya")
    room.attach(session, str(DRAFT))
    room.save(session, [])
    original = headings(session)
    session.options = [Option.of(OPTION)]
    room.pick(session, 0)
    room.save(session, [])
    assert "INT. BUS STATION - NIGHT" in headings(session)
    ws = room.workspace(session)
    assert [r.cause for r in ws.revisions(session.project_id)] == ["option", "import"]
    room.save(session, [])  # nothing changed: no new revision
    assert len(ws.revisions(session.project_id)) == 2

    again = make_room()  # a new process on the same data directory
    restored, _ = again.open_session("maya")
    assert "INT. BUS STATION - NIGHT" in headings(restored)
    events = list(again.run(restored, "/undo"))
    assert "Undone" in events[-1].text
    assert headings(restored) == original
    assert [r.cause for r in again.workspace(restored).revisions(restored.project_id)][0] == "undo"

    third = make_room()
    session3, _ = third.open_session("maya")
    assert headings(session3) == original, "the undo was stored"
    assert session3.project.redo() and "INT. BUS STATION - NIGHT" in headings(session3)


def test_the_editor_saves_typing_and_the_ui_opens_another_project(make_room):
    room = make_room()
    session, _ = room.open_session("ben")
    first = room.save_draft(session, "INT. PIER - NIGHT\n\nFog.\n")
    assert first.cause == "typing" and headings(session) == ["INT. PIER - NIGHT"]
    ws = room.workspace(session)
    other = ws.create("Second", "EXT. ROOF - DAWN\n\nSun.\n")
    room.open_project(session, other.id)
    assert headings(session) == ["EXT. ROOF - DAWN"]
    ws.move_scene(other.id, 1, 1)  # a no-op move: the same text, no new revision
    ws.add_card(other.id, 2, "Ben jumps")
    room.sync(session)
    assert headings(session) == ["EXT. ROOF - DAWN", "NEW SCENE"]
    room.save(session, [])
    assert [r.cause for r in ws.revisions(other.id)] == ["outline", "import"], "sync leaves nothing pending"
    session.options, session.options_tool = [Option.of(OPTION)], "style_transfer"  # a restyled scene on offer
    room.pick(session, 0)
    room.save(session, [])
    assert ws.revisions(other.id)[0].cause == "restyle"


def test_model_line_names_engine_and_writing_tier(make_room):
    line = make_room().model_line
    assert "fake" in line and line.endswith(" writing")
    assert line.split(" · ")[-1].split()[0] in ("scaffold", "free")
