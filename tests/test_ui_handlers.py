"""The writers' room handlers in process, on the scripted model: uploads, options, preferences, export, persistence."""

from pathlib import Path

import gradio as gr
import pytest

from agent.models.fake import ScriptedChatModel
from agent.runtime import Runtime
from agent.settings import Settings
from tools.base import Option
from ui.handlers import WritersRoom

DRAFT = Path(__file__).parent / "fixtures" / "ui" / "night_shift.fountain"
OPTIONS = [
    "INT. BUS STATION - NIGHT\n\nMaya waits with a suitcase.\n\nMAYA\nOne ticket. Anywhere.\n",
    "EXT. ROOFTOP - DAWN\n\nLeo smokes at the edge.\n\nLEO\nWe need to talk.\n",
    "INT. DINER KITCHEN - NIGHT\n\nSteam everywhere.\n\nMAYA\nNot tonight.\n",
]


@pytest.fixture
def room(tmp_path, embedder, router, starter_library):
    settings = Settings(home=tmp_path / "home", backend="fake")
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(["Sure."]), embedder=embedder, router=router, library=starter_library)
    yield WritersRoom.create(runtime)
    runtime.close()


def run(gen):
    out = None
    for out in gen:
        pass
    return out


def test_upload_then_chat(room):
    writer, session, history = room.start(None)
    history, session, options, draft = run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))
    assert "Loaded **Night Shift**: 3 scenes" in history[-1].content
    assert "DINER" in draft and "sr-cue" in draft
    history, session, options, draft = run(room.send({"text": "How are you today?", "files": []}, history, session))
    assert history[-1].content == "Sure."


def test_bad_upload_keeps_the_open_project(room, tmp_path):
    writer, session, history = room.start(None)
    run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"\x00\x01 not a pdf at all")
    history, session, _, draft = run(room.send({"text": "", "files": [str(junk)]}, [], session))
    assert history[-1].content.startswith("⚠️ I couldn't read that draft")
    assert session.project.name == "Night Shift" and "DINER" in draft


def test_pick_inserts_into_the_draft_and_stores_the_choice(room):
    writer, session, history = room.start(None)
    run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))
    session.options = [Option.of(text, prompt="PROMPT") for text in OPTIONS]
    history, session, options, draft = room.pick(1, [], session)
    assert [s.heading.text for s in session.project.script.scenes][-1] == "EXT. ROOFTOP - DAWN"
    assert "ROOFTOP" in draft
    picks = room.storage.preferences("pick")
    assert {(p.prompt, p.chosen, p.rejected) for p in picks} == {
        ("PROMPT", OPTIONS[1], OPTIONS[0]),
        ("PROMPT", OPTIONS[1], OPTIONS[2]),
    }
    assert all(p.writer == writer for p in picks)
    session, options = room.discard(0, session)
    assert options == OPTIONS[1:] and room.storage.preferences("dislike")[0].rejected == OPTIONS[0]


def test_like_and_dislike_become_preference_records(room):
    writer, session, history = room.start(None)
    history, session, *_ = run(room.send({"text": "How are you today?", "files": []}, history, session))
    room.like(session, history, gr.LikeData(None, {"index": len(history) - 1, "value": "Sure.", "liked": False}))
    record = room.storage.preferences("dislike")[0]
    assert record.prompt == "How are you today?" and record.rejected == "Sure." and record.chosen == ""


@pytest.mark.parametrize("fmt, magic", [("fdx", b"<?xml"), ("pdf", b"%PDF"), ("fountain", b"Title:")])
def test_export_writes_a_file_the_writer_can_open(room, fmt, magic):
    writer, session, history = room.start(None)
    run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))
    path = Path(room.export(fmt, session))
    assert path.suffix == f".{fmt}" and path.read_bytes().startswith(magic)


def test_export_without_a_draft_is_a_clear_error(room):
    with pytest.raises(gr.Error, match="no draft to export"):
        room.export("pdf", room.start(None)[1])


def test_project_chat_and_bible_come_back_after_a_restart(room, embedder, router, starter_library):
    writer, session, history = room.start(None)
    history, session, *_ = run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))
    assert room.save_bible("A waitress saves a stranger.", "neo-noir", "MAYA: the waitress", "DINER", session, history) == "Story bible saved."
    # a new process on the same data directory
    runtime = Runtime.create(room.runtime.settings, chat_model=ScriptedChatModel(), embedder=embedder, router=router, library=starter_library)
    again = WritersRoom.create(runtime)
    same_writer, restored, restored_history = again.start(writer)
    assert restored.project.name == "Night Shift" and len(restored.project.script.scenes) == 3
    assert restored.project.bible.logline == "A waitress saves a stranger." and restored.project.bible.tone == "neo-noir"
    assert any("Loaded **Night Shift**" in str(m["content"]) for m in restored_history)
    # another writer sees nothing of it
    _, stranger, stranger_history = again.start("someone-else")
    assert stranger.project is None and stranger_history == []


def test_undo_turn_forgets_the_last_exchange(room):
    writer, session, history = room.start(None)
    history, session, *_ = run(room.send({"text": "How are you today?", "files": []}, history, session))
    history, session, *_ = room.undo_turn(history, session)
    assert history == [] and session.history == []


def test_adapter_switch_is_refused_plainly_off_the_local_backend(room):
    assert "local backend" in room.runtime.switch_adapter("/some/adapter")
