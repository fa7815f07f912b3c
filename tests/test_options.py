"""Typed options: written once by the generator with the Scope they were meant for, and "Use this" puts them there."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.models.fake import ScriptedChatModel
from agent.room import Room
from agent.runtime import Runtime
from agent.settings import Settings
from screenplay.formats.fountain import parse
from screenplay.io import render
from tools.base import Option

HARBOUR = Path(__file__).parent / "fixtures" / "scope" / "harbour.fountain"
ACT_TWO_FIRST = "EXT. LIGHTHOUSE STAIR - NIGHT"
REPLIES = [
    "Wind at the door. Mara bars it.\nMARA: Not tonight.\nJONAH: Then when?",
    "The lamp room is cold. Jonah lights a match.\nJONAH: Ten years.\nMARA: Eleven.",
    "Gulls on the rail. Mara counts them.\nMARA: Seven for a secret.\nJONAH: Never to be told.",
]


@pytest.fixture(scope="module")
def room(tmp_path_factory, embedder, router, starter_library):
    settings = Settings(home=tmp_path_factory.mktemp("home"), backend="fake")
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(REPLIES), embedder=embedder,
                             router=router, library=starter_library)
    yield Room.create(runtime)
    runtime.close()


def draft_file(fmt: str, folder: Path) -> Path:
    """The harbour draft (act markers as plain action lines) written as ``fmt``."""
    path = folder / f"harbour.{fmt}"
    data = render(parse(HARBOUR.read_text(encoding="utf-8")), fmt)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.mark.parametrize("fmt", ["fountain", "fdx", "pdf"])
def test_three_openings_for_act_two_picked_land_before_act_twos_first_scene(room, fmt, tmp_path):
    session, _ = room.open_session(f"writer-{fmt}")
    room.attach(session, str(draft_file(fmt, tmp_path)))
    before = [s.heading.text for s in session.project.script.scenes]
    events = list(room.run(session, "give me three openings for act two"))
    assert events[-1].kind.value == "answer", events[-1].text
    options = room.options(session)
    assert len(options) == 3 and all(isinstance(o, Option) and o.scenes for o in options)
    assert all(o.scope.where == "the opening of act two" and o.prompt for o in options)

    message = room.pick(session, 1)
    after = [s.heading.text for s in session.project.script.scenes]
    at = before.index(ACT_TWO_FIRST)
    assert after == before[:at] + [options[1].scenes[0].heading.text] + before[at:]
    assert message == f"Inserted option 2 as scene {at + 1}, at the opening of act two. Say /undo to take it back."
    # Picking changed the draft and stored the choice; the options on offer are the session's, unchanged.
    assert room.options(session) == options


def test_discard_changes_the_session_never_the_result(room, tmp_path):
    session, _ = room.open_session("writer-discard")
    room.attach(session, str(draft_file("fountain", tmp_path)))
    list(room.run(session, "give me three openings for act two"))
    offered = room.options(session)
    room.discard(session, 0)
    assert room.options(session) == offered[1:]
    assert len(session.last_result.options) == 3
    assert room.storage.preferences("dislike")[-1].rejected == offered[0].fountain


def test_after_scene_n_goes_after_scene_n(room, tmp_path):
    session, _ = room.open_session("writer-after")
    room.attach(session, str(draft_file("fountain", tmp_path)))
    list(room.run(session, "give me two openings for act two"))
    events = list(room.run(session, "insert option 1 after scene 6"))
    assert events[-1].text.startswith("Inserted option 1 as scene 7, after scene 6.")
    assert session.project.script.scenes[6].heading.text == room.options(session)[0].scenes[0].heading.text


def test_the_options_row_shows_each_option_as_it_is_written(tmp_path, embedder, router, starter_library):
    """The UI reads options from OptionReady events: the row grows one option at a time, each the very Option
    the session ends with, before the tool's result exists."""
    from agent.events import OptionReady
    from ui.handlers import WritersRoom

    settings = Settings(home=tmp_path / "home", backend="fake")
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(REPLIES), embedder=embedder,
                             router=router, library=starter_library)
    try:
        ui = WritersRoom.create(runtime)
        _, session, history = ui.start(None)
        list(ui.send({"text": "", "files": [str(draft_file("fountain", tmp_path))]}, history, session))
        rows = [out[2] for out in ui.send({"text": "give me three openings for act two", "files": []}, [], session)]
        growing = [r for i, r in enumerate(rows) if r and (i == 0 or r != rows[i - 1])]
        assert [len(r) for r in growing] == [1, 2, 3]
        assert growing[-1] == [o.fountain for o in session.options]

        events = list(ui.room.run(session, "give me two openings for act two"))
        ready = [e.payload for e in events if isinstance(e.payload, OptionReady)]
        assert [p.number for p in ready] == [1, 2] and [p.option for p in ready] == session.options
        assert all(e.to_dict()["payload"]["kind"] == "option" for e in events if isinstance(e.payload, OptionReady))
        ui.discard(0, session)  # Discard changes the session, never the result the options came from
        assert len(session.options) == 1 and len(session.last_result.options) == 2
    finally:
        runtime.close()
