"""Everything one Scriptroom process shares: settings, the loaded model, embedder, library, tools.

Built once at start; per-writer state lives in Session objects, never here.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from agent.loop import Agent
from agent.models.factory import build_chat_model, model_info
from agent.session import Session
from agent.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    agent: Agent
    embedder: Any = None
    library: Any = None
    extras: dict[str, Any] = field(default_factory=dict)  # shared components tools were built with

    @classmethod
    def create(
        cls,
        settings: Settings,
        *,
        chat_model: Any = None,
        embedder: Any = None,
        router: Any = None,
        library: Any = None,
        with_tools: bool = True,
        with_model: bool = True,
    ) -> "Runtime":
        """``with_tools=False``: the caller builds the one tool it needs (the CLI); ``with_model=False``: no chat
        model is loaded (`scriptroom critique --no-llm`)."""
        model = chat_model if chat_model is not None or not with_model else build_chat_model(settings)
        info = model_info(settings, model)
        agent = Agent(chat_model=model, info=info)
        runtime = cls(settings=settings, agent=agent, embedder=embedder, library=library)
        runtime.extras["owns_library"] = library is None
        if with_tools:
            from tools.embeddings import load_embedder

            runtime.embedder = embedder if embedder is not None else load_embedder()
            runtime.agent.router = router if router is not None else build_router(runtime)
            runtime.build_tools()
        from agent.grounding import DraftAsker

        # Questions about the draft, answered from the draft; its scene vectors cached per revision.
        agent.asker = DraftAsker(runtime.embedder, cache_dir=settings.home / "cache" / "draft-index")
        return runtime

    def build_tools(self) -> None:
        """Every tool of the registry that this install has, each builder run once (one builds two tools)."""
        from agent.registry import TOOL_SPECS

        built: set[str] = set()
        for spec in TOOL_SPECS:
            if spec.builder not in built:
                built.add(spec.builder)
                self.agent.tools.update(spec.build(self))

    def switch_adapter(self, adapter: str | None) -> str:
        """Reload the local model with another LoRA adapter (or none), without a restart.

        The model is shared by every session on this server, so the switch applies to all of them.
        """
        from agent.models.factory import load_engine

        if not self.agent.info.supports_adapters:
            return f"Adapters apply to the local backend; this server uses {self.agent.info.backend}."
        self.settings = self.settings.with_(adapter=adapter or None)
        model = build_chat_model(self.settings, engine=load_engine(self.settings))
        self.agent.chat_model = model
        self.agent.info = model_info(self.settings, model)
        self.build_tools()  # tools hold the model they were built with
        return f"Now using {self.agent.info.name}" + (f" with adapter {adapter}." if adapter else " without an adapter.")

    def new_session(self) -> Session:
        return Session()

    def attach_draft(self, session: Session, path: str) -> None:
        """Load a draft into the session's project. A bad file raises ScriptImportError and leaves
        whatever project was open untouched."""
        from agent.project import Project

        session.project = Project.from_file(path, max_bytes=self.settings.max_upload_bytes)
        self.agent.asker.warm(session.project.script)

    def attach_bytes(self, session: Session, data: bytes, filename: str) -> None:
        from agent.project import Project

        session.project = Project.from_bytes(data, filename, max_bytes=self.settings.max_upload_bytes)
        self.agent.asker.warm(session.project.script)

    def scene_library(self) -> Any:
        """The shared scene library (a Chroma server when SCRIPTROOM_CHROMA_URL is set)."""
        if self.library is None:
            from tools.library import SceneLibrary

            location = self.settings.chroma_url or self.settings.library_dir
            self.library = SceneLibrary(location, self.embedder)
        return self.library

    def warm(self, report: Callable[[str], None] = log.info) -> None:
        """Index the starter scenes now (once per data directory; `make run` has usually done it), not on a
        writer's first request. ``report`` gets a line when it starts and one when it is done. The railed
        generator's word list (0.5-1 s to read) is loaded here too, not inside the first scene request."""
        if self.agent.tools and self.agent.info.writing_tier == "scaffold" and self.agent.info.supports_grammar:
            from tools.generator.guard import english_words

            english_words()
        if self.agent.tools and self.scene_library().needs_starter():
            report("Bringing the scene library up to date (re-embedding its scenes) in the background…"
                   if self.scene_library().needs_upgrade() else "Indexing the starter scene library in the background…")
            start = time.perf_counter()
            self.scene_library().ensure_starter()
            report(f"Scene library ready ({time.perf_counter() - start:.0f} s).")

    def close(self) -> None:
        if self.library is not None and self.extras.get("owns_library", True):
            self.library.close()
        self.library = None


def build_router(runtime: Runtime) -> Any:
    from agent.routing import Router, ToolCallingRouter
    from agent.registry import INTENT_ARGS

    semantic = Router(runtime.embedder)
    if runtime.agent.info.supports_tool_calling:
        # A capable served model picks tools natively; slash commands and fallbacks stay semantic.
        return ToolCallingRouter(runtime.agent.chat_model, INTENT_ARGS, fallback=semantic)
    return semantic
