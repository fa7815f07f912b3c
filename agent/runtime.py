"""Everything one Scriptroom process shares: settings, the loaded model, embedder, library, tools.

Built once at start; per-writer state lives in Session objects, never here.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from agent.loop import Agent
from agent.models.factory import build_chat_model, model_info, scene_settings
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
    ) -> "Runtime":
        model = chat_model if chat_model is not None else build_chat_model(settings)
        info = model_info(settings, model)
        agent = Agent(chat_model=model, info=info)
        runtime = cls(settings=settings, agent=agent, library=library)
        runtime.extras["owns_library"] = library is None
        if with_tools:
            from tools.embeddings import load_embedder

            runtime.embedder = embedder if embedder is not None else load_embedder()
            runtime.agent.router = router if router is not None else build_router(runtime)
            for builder in TOOL_BUILDERS:
                runtime.agent.tools.update(builder(runtime))
        return runtime

    def switch_adapter(self, adapter: str | None) -> str:
        """Reload the local model with another LoRA adapter (or none), without a restart.

        The model is shared by every session on this server, so the switch applies to all of them.
        """
        from agent.models.factory import load_engine

        if self.settings.backend != "local":
            return f"Adapters apply to the local backend; this server uses {self.settings.backend}."
        self.settings = self.settings.with_(adapter=adapter or None)
        model = build_chat_model(self.settings, engine=load_engine(self.settings))
        self.agent.chat_model = model
        self.agent.info = model_info(self.settings, model)
        for builder in TOOL_BUILDERS:  # tools hold the model they were built with
            self.agent.tools.update(builder(self))
        return f"Now using {self.agent.info.name}" + (f" with adapter {adapter}." if adapter else " without an adapter.")

    def new_session(self) -> Session:
        return Session()

    def attach_draft(self, session: Session, path: str) -> None:
        """Load a draft into the session's project. A bad file raises ScriptImportError and leaves
        whatever project was open untouched."""
        from agent.project import Project

        session.project = Project.from_file(path, max_bytes=self.settings.max_upload_bytes)

    def attach_bytes(self, session: Session, data: bytes, filename: str) -> None:
        from agent.project import Project

        session.project = Project.from_bytes(data, filename, max_bytes=self.settings.max_upload_bytes)

    def scene_library(self) -> Any:
        """The shared scene library (a Chroma server when SCRIPTROOM_CHROMA_URL is set)."""
        if self.library is None:
            from tools.library import SceneLibrary

            location = self.settings.chroma_url or self.settings.library_dir
            self.library = SceneLibrary(location, self.embedder)
        return self.library

    def warm(self) -> None:
        """Index the starter scenes now (once per data directory), not on a writer's first request."""
        if self.agent.tools:
            self.scene_library().ensure_starter()

    def close(self) -> None:
        if self.library is not None and self.extras.get("owns_library", True):
            self.library.close()
        self.library = None


def build_router(runtime: Runtime) -> Any:
    from agent.routing import Router, ToolCallingRouter
    from tools.schemas import INTENT_ARGS

    semantic = Router(runtime.embedder)
    if runtime.agent.info.supports_tool_calling and runtime.settings.backend == "openai":
        # A capable served model picks tools natively; slash commands and fallbacks stay semantic.
        return ToolCallingRouter(runtime.agent.chat_model, INTENT_ARGS, fallback=semantic)
    return semantic


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _similar_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.similar_scenes"):
        return {}
    from tools.similar_scenes import make_similar_scenes_tool

    tool = make_similar_scenes_tool(runtime.scene_library())
    return {tool.name: tool}


def _scene_scorer(runtime: Runtime) -> Any:
    """The critic's learned scene scorer, shared by the critic and the generator's reranking."""
    if "scorer" not in runtime.extras:
        scorer = None
        if _available("tools.critic.scene_scorer"):
            from tools.critic.scene_scorer import SceneScorer

            scorer = SceneScorer.load(runtime.embedder)
        runtime.extras["scorer"] = scorer
    return runtime.extras["scorer"]


def _scene_model(runtime: Runtime) -> Any:
    """The generator's model: the main one, or a local engine with the scene adapter (see scene_settings),
    loaded once per adapter and kept across adapter switches of the main model."""
    main = runtime.agent.chat_model
    wanted = scene_settings(runtime.settings)
    if wanted.adapter == runtime.settings.adapter or getattr(main, "engine", None) is None:
        return main  # no scene adapter applies, or a fake or served model: used as it is
    cached = runtime.extras.get("scene_model")
    if cached is None or cached[0] != (wanted.model, wanted.adapter):
        cached = ((wanted.model, wanted.adapter), build_chat_model(wanted))
        runtime.extras["scene_model"] = cached
    return cached[1]


def _generator_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.generator"):
        return {}
    from tools.generator import SceneGenerator
    from tools.generator.tool import make_generator_tool, make_revise_tool

    generator = SceneGenerator(
        _scene_model(runtime),
        library=runtime.scene_library(),
        embedder=runtime.embedder,
        scorer=_scene_scorer(runtime),
    )
    tools = [make_generator_tool(generator), make_revise_tool(generator)]
    # The loop streams these through the generator's own event stream (options as they are written).
    tools[0].metadata = {"stream": generator.stream}
    tools[1].metadata = {"stream": generator.stream_revise}
    return {t.name: t for t in tools}


def _critic_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.critic"):
        return {}
    from tools.critic.critic import Critic
    from tools.critic.tool import make_critic_tool

    critic = Critic(
        runtime.agent.chat_model,
        embedder=runtime.embedder,
        scorer=_scene_scorer(runtime),
        out_dir=runtime.settings.home / "reports",
    )
    runtime.extras["critic"] = critic  # the Analysis panel calls it directly, with a progress bar
    tool = make_critic_tool(critic)
    return {tool.name: tool}


def _summarizer_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.summarizer"):
        return {}
    from tools.summarizer.summarizer import Summarizer
    from tools.summarizer.tool import make_summarizer_tool

    summarizer = Summarizer(
        runtime.agent.chat_model, embedder=runtime.embedder, cache_dir=runtime.settings.home / "cache" / "summaries"
    )
    runtime.extras["summarizer"] = summarizer  # the Analysis panel calls it directly, with a progress bar
    tool = make_summarizer_tool(summarizer)
    return {tool.name: tool}


def _style_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.style"):
        return {}
    from tools.style.tool import make_style_tool
    from tools.style.transfer import StyleTransfer

    styler = StyleTransfer(runtime.agent.chat_model, library=runtime.scene_library(), embedder=runtime.embedder)
    tool = make_style_tool(styler)
    return {tool.name: tool}


# Each builder returns {tool name: LangChain tool}; a tool whose module is not part of this
# install is simply absent, and the loop tells the writer it cannot do that yet.
TOOL_BUILDERS: list[Callable[[Runtime], dict[str, Any]]] = [
    _similar_tools,
    _generator_tools,
    _critic_tools,
    _summarizer_tools,
    _style_tools,
]
