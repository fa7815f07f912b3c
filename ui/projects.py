"""The Projects tab: a writer's projects to open, create, rename, duplicate, delete (with a ten-minute undo) and
import into, each with its own draft, history and chat."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import gradio as gr

from agent.errors import RoomError
from agent.project import Project
from agent.session import Session
from agent.workspace import TRASH_S
from screenplay.formats import fountain
from ui import drafts

SIGN_IN = "Sign in to keep projects: a visitor's draft lives in this tab only."
AS_NEW, INTO_OPEN = "as a new project", "into the open project (a revision you can undo)"


def project_label(p: Any, current: str | None = None) -> str:
    when = time.strftime("%d %b %H:%M", time.localtime(p.updated))
    mark = "● " if p.id == current else ""
    return f"{mark}{p.name} · {p.scenes} sc, {p.pages} pp · {when}"


class ProjectHandlers:
    """Mixed into WritersRoom: expects ``self.room``, ``self.save`` and ``self.chat_record``."""

    def project_list(self, session: Session | None) -> tuple:
        """(projects picker, trash picker, where) for the Projects tab."""
        ws = drafts.workspace(self.room, session)
        if ws is None:
            none = gr.update(choices=[], value=None)
            return none, none, SIGN_IN
        current = session.project_id
        live = ws.projects()
        trash = ws.trash()
        name = next((p.name for p in live if p.id == current), None)
        where = f"Open: **{name}**" if name else "No project open yet: type in the Draft tab or attach a draft."
        return (gr.update(choices=[(project_label(p, current), p.id) for p in live], value=current),
                gr.update(choices=[(f"{p.name} (deleted {time.strftime('%H:%M', time.localtime(p.deleted))})", p.id)
                                   for p in trash], value=trash[0].id if trash else None),
                where)

    def open_project(self, project_id: str | None, history: list[Any], session: Session | None) -> tuple:
        """Store the open project and its chat, then open ``project_id`` with its own chat."""
        self._need_store(session)
        if not project_id:
            raise gr.Error("Choose a project to open.")
        self.save(session, history or [])
        try:
            chat = self.room.open_project(session, project_id)
        except RoomError as exc:
            raise gr.Error(str(exc)) from None
        session.cursor_scene = None
        self.save(session, chat)  # the project just opened is the one a reload (or restart) comes back to
        return chat, session, self.options(session)

    def new_project(self, name: str, history: list[Any], session: Session | None) -> tuple:
        ws = self._need_store(session)
        summary = drafts.room_call(lambda: ws.create(name or "Untitled", "", cause="save"))
        return self.open_project(summary.id, history, session)

    def rename_project(self, name: str, session: Session | None) -> str:
        ws = self._need_store(session)
        if session.project_id is None:
            raise gr.Error("Open a project first.")
        summary = drafts.room_call(lambda: ws.rename(session.project_id, name))
        session.project.name = summary.name
        return f"Renamed to **{summary.name}**."

    def duplicate_project(self, project_id: str | None, session: Session | None) -> str:
        ws = self._need_store(session)
        summary = drafts.room_call(lambda: ws.duplicate(project_id or session.project_id))
        return f"Made **{summary.name}**; open it from the list."

    def delete_project(self, project_id: str | None, sure: bool, history: list[Any], session: Session | None
                       ) -> tuple:
        """Into the trash (ten minutes to bring it back). Deleting the open project empties the room."""
        ws = self._need_store(session)
        if not project_id:
            raise gr.Error("Choose the project to delete.")
        if not sure:
            raise gr.Error("Tick the box to confirm: the project goes to the trash.")
        if project_id == session.project_id:
            self.save(session, history or [])
        summary = drafts.room_call(lambda: ws.delete(project_id))
        if project_id == session.project_id:
            session.project, session.project_id, session.cursor_scene = None, None, None
            session.options, history = [], []
        said = (f"Deleted **{summary.name}**. Bring it back from the trash below within {int(TRASH_S // 60)} "
                "minutes; after that it is gone.")
        return said, False, history, session

    def undelete_project(self, project_id: str | None, session: Session | None) -> str:
        ws = self._need_store(session)
        if not project_id:
            raise gr.Error("The trash is empty.")
        summary = drafts.room_call(lambda: ws.undelete(project_id))
        return f"Brought back **{summary.name}**; open it from the list."

    def import_file(self, path: str | None, how: str, history: list[Any], session: Session | None) -> tuple:
        """A file as a new project (opened), or as a new revision of the open one."""
        ws = self._need_store(session)
        if not path:
            raise gr.Error("Choose a file first.")
        if how == INTO_OPEN and session.project_id is not None:
            try:
                loaded = Project.from_file(path, max_bytes=self.room.runtime.settings.max_upload_bytes)
            except Exception as exc:  # noqa: BLE001 - every import failure is the writer's to read
                raise gr.Error(f"I couldn't read that draft: {exc}") from None
            self.room.save_draft(session, fountain.render(loaded.script), "import")
            return f"Imported {Path(path).name} into **{session.project.name}** (undo in History).", history, session
        self.save(session, history or [])
        said = self.attach(session, path)
        if said.startswith("⚠️"):
            return said, history, session
        session.project_id, session.cursor_scene = None, None  # attaching keeps the open project's id: a new one
        chat = [gr.ChatMessage(role="assistant", content=said)]
        self.save(session, chat)
        return said, chat, session

    def _need_store(self, session: Session | None):
        ws = drafts.workspace(self.room, session)
        if ws is None:
            raise gr.Error(SIGN_IN)
        return ws


def projects_tab() -> dict[str, Any]:
    c: dict[str, Any] = {}
    c["where"] = gr.Markdown()
    with gr.Row():
        c["list"] = gr.Dropdown(label="Your projects", choices=[], interactive=True, scale=3)
        c["open"] = gr.Button("Open", variant="primary", size="sm", scale=1)
        c["duplicate"] = gr.Button("Duplicate", size="sm", scale=1)
    with gr.Row():
        c["new_name"] = gr.Textbox(label="New project", placeholder="Untitled", scale=3)
        c["new"] = gr.Button("Create and open", size="sm", scale=1)
    with gr.Row():
        c["rename_to"] = gr.Textbox(label="Rename the open project", scale=3)
        c["rename"] = gr.Button("Rename", size="sm", scale=1)
    with gr.Row():
        c["file"] = gr.File(label="Import a draft", file_types=[".fountain", ".spmd", ".fdx", ".pdf", ".docx", ".txt"],
                            type="filepath", scale=2, elem_id="sr-import")
        with gr.Column(scale=2):
            c["how"] = gr.Radio([AS_NEW, INTO_OPEN], value=AS_NEW, label="Import")
            c["import"] = gr.Button("Import", size="sm")
    with gr.Row():
        c["sure"] = gr.Checkbox(label="Yes, delete the chosen project", scale=2)
        c["delete"] = gr.Button("Delete", variant="stop", size="sm", scale=1)
    with gr.Row():
        c["trash"] = gr.Dropdown(label="Trash (ten minutes to change your mind)", choices=[], interactive=True,
                                 scale=3)
        c["undelete"] = gr.Button("Bring back", size="sm", scale=1)
    c["message"] = gr.Markdown()
    return c


def wire_projects(room: Any, c: dict[str, Any], session: gr.State, chatbot: Any, options: Any,
                  draft_outputs: list[Any], tab: Any) -> None:
    listing = [c["list"], c["trash"], c["where"]]

    def refreshed(event: Any) -> Any:
        return event.success(room.draft_panel, [session], draft_outputs, api_name=False).then(
            room.project_list, [session], listing, api_name=False)

    tab.select(room.project_list, [session], listing, api_name=False)
    refreshed(c["open"].click(room.open_project, [c["list"], chatbot, session], [chatbot, session, options],
                              api_name="open_project"))
    refreshed(c["new"].click(room.new_project, [c["new_name"], chatbot, session], [chatbot, session, options],
                             api_name="new_project"))
    c["rename"].click(room.rename_project, [c["rename_to"], session], c["message"], api_name="rename_project"
                      ).success(room.project_list, [session], listing, api_name=False)
    c["duplicate"].click(room.duplicate_project, [c["list"], session], c["message"], api_name="duplicate_project"
                         ).success(room.project_list, [session], listing, api_name=False)
    refreshed(c["delete"].click(room.delete_project, [c["list"], c["sure"], chatbot, session],
                                [c["message"], c["sure"], chatbot, session], api_name="delete_project"))
    c["undelete"].click(room.undelete_project, [c["trash"], session], c["message"], api_name="undelete_project"
                        ).success(room.project_list, [session], listing, api_name=False)
    refreshed(c["import"].click(room.import_file, [c["file"], c["how"], chatbot, session],
                                [c["message"], chatbot, session], api_name="import_file"))
