"""The writing handlers in process on the scripted model: typing saves as revisions, the board's Write this scene
(the chat's request for the card's scene, the chosen option in the card's place), History's undo and restore, margin notes."""

from pathlib import Path

import pytest

from agent.models.fake import ScriptedChatModel
from agent.runtime import Runtime
from agent.settings import Settings
from agent.workspace import Workspace
from screenplay.scope import resolve
from tools.base import Option
from ui.handlers import WritersRoom

DRAFT = Path(__file__).parent / "fixtures" / "workspace" / "night_shift.fountain"
WRITTEN = "EXT. SNOWY LOT - NIGHT\n\nMaya digs in the snow and finds the keys.\n\nMAYA\nThere you are.\n"


@pytest.fixture
def room(tmp_path, embedder, router):
    settings = Settings(home=tmp_path / "home", backend="fake")
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies([WRITTEN]), embedder=embedder,
                             router=router)
    yield WritersRoom.create(runtime)
    runtime.close()


def run(gen):
    out = None
    for out in gen:
        pass
    return out


def test_typing_board_and_write_this_scene(room):
    writer, session, history = room.start(None)
    history = run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))[0]
    ws = Workspace(room.storage, writer)
    text = room.editor_text(session)
    page, status, session = room.typed(text.replace("Of course it is.", "Of course it is. Again."), 33, session)
    assert "Again." in page and "cursor in scene 4: EXT. BUS STOP - DAWN" in status
    assert session.cursor_scene == 4 and ws.revisions(session.project_id)[0].cause == "typing"

    cards = room.add_card(3, "Maya finds the keys in the snow", session)
    assert [c["placeholder"] for c in cards] == [False, False, True, False, False]
    # Write this scene asks the room for scene 3 from the card's line, as the chat would ...
    asked = []
    room.chat = lambda message, history, session: asked.append(message) or iter(())
    list(room.write_card(3, history, session))
    assert asked == ["write scene 3: Maya finds the keys in the snow"] and session.cursor_scene == 3
    # ... and the option chosen from the answer takes the card's place, keeping its line as the synopsis.
    session.options = [Option.of(WRITTEN, prompt=asked[0],
                                 scope=resolve(session.project.script, scene=3))]
    room.pick(0, history, session)
    room.fill_card(0, history, session)
    cards = room.board(session)
    assert [c["heading"] for c in cards][2] == "EXT. SNOWY LOT - NIGHT"
    assert cards[2]["synopsis"] == "Maya finds the keys in the snow" and not any(c["placeholder"] for c in cards)
    assert room.editor_text(session).count("SNOWY LOT") == 1

    # The card's move is a revision; undo (stored, so it would survive a restart) takes it back.
    room.move_card(3, 1, session)
    assert room.board(session)[0]["heading"] == "EXT. SNOWY LOT - NIGHT"
    room.undo(session)
    assert room.board(session)[2]["heading"] == "EXT. SNOWY LOT - NIGHT"
    assert [r.cause for r in ws.revisions(session.project_id)][:2] == ["undo", "reorder"]


def test_write_this_scene_through_the_generator_fills_the_card_with_a_real_heading(room):
    """The whole path, no stand-ins above the model: the card's request routed, the generator's options (which
    must not keep the card's "NEW SCENE"), the first one used, and the card's place filled."""
    writer, session, history = room.start(None)
    history = run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))[0]
    room.add_card(3, "Maya finds the keys in the snow", session)
    history = run(room.write_card(3, history, session))[0]
    options = room.room.options(session)
    assert options and all(o.scenes[0].heading.text != "NEW SCENE" for o in options)
    room.pick(0, history, session)
    room.fill_card(0, history, session)
    cards = room.board(session)
    assert not any(c["placeholder"] for c in cards) and len(cards) == 5
    assert cards[2]["heading"] == options[0].scenes[0].heading.text
    assert cards[2]["synopsis"] == "Maya finds the keys in the snow"


def test_notes_pin_resolve_and_this_scene(room):
    from ui import jobs

    writer, session, history = room.start(None)
    run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))
    _, said = jobs.critique(room.room, session, lambda *a, **k: None)
    assert "note(s) pinned" in said
    notes = room.open_notes(session)
    assert {n.scene for n in notes} == {3} and room.margin_notes(session)[3]
    page, _ = room.resolve_note(notes[0].id, session)
    assert len(room.open_notes(session)) == len(notes) - 1 and "note 1" in page
    page, status = room.go_to_note(notes[1].id, session)
    assert session.cursor_scene == 3 and "sr-current" in page.split("id='scene-3'")[0][-40:]
