"""The History tab: every revision with its time and cause, names, undo and redo, comparing two, restoring one;
branches to try a direction, switch between, and bring a scene across."""

from __future__ import annotations

import html
import time
from typing import Any

import gradio as gr

from agent.errors import RoomError
from agent.session import Session
from agent.workspace import Revision
from ui import drafts

DIFF_CSS = """
.sr-diff { font-family: sans-serif; font-size: 13px; }
.sr-diff .sr-sum { font-weight: bold; margin-bottom: 6px; }
.sr-diff .sr-sc { border: 1px solid #e3e3e3; border-radius: 6px; margin: 6px 0; padding: 4px 8px; }
.sr-diff .sr-badge { display: inline-block; border-radius: 4px; padding: 0 6px; margin-right: 6px; color: #fff;
  font-size: 11px; text-transform: uppercase; }
.sr-diff .b-added { background: #2e7d32; } .sr-diff .b-removed { background: #c62828; }
.sr-diff .b-moved { background: #1565c0; } .sr-diff .b-changed { background: #ef6c00; }
.sr-diff .sr-old, .sr-diff .sr-new { font-family: 'Courier Prime', 'Courier New', monospace; white-space: pre-wrap;
  padding: 1px 6px; margin: 1px 0; }
.sr-diff .sr-old { background: #fdecea; text-decoration: line-through; color: #8a1c1c; }
.sr-diff .sr-new { background: #e8f5e9; color: #1b5e20; }
.sr-diff .sr-el { color: #777; font-size: 11px; margin-right: 4px; }
"""
NO_PROJECT = "Type or attach a draft first: its history starts with its first save."


def revision_label(rev: Revision) -> str:
    """One line for a revision: number, time, cause, and its name when the writer gave one."""
    when = time.strftime("%d %b %H:%M:%S", time.localtime(rev.time))
    name = f" · “{rev.name}”" if rev.name else ""
    return f"#{rev.id} · {when} · {rev.cause}{name} · {rev.scenes} sc, {rev.pages} pp"


def revision_id(label: str | None) -> int | None:
    """The revision number a label (or a bare number) names."""
    text = str(label or "").strip().lstrip("#").split(" ", 1)[0]
    return int(text) if text.isdigit() else None


def diff_html(diff: Any) -> str:
    """A ScriptDiff as the writer reads it: a summary, then each scene added, removed, moved or changed, with the
    lines that changed inside it (struck out, then new)."""
    parts = [f"<style>{DIFF_CSS}</style><div class='sr-diff'><div class='sr-sum'>{html.escape(diff.summary())}</div>"]
    if diff.title_page:
        parts.append("<div class='sr-sc'><span class='sr-badge b-changed'>title page</span>")
        parts.extend(_line_html(line) for line in diff.title_page)
        parts.append("</div>")
    for scene in diff.scenes:
        parts.append(f"<div class='sr-sc'><span class='sr-badge b-{scene.status}'>{scene.status}</span>"
                     f"<b>{html.escape(scene.heading)}</b> <i>({scene.where})</i>")
        parts.extend(_line_html(line) for line in scene.lines)
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


_SIDE_CLASS = {"-": "sr-old", "+": "sr-new"}


def _line_html(line: Any) -> str:
    label = f"<span class='sr-el'>{html.escape(line.element)}</span>{html.escape(line.who)}"
    return "".join(f"<div class='{_SIDE_CLASS[sign]}'>{label}{html.escape(text)}</div>" for sign, text in line.sides())


class RevisionHandlers:
    """Mixed into WritersRoom: expects ``self.room``."""

    def history(self, session: Session | None) -> tuple:
        """(list, compare A, compare B, branch picker, bring-from picker, where) for the History tab."""
        ws = drafts.workspace(self.room, session)
        if ws is None or session.project_id is None:
            empty = gr.update(choices=[], value=None)
            return [], empty, empty, empty, empty, NO_PROJECT
        revs = ws.revisions(session.project_id)
        labels = [revision_label(r) for r in revs]
        branches = ws.branches(session.project_id)
        current = next((b.name for b in branches if b.current), None)
        others = [b.name for b in branches if not b.current]
        rows = [[r.id, time.strftime("%H:%M:%S", time.localtime(r.time)), r.cause, r.name, r.scenes, r.pages]
                for r in revs]
        return (rows,
                gr.update(choices=labels, value=labels[1] if len(labels) > 1 else (labels[0] if labels else None)),
                gr.update(choices=labels, value=labels[0] if labels else None),
                gr.update(choices=[b.name for b in branches], value=current),
                gr.update(choices=others, value=others[0] if others else None),
                f"On branch **{current}** · {len(revs)} revision(s) on it")

    def compare(self, a: str | None, b: str | None, session: Session | None) -> str:
        ws = drafts.workspace(self.room, session)
        first, second = revision_id(a), revision_id(b)
        if ws is None or first is None or second is None:
            return "<p><i>Choose two revisions to compare.</i></p>"
        try:
            return diff_html(ws.diff(first, second))
        except RoomError as exc:
            return f"<p>⚠️ {html.escape(str(exc))}</p>"

    def name_revision(self, label: str | None, name: str, session: Session | None) -> str:
        ws = self._ws(session)
        rev_id = revision_id(label) or ws.head(session.project_id).id
        rev = drafts.room_call(lambda: ws.name_revision(rev_id, name))
        return f"Named revision #{rev.id} “{rev.name}”."

    def undo(self, session: Session | None) -> str:
        return self._step(session, "undo", "Undone: the draft is back to how it was (revision #{}).")

    def redo(self, session: Session | None) -> str:
        return self._step(session, "redo", "Redone (revision #{}).")

    def _step(self, session: Session | None, which: str, done: str) -> str:
        """Undo or redo on the workspace; ``done`` names the revision the draft is now at."""
        ws = self._ws(session)
        rev = drafts.room_call(lambda: getattr(ws, which)(session.project_id))
        if rev is None:
            return f"Nothing to {which}."
        self.room.sync(session)
        return done.format(rev.id)

    def restore(self, label: str | None, session: Session | None) -> str:
        ws = self._ws(session)
        rev_id = revision_id(label)
        if rev_id is None:
            raise gr.Error("Choose the revision to restore in the first box.")
        rev = drafts.room_call(lambda: ws.restore(rev_id))
        self.room.sync(session)
        return f"Restored revision #{rev_id} as a new revision #{rev.id} on branch {rev.branch}."

    def fork(self, name: str, session: Session | None) -> str:
        ws = self._ws(session)
        branch = drafts.room_call(lambda: ws.fork(session.project_id, name or f"direction {time.strftime('%H%M%S')}"))
        self.room.sync(session)
        return f"Trying a new direction on branch **{branch.name}**; the other branches are as they were."

    def switch(self, branch: str | None, session: Session | None) -> str:
        ws = self._ws(session)
        if not branch:
            return ""
        rev = drafts.room_call(lambda: ws.switch(session.project_id, branch))
        self.room.sync(session)
        return f"On branch **{branch}**."

    def bring_scene(self, from_branch: str | None, scene: float | None, session: Session | None) -> str:
        ws = self._ws(session)
        if not from_branch or not scene:
            raise gr.Error("Choose the branch to bring the scene from and the scene's number there.")
        rev = drafts.room_call(lambda: ws.bring_scene(session.project_id, from_branch, int(scene)))
        self.room.sync(session)
        return f"Brought scene {int(scene)} from **{from_branch}** (revision #{rev.id})."

    def _ws(self, session: Session | None):
        ws = drafts.workspace(self.room, session)
        if ws is None or session.project_id is None:
            raise gr.Error(NO_PROJECT)
        return ws


def history_tab() -> dict[str, Any]:
    """The History tab's components by name."""
    c: dict[str, Any] = {}
    with gr.Row():
        c["undo"] = gr.Button("↶ Undo", size="sm")
        c["redo"] = gr.Button("↷ Redo", size="sm")
        c["branch"] = gr.Dropdown(label="Branch", choices=[], interactive=True, scale=2)
    c["where"] = gr.Markdown()
    c["message"] = gr.Markdown()
    c["list"] = gr.Dataframe(headers=["#", "time", "cause", "name", "scenes", "pages"], interactive=False,
                             max_height=220, label="Revisions, newest first", elem_id="sr-revisions")
    with gr.Row():
        c["a"] = gr.Dropdown(label="Compare (older)", choices=[], interactive=True)
        c["b"] = gr.Dropdown(label="with (newer)", choices=[], interactive=True)
    with gr.Row():
        c["compare"] = gr.Button("Compare", variant="primary", size="sm")
        c["restore"] = gr.Button("Restore the older one", size="sm")
    with gr.Row():
        c["name"] = gr.Textbox(label="Name the newer one", placeholder="Draft 2: producer notes", scale=3)
        c["name_btn"] = gr.Button("Name it", size="sm", scale=1)
    c["diff"] = gr.HTML(elem_id="sr-diff")
    with gr.Accordion("Branches: try a direction, bring a scene across", open=False):
        with gr.Row():
            c["fork_name"] = gr.Textbox(label="New direction", placeholder="darker ending", scale=3)
            c["fork"] = gr.Button("Try this direction", size="sm", scale=1)
        with gr.Row():
            c["from"] = gr.Dropdown(label="Bring from branch", choices=[], interactive=True)
            c["scene"] = gr.Number(label="its scene number", precision=0, minimum=1)
            c["bring"] = gr.Button("Bring the scene here", size="sm")
    return c


def wire_history(room: Any, c: dict[str, Any], session: gr.State, draft_outputs: list[Any], tab: Any) -> None:
    listing = [c["list"], c["a"], c["b"], c["branch"], c["from"], c["where"]]

    def then_refresh(event: Any) -> None:
        event.success(room.draft_panel, [session], draft_outputs, api_name=False).then(
            room.history, [session], listing, api_name=False)

    tab.select(room.history, [session], listing, api_name=False)
    c["compare"].click(room.compare, [c["a"], c["b"], session], c["diff"], api_name="compare")
    c["name_btn"].click(room.name_revision, [c["b"], c["name"], session], c["message"], api_name="name_revision"
                        ).success(room.history, [session], listing, api_name=False)
    then_refresh(c["undo"].click(room.undo, [session], c["message"], api_name="undo"))
    then_refresh(c["redo"].click(room.redo, [session], c["message"], api_name="redo"))
    then_refresh(c["restore"].click(room.restore, [c["a"], session], c["message"], api_name="restore"))
    then_refresh(c["fork"].click(room.fork, [c["fork_name"], session], c["message"], api_name="fork"))
    then_refresh(c["branch"].input(room.switch, [c["branch"], session], c["message"], api_name="switch_branch"))
    then_refresh(c["bring"].click(room.bring_scene, [c["from"], c["scene"], session], c["message"],
                                  api_name="bring_scene"))
