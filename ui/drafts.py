"""The open draft as text: what the editor shows, and every pause in typing written to the project store.

The store's head revision keeps the writer's Fountain exactly as typed. The session's parsed Script is what the chat
and its tools change; the room stores those changes (with their cause) when it saves the turn. The editor shows the
head as typed unless the Script changed since it was stored.
"""

from __future__ import annotations

import gradio as gr

from agent.errors import RoomError
from agent.project import Project
from agent.room import Room
from agent.session import Session
from agent.workspace import Revision, Workspace
from screenplay.stats import compute
from ui.editor import Draft, problems_html, read, status_line
from ui.panels import EMPTY_DRAFT
from ui.render import script_html


def workspace(room: Room, session: Session | None) -> Workspace | None:
    """The writer's store; None for a visitor who has not signed in (login on), whose draft lives in the tab only."""
    try:
        return room.workspace(session)
    except RoomError:
        return None


def head(room: Room, session: Session | None) -> Revision | None:
    ws = workspace(room, session)
    if ws is None or session.project_id is None:
        return None
    try:
        return ws.head(session.project_id)
    except RoomError:
        return None  # not stored yet (a draft attached this turn is stored when the turn is saved)


def editor_text(room: Room, session: Session | None) -> str:
    """The text for the editor: the stored head as typed, unless the chat changed the page since (then the page)."""
    if session is None or session.project is None:
        return ""
    pending = session.project.pending_text()
    stored = head(room, session) if pending is None else None
    return stored.fountain if stored is not None else (pending if pending is not None else
                                                       session.project.stored_text or "")


def commit(room: Room, session: Session, text: str, cause: str = "typing") -> Draft:
    """The editor's ``text`` becomes the session's draft and (for a signed-in writer) a revision with ``cause``."""
    draft = read(text)
    if workspace(room, session) is None:  # a visitor: the draft lives in this tab only
        if session.project is None:
            if text.strip():
                session.project = Project.from_script(draft.script, name=draft.script.title or "Untitled")
        else:
            session.project.script = draft.script
        return draft
    if session.project is None and not text.strip():
        return draft
    room.save_draft(session, text, cause)
    return draft


class EditorHandlers:
    """Mixed into WritersRoom: expects ``self.room``, ``self.start``, ``self.margin_notes`` and ``self.note_choices``.
    The Draft tab's editor, page and status line."""

    def editor_text(self, session: Session | None) -> str:
        return editor_text(self.room, session)

    def typed(self, text: str, line: float | None, session: Session | None, request: gr.Request = None
              ) -> tuple[str, str, Session]:
        """A pause in typing (or a click): store the text, note the cursor's scene, redraw the page."""
        # An API client may type before the page's load event ran: it gets a session the way a tab does.
        session = session or self.start(None, request)[1]
        draft = commit(self.room, session, text or "")
        session.editor_shown = draft.text
        scene = draft.scene_at(int(line or 0))
        if scene:
            session.cursor_scene = scene
        return self.page(session, draft), status_line(draft, _pages(draft), session.cursor_scene or 0), session

    def page(self, session: Session | None, draft: Draft | None = None) -> str:
        """The formatted page beside the editor: every scene, the cursor's highlighted, with margin notes."""
        if draft is None:
            draft = read(editor_text(self.room, session))
        if not draft.text.strip():
            return EMPTY_DRAFT
        current = (session.cursor_scene or 0) if session is not None else 0
        return script_html(draft.script, current=current, notes=self.margin_notes(session), preamble=True,
                           before=problems_html(draft.problems))

    def editor_status(self, session: Session | None) -> str:
        draft = read(editor_text(self.room, session))
        return status_line(draft, _pages(draft), (session.cursor_scene or 0) if session is not None else 0)

    def choose_scene(self, choice: str | None, session: Session | None) -> tuple[str, str]:
        """The scene picker: the chat's "this scene" becomes the chosen one, highlighted on the page."""
        if session is not None and choice:
            session.cursor_scene = int(str(choice).split(".", 1)[0])
        return self.page(session), self.editor_status(session)

    def draft_panel(self, session: Session | None) -> tuple:
        """Everything the Draft tab shows, after something other than typing may have changed the draft. The editor
        is sent the text only when it differs from what the editor last had: the writer may be typing in it (the
        end of a chat turn comes here), and the pause that saves their last words may not have come yet."""
        draft = read(editor_text(self.room, session))
        choices = [f"{i}. {s.heading.text}" for i, s in enumerate(draft.script.scenes, 1)]
        current = (session.cursor_scene or 0) if session is not None else 0
        if current > len(choices):
            session.cursor_scene = current = 0
        unchanged = session is not None and session.editor_shown == draft.text
        if session is not None:
            session.editor_shown = draft.text
        return (gr.skip() if unchanged else draft.text, self.page(session, draft), status_line(draft, _pages(draft), current),
                gr.update(choices=choices, value=choices[current - 1] if current else None),
                self.note_choices(session))


def _pages(draft: Draft) -> int:
    return compute(draft.script).pages if draft.script.scenes else 0


def room_call(action):
    """Run a room or store call for a button: a writer's error becomes Gradio's one-line message."""
    try:
        return action()
    except RoomError as exc:
        raise gr.Error(str(exc)) from None
