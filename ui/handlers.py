"""What the writers' room does on each click, as plain methods that tests can call without a browser."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from agent.events import EventKind
from agent.project import Project
from agent.runtime import Runtime
from agent.session import Session
from agent.storage import PreferenceRecord, Storage
from screenplay.errors import ScriptExportError, ScriptImportError
from tools.base import ToolError
from tools.context import StoryBible
from ui.render import fountain_html, script_html

DRAFT_TYPES = [".fountain", ".spmd", ".fdx", ".pdf", ".docx", ".txt"]
EMPTY_DRAFT = "<p><i>No draft yet. Attach a .fountain, .fdx, .pdf, .docx or .txt with the 📎 button.</i></p>"


@dataclass
class WritersRoom:
    runtime: Runtime
    storage: Storage

    @classmethod
    def create(cls, runtime: Runtime) -> "WritersRoom":
        return cls(runtime=runtime, storage=Storage(runtime.settings.database))

    # ---- sessions and projects ---------------------------------------------------------
    def start(self, writer: str | None) -> tuple[str, Session, list[Any]]:
        """A new browser tab: restore the writer's latest project and chat, or start fresh."""
        writer = writer or uuid.uuid4().hex
        session = self.runtime.new_session()
        session.writer = writer
        history: list[Any] = []
        stored = self.storage.list_projects(writer)
        if stored:
            project = self.storage.load_project(writer, stored[0][0])
            if project is not None:
                self._restore(session, project)
                history = project.chat
        return writer, session, history

    def _restore(self, session: Session, stored: Any) -> None:
        from screenplay.formats import fountain

        script = fountain.parse(stored.fountain)
        bible = StoryBible(**stored.bible) if stored.bible else StoryBible()
        session.project = Project(name=stored.name, script=script, source=stored.source, bible=bible)
        session.project_id = stored.id

    def save(self, session: Session, history: list[Any]) -> None:
        """Persist the project and chat; atomic in SQLite, so a crash loses at most this save."""
        if session.project is None or not session.writer:
            return
        from screenplay.formats import fountain

        session.project_id = self.storage.save_project(
            writer=session.writer,
            name=session.project.name,
            source=session.project.source,
            fountain=fountain.render(session.project.script),
            bible=vars(session.project.bible).copy(),
            chat=[_plain(m) for m in history][-200:],
            project_id=session.project_id,
        )

    # ---- chat --------------------------------------------------------------------------
    def send(self, value: Any, history: list[Any] | None, session: Session | None) -> Iterator[tuple]:
        """The multimodal box: attach any draft files, then run the message through the agent."""
        session = session or self.start(None)[1]
        history = list(history or [])
        text, files = _split(value)
        for path in files:
            history.append(gr.ChatMessage(role="user", content=f"📎 {Path(path).name}"))
            history.append(gr.ChatMessage(role="assistant", content=self.attach(session, path)))
            yield self._outputs(history, session)
        if text.strip():
            yield from self.chat(text, history, session)
        self.save(session, history)
        yield self._outputs(history, session)

    def attach(self, session: Session, path: str) -> str:
        """Load a draft. A bad file leaves the open project as it was and says what is accepted."""
        try:
            previous = session.project
            self.runtime.attach_draft(session, path)
            session.project_id = None if previous is None else session.project_id
        except ScriptImportError as exc:
            return f"⚠️ I couldn't read that draft: {exc}"
        script = session.project.script
        from screenplay.stats import compute

        stats = compute(script)
        return (
            f"Loaded **{session.project.name}**: {len(script.scenes)} scenes, about {stats.pages} "
            f"page{'' if stats.pages == 1 else 's'}, "
            f"{len(script.characters)} speaking characters. Ask me for notes, a summary, new scenes or rewrites."
        )

    def chat(self, message: str, history: list[Any], session: Session) -> Iterator[tuple]:
        history.append(gr.ChatMessage(role="user", content=message))
        answer: gr.ChatMessage | None = None
        for event in self.runtime.agent.run(session, message):
            if event.kind is EventKind.TOKEN:
                if answer is None:
                    answer = gr.ChatMessage(role="assistant", content="")
                    history.append(answer)
                answer.content += event.text
            elif event.kind is EventKind.ROUTE:
                continue
            elif event.kind is EventKind.TOOL_START:
                history.append(
                    gr.ChatMessage(
                        role="assistant",
                        content=_args_markdown(event.data.get("args", {})),
                        metadata={"title": f"🛠️ {event.text}", "status": "pending"},
                    )
                )
            elif event.kind is EventKind.TOOL_PROGRESS:
                _show_progress(history, event)
            elif event.kind is EventKind.TOOL_OUTPUT:
                _mark_done(history, seconds=event.data.get("seconds"))
            elif event.kind in (EventKind.ANSWER, EventKind.CLARIFY):
                if answer is None:
                    answer = gr.ChatMessage(role="assistant", content=event.text)
                    history.append(answer)
                else:
                    answer.content = event.text
            elif event.kind is EventKind.ERROR:
                _mark_done(history)
                history.append(gr.ChatMessage(role="assistant", content=f"⚠️ {event.text}"))
            yield self._outputs(history, session)

    def _outputs(self, history: list[Any], session: Session) -> tuple:
        return history, session, self.options(session), self.draft_html(session)

    # ---- alternatives ------------------------------------------------------------------
    @staticmethod
    def options(session: Session | None) -> list[str]:
        if session is None or session.last_result is None:
            return []
        return list(session.last_result.options)

    def pick(self, index: int, history: list[Any], session: Session) -> tuple:
        """Use option `index` (0-based): insert it into the draft and store the choice."""
        options = self.options(session)
        history = list(history or [])
        if not 0 <= index < len(options):
            history.append(gr.ChatMessage(role="assistant", content=f"⚠️ There is no option {index + 1}."))
            return self._outputs(history, session)
        self._store_pick(session, index, options)
        if session.project is None:
            session.project = Project.from_script(_parse(options[index]), name="Untitled")
            text = f"Started a new draft from option {index + 1}."
        else:
            try:
                where = session.project.insert_scenes(options[index])
                text = f"Inserted option {index + 1} as scene {where[0]}. Say /undo to take it back."
            except ToolError as exc:
                text = f"⚠️ {exc}"
        history.append(gr.ChatMessage(role="assistant", content=text))
        self.save(session, history)
        return self._outputs(history, session)

    def discard(self, index: int, session: Session) -> tuple:
        options = self.options(session)
        if 0 <= index < len(options):
            self.storage.add_preference(
                PreferenceRecord(prompt=self._prompt_of(session), chosen="", rejected=options[index], kind="dislike", writer=session.writer)
            )
            session.last_result.options.pop(index)
        return session, self.options(session)

    def more_like(self, index: int, history: list[Any], session: Session) -> Iterator[tuple]:
        yield from self.chat(f"more like option {index + 1}", list(history or []), session)

    def _store_pick(self, session: Session, index: int, options: list[str]) -> None:
        prompt = self._prompt_of(session)
        for j, other in enumerate(options):
            if j != index:
                self.storage.add_preference(
                    PreferenceRecord(prompt=prompt, chosen=options[index], rejected=other, kind="pick", writer=session.writer)
                )

    @staticmethod
    def _prompt_of(session: Session) -> str:
        result = session.last_result
        if result is not None and result.prompt:
            return result.prompt
        humans = [m for m in session.history if m.type == "human"]
        return str(humans[-1].content) if humans else ""

    def like(self, session: Session, history: list[Any], data: gr.LikeData) -> None:
        """👍/👎 on an answer becomes a preference record for DPO."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        answer = _plain(history[index]).get("content", "") if 0 <= index < len(history) else ""
        prompt = next(
            (_plain(m).get("content", "") for m in reversed(history[:index]) if _plain(m).get("role") == "user"), ""
        )
        liked = bool(data.liked)
        self.storage.add_preference(
            PreferenceRecord(
                prompt=str(prompt),
                chosen=str(answer) if liked else "",
                rejected="" if liked else str(answer),
                kind="like" if liked else "dislike",
                writer=session.writer if session else "",
            )
        )

    def undo_turn(self, history: list[Any], session: Session) -> tuple:
        """Chatbot's undo: drop the last exchange from the screen and from the model's memory."""
        history = list(history or [])
        while history and _plain(history[-1]).get("role") != "user":
            history.pop()
        if history:
            history.pop()
        if len(session.history) >= 2:
            session.history = session.history[:-2]
        return self._outputs(history, session)

    # ---- side panels -------------------------------------------------------------------
    @staticmethod
    def draft_html(session: Session | None) -> str:
        if session is None or session.project is None:
            return EMPTY_DRAFT
        return script_html(session.project.script, max_scenes=60)

    @staticmethod
    def scene_choices(session: Session | None) -> list[str]:
        if session is None or session.project is None:
            return []
        return [f"{i}. {s.heading.text}" for i, s in enumerate(session.project.script.scenes, 1)]

    @staticmethod
    def scene_html(session: Session | None, choice: str | None) -> str:
        if session is None or session.project is None or not choice:
            return EMPTY_DRAFT
        number = int(choice.split(".", 1)[0])
        from screenplay import Script

        scene = session.project.script.scenes[number - 1]
        return script_html(Script(scenes=[scene]))

    @staticmethod
    def bible_fields(session: Session | None) -> tuple[str, str, str, str]:
        if session is None or session.project is None:
            return "", "", "", ""
        b = session.project.bible
        characters = "\n".join(f"{k}: {v}" if v else k for k, v in b.characters.items())
        return b.logline, b.tone, characters, ", ".join(b.locations)

    def save_bible(self, logline: str, tone: str, characters: str, locations: str, session: Session, history: list[Any]) -> str:
        if session is None or session.project is None:
            return "Attach a draft first; the bible belongs to a project."
        chars: dict[str, str] = {}
        for line in characters.splitlines():
            name, _, desc = line.partition(":")
            if name.strip():
                chars[name.strip().upper()] = desc.strip()
        b = session.project.bible
        b.logline, b.tone, b.characters = logline.strip(), tone.strip(), chars
        b.locations = [x.strip() for x in locations.split(",") if x.strip()]
        self.save(session, history)
        return "Story bible saved."

    def export(self, fmt: str, session: Session | None) -> str:
        """Write the draft as fountain, fdx or pdf to a download file; returns its path."""
        if session is None or session.project is None:
            raise gr.Error("There is no draft to export yet: attach one or pick an option first.")
        from screenplay.io import render

        try:
            data = render(session.project.script, fmt)
        except ScriptExportError as exc:
            raise gr.Error(str(exc)) from None
        folder = Path(tempfile.mkdtemp(prefix="scriptroom-export-"))
        stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in session.project.name).strip() or "draft"
        path = folder / f"{stem}.{fmt}"
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return str(path)

    def search_library(self, query: str, genre: str, int_ext: str, k: float) -> str:
        if not query.strip():
            return "Type what the scenes should be like."
        where = {key: value for key, value in (("genre", genre), ("int_ext", int_ext)) if value and value != "any"}
        try:
            hits = self.runtime.scene_library().search(query, k=int(k), where=where or None, mmr=True)
        except Exception as exc:  # a library problem must not break the page
            return f"⚠️ {exc}"
        if not hits:
            return "No scenes matched."
        blocks = []
        for hit in hits:
            excerpt = hit.text[:400].replace("\n", "  \n")
            blocks.append(f"**{hit.heading}** — {hit.source} · score {hit.score:.2f}\n\n{excerpt}")
        return "\n\n---\n\n".join(blocks)


def _split(value: Any) -> tuple[str, list[str]]:
    if isinstance(value, dict):
        files = [f if isinstance(f, str) else f.get("path", "") for f in value.get("files", []) or []]
        return str(value.get("text", "") or ""), [f for f in files if f]
    return str(value or ""), []


def _parse(text: str):
    from screenplay.formats import fountain

    return fountain.parse(text)


def _plain(message: Any) -> dict[str, Any]:
    if isinstance(message, dict):
        return {k: message.get(k) for k in ("role", "content", "metadata") if k in message}
    return {"role": getattr(message, "role", ""), "content": getattr(message, "content", ""), "metadata": getattr(message, "metadata", None)}


def _args_markdown(args: dict[str, Any]) -> str:
    shown = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    return "\n".join(f"- **{k}**: {v}" for k, v in shown.items()) or "(no arguments)"


def _show_progress(history: list[Any], event: Any) -> None:
    """Write a streaming tool's latest step into its pending step message."""
    step = next((m for m in reversed(history) if (getattr(m, "metadata", None) or {}).get("status") == "pending"), None)
    if step is None:
        return
    head = step.content.split("\n\n---\n", 1)[0]
    kind, index = event.data.get("kind"), event.data.get("index", 0)
    if kind == "progress":
        step.content = f"{head}\n\n---\n{progress_line(index, event.data.get('total', 0), event.text)}"
        return
    if kind == "candidate":
        label = f"writing draft {index + 1}…"
    elif kind == "option":
        label = f"option {index} ready"
    else:
        label = f"draft {index + 1} done"
    step.content = f"{head}\n\n---\n*{label}*\n\n```\n{event.text[-600:]}\n```"


def progress_line(done: int, total: int, label: str, width: int = 20) -> str:
    """A text progress bar for a tool step in the chat: ``▰▰▰▱▱ 12/40 · summarising scene 12``."""
    if total > 0:
        filled = round(width * min(done, total) / total)
        return f"`{'▰' * filled}{'▱' * (width - filled)}` {done}/{total} · {label}"
    return f"step {done} · {label}"


def _mark_done(history: list[Any], seconds: float | None = None) -> None:
    for msg in history:
        meta = getattr(msg, "metadata", None)
        if isinstance(meta, dict) and meta.get("status") == "pending":
            meta["status"] = "done"
            if seconds is not None:
                meta["duration"] = seconds


def option_html(text: str) -> str:
    try:
        return fountain_html(text)
    except Exception:  # a malformed option still shows as text
        import html

        return f"<pre>{html.escape(text)}</pre>"
