"""The writers' room as a front end sees it: one narrow facade over the Runtime.

The UI talks only to this class (and to the typed records it returns), so it never reaches into tools or
fine-tuning. Every error a writer can cause comes out of it as one ``RoomError`` whose message says the fix.
"""

from __future__ import annotations

import copy
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from agent.accounts import Login, resolve_login
from agent.errors import NeedsDraft, RoomError, writer_errors
from agent.events import Event
from agent.project import Project, inserted, option_cause
from agent.runtime import Runtime
from agent.session import Session
from agent.storage import PreferenceRecord, Storage
from agent.workspace import Workspace
from screenplay import Script
from screenplay.bible import StoryBible
from tools.base import Option
from tools.progress import Progress

MAX_STORED_TURNS = 200
NO_DRAFT = "Attach a draft first (📎 in the chat box)."



@dataclass
class LoadedDraft:
    """What attaching a draft did, for the message to the writer."""

    name: str
    scenes: int
    pages: int
    characters: int


@dataclass
class Critique:
    notes: str  # Markdown
    plots: list[Any]  # image paths or figures, in display order
    findings: list[dict[str, Any]] = field(default_factory=list)  # the checks' findings (check, message, scenes...)


@dataclass
class Room:
    runtime: Runtime
    storage: Storage
    login: Login | None = field(default=None)  # who may do what; resolved from the settings when not given

    def __post_init__(self) -> None:
        if self.login is None:
            self.login = resolve_login(self.runtime.settings)

    @classmethod
    def create(cls, runtime: Runtime) -> "Room":
        return cls(runtime=runtime, storage=Storage(runtime.settings.database))

    # ---- what the room runs on ---------------------------------------------------------
    @property
    def model_name(self) -> str:
        return self.runtime.agent.info.name

    @property
    def backend(self) -> str:
        return self.runtime.agent.info.backend

    @property
    def model_line(self) -> str:
        """The model line the page shows: name, backend, engine and writing tier (the tier says whether tools
        build scenes in code around the model, "scaffold", or let it write them, "free")."""
        info = self.runtime.agent.info
        return f"{info.name} · {info.backend} · {info.engine} · {info.writing_tier} writing"

    @property
    def temperature(self) -> float:
        return self.runtime.settings.temperature

    @property
    def adapter(self) -> str | None:
        return self.runtime.settings.adapter

    @staticmethod
    def style_presets() -> tuple[str, ...]:
        from tools.schemas import STYLE_PRESETS

        return STYLE_PRESETS

    # ---- who is here ---------------------------------------------------------------------
    def identify(self, *, user: str | None, browser_id: str | None) -> str:
        """The writer a new tab works as (see Login.writer_for): the verified user when login is on, else the
        browser's id."""
        return self.login.writer_for(user=user, browser_id=browser_id)

    def is_admin(self, session: Session | None) -> bool:
        return self.login.is_admin(session.writer if session is not None else "")

    def _require_admin(self, session: Session | None, action: str) -> None:
        if self.is_admin(session):
            return
        who = ("the Space's owner or a name in SCRIPTROOM_ADMINS" if self.login.mode == "hf"
               else "an account added with `scriptroom users add NAME --admin`")
        raise RoomError(f"{action} changes this server for every writer, so it needs the admin role ({who}); "
                        "ask an administrator")

    def export_data(self, session: Session | None) -> Path:
        """Everything this writer stored, as one zip (agent.backup) in a fresh download folder."""
        from agent.backup import export_writer

        if session is None or not session.writer:
            raise RoomError("sign in first: a visitor who has not signed in has nothing stored")
        folder = Path(tempfile.mkdtemp(prefix="scriptroom-data-"))
        with writer_errors():
            report = export_writer(self.storage, session.writer, folder / f"scriptroom-{session.writer}.zip")
        return Path(report.path)

    def delete_data(self, session: Session | None) -> str:
        """Remove everything this writer stored (projects, chats, bibles, stories, judgements); the open tab starts
        empty. The account itself, where there is one, is the administrator's (`scriptroom users remove`)."""
        if session is None or not session.writer:
            raise RoomError("sign in first: a visitor who has not signed in has nothing stored")
        deleted = self.storage.delete_writer(session.writer)
        session.project, session.project_id, session.last_result = None, None, None
        session.history.clear()
        return (f"Deleted {deleted['projects']} project(s) and {deleted['preferences']} judgement(s) of "
                f"{session.writer}.")

    # ---- sessions and projects ---------------------------------------------------------
    def open_session(self, writer: str) -> tuple[Session, list[dict[str, Any]]]:
        """A writer arrives: their latest project and chat come back, or a fresh session starts."""
        session = self.runtime.new_session()
        session.writer = writer
        stored = self.storage.list_projects(writer)
        if stored:
            chat = self._load(session, stored[0][0])
            if chat is not None:
                return session, chat
        return session, []

    def _load(self, session: Session, project_id: str) -> list[dict[str, Any]] | None:
        """Make a stored project the session's (the head of its current branch); returns its chat, None if absent."""
        project = self.storage.load_project(session.writer, project_id)
        if project is None:
            return None
        bible = StoryBible(**project.bible) if project.bible else StoryBible()
        session.project = Project(name=project.name, script=Script(), source=project.source, bible=bible)
        session.project.load_text(project.fountain)
        session.project_id = project.id
        self._attach_history(session)
        session.story = None
        story = self.storage.load_story(session.writer, project.id)
        if story is not None:  # a story in development picks up where the writer left it
            from tools.develop import Story

            session.story = Story.from_dict(story)
        return project.chat

    def _attach_history(self, session: Session) -> None:
        from agent.workspace.history import StoredHistory

        if session.project is not None and session.project_id and session.writer:
            session.project.history = StoredHistory(self.workspace(session), session.project_id)

    def save(self, session: Session, chat: list[dict[str, Any]]) -> None:
        """Persist the project and chat; a changed draft becomes a revision with the cause of the change. Atomic in
        SQLite, so a crash loses at most this save."""
        if session.project is None or not session.writer:
            return
        project = session.project
        text = project.pending_text()
        if text is None and not session.project_id:  # stored elsewhere, never under this writer: store it
            text = project.stored_text or ""
        session.project_id = self.storage.save_project(
            writer=session.writer,
            name=project.name,
            source=project.source,
            fountain=text,
            cause=project.cause,
            bible=vars(project.bible).copy(),
            chat=chat[-MAX_STORED_TURNS:],
            project_id=session.project_id,
        )
        if text is not None:
            project.mark_stored(text)
        self._attach_history(session)
        if session.story is not None:
            self.storage.save_story(writer=session.writer, project_id=session.project_id, story=session.story.to_dict())

    # ---- the project store (agent.workspace): projects, revisions, branches, outline, notes ---------
    def workspace(self, session: Session | None) -> Workspace:
        """The writer's projects and their revisions. After changing the open project through it, call sync()."""
        if session is None or not session.writer:
            raise RoomError("sign in first: a visitor who has not signed in keeps no projects")
        return Workspace(self.storage, session.writer)

    def open_project(self, session: Session, project_id: str) -> list[dict[str, Any]]:
        """Switch the session to another stored project; returns its chat. Save the open one first (save())."""
        summary = self.workspace(session).get(project_id)
        chat = self._load(session, summary.id)
        if chat is None:
            raise RoomError(f"project {project_id} could not be opened")
        session.options, session.last_result = [], None
        return chat

    def sync(self, session: Session) -> None:
        """The open project follows its store (the head of its current branch) after a workspace change."""
        if session.project is not None and session.project_id:
            session.project.load_text(self.workspace(session).head(session.project_id).fountain)

    def save_draft(self, session: Session, fountain: str, cause: str = "typing") -> Any:
        """The editor's text as a revision of the open project (a new project when none is stored); returns the
        agent.workspace.Revision. Committed when it returns."""
        ws = self.workspace(session)
        if session.project is None or not session.project_id:
            name = session.project.name if session.project is not None else "Untitled"
            session.project_id = ws.create(name, fountain, cause=cause).id
            if session.project is None:
                session.project = Project(name=name, script=Script())
        revision = ws.save(session.project_id, fountain, cause)
        session.project.load_text(revision.fountain)
        self._attach_history(session)
        return revision

    def attach(self, session: Session, path: str) -> LoadedDraft:
        """Load a draft. A bad file raises RoomError and leaves the open project as it was."""
        from screenplay.errors import ScriptImportError
        from screenplay.stats import compute

        previous = session.project
        try:
            self.runtime.attach_draft(session, path)
        except ScriptImportError as exc:
            raise RoomError(str(exc)) from None
        # A new draft is a new stored project; the first draft of a session keeps the session's project id.
        session.project_id = None if previous is None else session.project_id
        script = session.project.script
        return LoadedDraft(
            name=session.project.name,
            scenes=len(script.scenes),
            pages=compute(script).pages,
            characters=len(script.characters),
        )

    # ---- the conversation --------------------------------------------------------------
    def run(self, session: Session, message: str) -> Iterator[Event]:
        """One chat turn; "this scene" means the scene under the editor's cursor (or chosen beside the page)."""
        from agent.references import point_at_scene

        return self.runtime.agent.run(session, point_at_scene(message, session.cursor_scene))

    def forget_last_turn(self, session: Session) -> None:
        if len(session.history) >= 2:
            session.history = session.history[:-2]

    # ---- alternatives ------------------------------------------------------------------
    @staticmethod
    def options(session: Session | None) -> list[Option]:
        return [] if session is None else list(session.options)

    def pick(self, session: Session, index: int) -> str:
        """Use option `index` (0-based): insert it where it was written for, store the choice; returns what happened."""
        options = self.options(session)
        if not 0 <= index < len(options):
            raise RoomError(f"there is no option {index + 1}: the last answer had {len(options)} options")
        chosen = options[index]
        prompt = self._prompt_of(session, chosen)
        for j, other in enumerate(options):
            if j != index:
                self._remember(PreferenceRecord(
                    prompt=prompt, chosen=chosen.fountain, rejected=other.fountain, kind="pick", writer=session.writer))
        if session.project is None:
            script = Script(scenes=copy.deepcopy(chosen.scenes))
            session.project = Project.from_script(script, name="Untitled")
            session.project.cause = "option"
            return f"Started a new draft from option {index + 1}."
        with writer_errors():
            positions, where = session.project.insert_option(chosen, cause=option_cause(session.options_tool))
        return inserted(index + 1, positions, where)

    def discard(self, session: Session, index: int) -> None:
        """Drop option `index` (0-based) from the session's options and remember the writer did not want it."""
        options = self.options(session)
        if 0 <= index < len(options):
            self._remember(
                PreferenceRecord(prompt=self._prompt_of(session, options[index]), chosen="",
                                 rejected=options[index].fountain, kind="dislike", writer=session.writer)
            )
            session.options.pop(index)

    def _remember(self, record: PreferenceRecord) -> None:
        # A visitor who has not signed in (login on) keeps nothing, judgements included.
        if record.writer:
            self.storage.add_preference(record)

    @staticmethod
    def _prompt_of(session: Session, option: Option) -> str:
        if option.prompt:
            return option.prompt
        humans = [m for m in session.history if m.type == "human"]
        return str(humans[-1].content) if humans else ""

    def rate(self, session: Session | None, prompt: str, answer: str, liked: bool) -> None:
        """👍/👎 on an answer becomes a preference record for DPO."""
        self._remember(
            PreferenceRecord(
                prompt=prompt,
                chosen=answer if liked else "",
                rejected="" if liked else answer,
                kind="like" if liked else "dislike",
                writer=session.writer if session else "",
            )
        )

    def preference_counts(self, session: Session | None) -> dict[str, int]:
        writer = session.writer if session is not None else ""
        mine = [r for r in self.storage.preferences() if r.writer == writer]
        return {kind: sum(r.kind == kind for r in mine) for kind in ("pick", "like", "dislike")}

    # ---- the draft and its bible -------------------------------------------------------
    @staticmethod
    def script(session: Session | None) -> Script | None:
        return None if session is None or session.project is None else session.project.script

    @staticmethod
    def bible(session: Session | None) -> StoryBible | None:
        return None if session is None or session.project is None else session.project.bible

    def save_bible(self, session: Session | None, bible: StoryBible, chat: list[dict[str, Any]]) -> None:
        if session is None or session.project is None:
            raise RoomError("attach a draft first; the bible belongs to a project")
        session.project.bible = bible
        self.save(session, chat)

    def export(self, session: Session | None, fmt: str) -> Path:
        """Write the draft as fountain, fdx or pdf to a download file."""
        if session is None or session.project is None:
            raise RoomError("There is no draft to export yet: attach one or pick an option first.")
        from screenplay.io import render

        with writer_errors():
            data = render(session.project.script, fmt)
        folder = Path(tempfile.mkdtemp(prefix="scriptroom-export-"))
        stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in session.project.name).strip() or "draft"
        path = folder / f"{stem}.{fmt}"
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    # ---- the panels' long work ---------------------------------------------------------
    def critique(self, session: Session | None, progress: Progress) -> Critique:
        critic = self.runtime.extras.get("critic")
        if critic is None:
            raise RoomError("The critic is not part of this Scriptroom yet.")
        with writer_errors():
            result = critic.critique(self._script(session), progress=progress)
        plots = result.data.get("plots", {})
        return Critique(notes=result.summary, plots=list(plots.values()) if isinstance(plots, dict) else list(plots),
                        findings=list(result.data.get("checks", [])))

    def summarize(self, session: Session | None, level: str, progress: Progress) -> str:
        summarizer = self.runtime.extras.get("summarizer")
        if summarizer is None:
            raise RoomError("The summarizer is not part of this Scriptroom yet.")
        with writer_errors():
            return summarizer.summarize(self._script(session), level, progress=progress).text

    def search_library(self, query: str, *, where: dict[str, str] | None, k: int) -> list[Any]:
        with writer_errors():
            return self.runtime.scene_library().search(query, k=k, where=where or None, mmr=True)

    def add_to_library(self, session: Session | None, progress: Progress) -> str:
        self._require_admin(session, "Adding to the shared scene library")
        script = self._script(session)
        project = session.project
        indexed = 0

        def on_commit(batch: list[Any]) -> None:
            nonlocal indexed
            indexed += len(batch)
            progress(indexed, len(script.scenes), "indexing scenes")

        progress(0, len(script.scenes), "indexing scenes")
        with writer_errors():
            report = self.runtime.scene_library().add_script(script, source=project.library_source,
                                                             on_commit=on_commit)
        return (f"Added **{project.name}** to the library: {report.added} new scene(s), {report.unchanged} unchanged"
                + (f", {report.removed} removed" if report.removed else "") + ". Search for it in this tab.")

    @staticmethod
    def _script(session: Session | None) -> Script:
        if session is None or session.project is None:
            raise NeedsDraft(NO_DRAFT)
        return session.project.script

    # ---- models and fine-tuning --------------------------------------------------------
    # finetune builds on agent's model loading, so it is imported only inside these methods: the room
    # starts its jobs, nothing in agent depends on it at import time.
    def adapter_choices(self) -> list[str]:
        if not self.runtime.agent.info.supports_adapters:
            return ["none"]
        from finetune.adapters import list_adapters

        return ["none", *[str(a.path) for a in list_adapters(self.runtime.settings)]]

    def switch_adapter(self, session: Session | None, adapter: str | None) -> str:
        self._require_admin(session, "Switching the LoRA adapter")
        return self.runtime.switch_adapter(adapter)

    def train(self, session: Session | None, kind: str, steps: int, name: str, progress: Progress) -> str:
        """A LoRA run on the writer's draft ("sft"), the same on a 4-bit base ("qlora"), or DPO on their judgements
        ("dpo"); returns what happened."""
        from finetune.jobs import train_on_draft, train_on_preferences
        from screenplay.formats.fountain import render

        if session is None:
            raise RoomError("The page is still loading; try again in a moment.")
        # A run's adapter lands in the server's adapter list, and training holds the server's CPU or GPU.
        self._require_admin(session, "Starting a training run")
        name = (name or "").strip() or f"mine-{time.strftime('%Y%m%d-%H%M%S')}"
        started = time.perf_counter()

        def on_step(step: int, total: int, loss: float | None) -> None:
            shown = f", loss {loss:.3f}" if loss is not None else ""
            progress(step, total, f"training step {step} of {total}{shown}")

        with writer_errors():
            if kind in ("sft", "qlora"):
                if session.project is None:
                    raise NeedsDraft(NO_DRAFT + " LoRA training learns from your draft's scenes.")
                result = train_on_draft(self.runtime.settings, render(session.project.script), name, steps=steps,
                                        load_in_4bit=kind == "qlora", on_step=on_step)
            elif kind == "dpo":
                result = train_on_preferences(self.runtime.settings, session.writer, name, steps=steps, on_step=on_step)
            else:
                raise RoomError(f"unknown training kind {kind!r}; use sft, qlora or dpo")
        return result.summary() + f" ({time.perf_counter() - started:.0f} s in all)"
