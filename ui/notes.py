"""Notes in the margin: the critic's findings pinned to the scenes of the revision it read, shown beside those scenes
on the page and on the cards; the writer jumps to a note's scene and resolves it."""

from __future__ import annotations

from typing import Any

import gradio as gr

from agent.errors import RoomError
from agent.session import Session
from ui import drafts


def note_text(note: Any) -> str:
    return f"{note.check.replace('_', ' ')}: {note.message}" if note.check else note.message


def pin(room: Any, session: Session | None, findings: list[dict[str, Any]]) -> int:
    """Pin the critic's findings to the revision it read (the head); returns how many notes were pinned."""
    ws = drafts.workspace(room, session)
    head = drafts.head(room, session)
    if ws is None or head is None or not findings:
        return 0
    return len(ws.add_notes(session.project_id, head.id, findings))


class NoteHandlers:
    """Mixed into WritersRoom: expects ``self.room``, ``self.page`` and ``self.editor_status``."""

    def open_notes(self, session: Session | None) -> list[Any]:
        """The unresolved notes of the head revision (agent.workspace.Note), scene order."""
        ws = drafts.workspace(self.room, session)
        head = drafts.head(self.room, session)
        if ws is None or head is None:
            return []
        try:
            notes = ws.notes(session.project_id, head.id)
        except RoomError:
            return []
        return sorted((n for n in notes if not n.resolved), key=lambda n: (n.scene or 10**6, n.id))

    def margin_notes(self, session: Session | None) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for note in self.open_notes(session):
            if note.scene:
                out.setdefault(note.scene, []).append(note_text(note))
        return out

    def note_choices(self, session: Session | None) -> Any:
        notes = self.open_notes(session)
        choices = [(f"{f'Scene {n.scene}' if n.scene else 'Whole script'} · {note_text(n)}"[:160], n.id)
                   for n in notes]
        return gr.update(choices=choices, value=choices[0][1] if choices else None,
                         label=f"Open notes ({len(choices)})")

    def resolve_note(self, note_id: Any, session: Session | None) -> tuple[str, str]:
        ws = drafts.workspace(self.room, session)
        head = drafts.head(self.room, session)
        if ws is None or head is None or note_id in (None, ""):
            raise gr.Error("Choose a note to resolve.")
        try:
            ws.resolve_note(int(note_id), head.id)
        except RoomError as exc:
            raise gr.Error(str(exc)) from None
        return self.page(session), self.editor_status(session)

    def go_to_note(self, note_id: Any, session: Session | None) -> tuple[str, str]:
        """The page jumps to the note's scene, which becomes the scene the chat works on."""
        note = next((n for n in self.open_notes(session) if str(n.id) == str(note_id)), None)
        if note is not None and note.scene and session is not None:
            session.cursor_scene = note.scene
        return self.page(session), self.editor_status(session)


def notes_panel() -> dict[str, Any]:
    c: dict[str, Any] = {}
    with gr.Accordion("Notes in the margin (run Analysis → Critique to pin them)", open=False) as c["box"]:
        c["list"] = gr.Dropdown(label="Open notes", choices=[], interactive=True)
        with gr.Row():
            c["go"] = gr.Button("Go to its scene", size="sm")
            c["resolve"] = gr.Button("Resolve", size="sm", variant="primary")
    return c


def wire_notes(room: Any, c: dict[str, Any], session: gr.State, page: Any, status: Any, scroll_js: str) -> None:
    c["go"].click(room.go_to_note, [c["list"], session], [page, status], api_name="go_to_note"
                  ).then(None, js=scroll_js)
    c["resolve"].click(room.resolve_note, [c["list"], session], [page, status], api_name="resolve_note"
                       ).success(room.note_choices, [session], c["list"], api_name=False)
