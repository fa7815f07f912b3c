"""How each writer tool is built from the Runtime: the builders the registry (agent/registry.py) names.

Each returns {tool name: LangChain tool}; a tool whose module is not part of this install is simply absent, and
the loop tells the writer it cannot do that yet. Tool modules are imported here, inside the builders, so
importing the registry stays light.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.models.factory import build_chat_model, scene_settings

if TYPE_CHECKING:
    from agent.runtime import Runtime


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def similar_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.similar_scenes"):
        return {}
    from tools.similar_scenes import make_similar_scenes_tool

    tool = make_similar_scenes_tool(runtime.scene_library())
    return {tool.name: tool}


def _scene_scorer(runtime: Runtime) -> Any:
    """The critic's learned scene scorer, shared by the critic and the generator's reranking (none without an
    embedder: `scriptroom critique --no-scores`)."""
    if "scorer" not in runtime.extras:
        scorer = None
        if runtime.embedder is not None and _available("tools.critic.scene_scorer"):
            from tools.critic.scene_scorer import SceneScorer

            scorer = SceneScorer.load(runtime.embedder)
        runtime.extras["scorer"] = scorer
    return runtime.extras["scorer"]


def _scene_model(runtime: Runtime) -> Any:
    """The generator's model: the main one, or a local engine with the scene adapter (see scene_settings),
    loaded once per adapter and kept across adapter switches of the main model."""
    main = runtime.agent.chat_model
    wanted = scene_settings(runtime.settings)
    if wanted.adapter == runtime.settings.adapter or not runtime.agent.info.supports_adapters:
        return main  # no scene adapter applies, or a scripted or served model, which takes no adapter
    cached = runtime.extras.get("scene_model")
    if cached is None or cached[0] != (wanted.model, wanted.adapter):
        cached = ((wanted.model, wanted.adapter), build_chat_model(wanted))
        runtime.extras["scene_model"] = cached
    return cached[1]


def generator_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.generator"):
        return {}
    from tools.generator import SceneGenerator
    from tools.generator.tool import make_generator_tool, make_revise_tool

    # The command line may ask for no library examples (`--no-library`): the library is then never opened.
    library = runtime.scene_library() if runtime.extras.get("use_library", True) else None
    generator = SceneGenerator(
        _scene_model(runtime),
        library=library,
        embedder=runtime.embedder,
        scorer=_scene_scorer(runtime),
        info=runtime.agent.info,
    )
    tools = [make_generator_tool(generator), make_revise_tool(generator)]
    # The loop streams these through the generator's own event stream (options as they are written).
    tools[0].metadata = {"stream": generator.stream}
    tools[1].metadata = {"stream": generator.stream_revise}
    return {t.name: t for t in tools}


def _panel_tool(runtime: Runtime, key: str, make: Any, make_tool: Any) -> dict[str, Any]:
    """The tool over a component the Analysis panel also calls directly, with a progress bar
    (kept as ``runtime.extras[key]``)."""
    component = make(runtime)
    runtime.extras[key] = component
    tool = make_tool(component)
    return {tool.name: tool}


def make_critic(runtime: Runtime, *, out_dir: Path | None = None) -> Any:
    """The critic the chat's tool and `scriptroom critique` use; reports go to ``out_dir`` (default: the data
    directory's reports/)."""
    from tools.critic.critic import Critic

    return Critic(runtime.agent.chat_model, embedder=runtime.embedder, scorer=_scene_scorer(runtime),
                  out_dir=out_dir or runtime.settings.home / "reports", writing_tier=runtime.agent.info.writing_tier)


def critic_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.critic"):
        return {}
    from tools.critic.tool import make_critic_tool

    return _panel_tool(runtime, "critic", make_critic, make_critic_tool)


def make_summarizer(runtime: Runtime) -> Any:
    from tools.summarizer.summarizer import Summarizer

    return Summarizer(runtime.agent.chat_model, embedder=runtime.embedder,
                      cache_dir=runtime.settings.home / "cache" / "summaries",
                      writing_tier=runtime.agent.info.writing_tier)


def summarizer_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.summarizer"):
        return {}
    from tools.summarizer.tool import make_summarizer_tool

    return _panel_tool(runtime, "summarizer", make_summarizer, make_summarizer_tool)


def make_styler(runtime: Runtime, *, classifier: Any = None, fluency: bool = False) -> Any:
    """Style transfer over the runtime's model, embedder and (unless `--no-library`) scene library. ``fluency``
    scores each restyle's perplexity where the model can (ModelInfo.supports_perplexity); it costs a forward pass."""
    from tools.style.transfer import StyleTransfer

    info = runtime.agent.info
    library = runtime.scene_library() if runtime.extras.get("use_library", True) else None
    perplexity = runtime.agent.chat_model.perplexity if fluency and info.supports_perplexity else None
    return StyleTransfer(runtime.agent.chat_model, library=library, embedder=runtime.embedder,
                         classifier=classifier, perplexity=perplexity, writing_tier=info.writing_tier)


def style_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.style"):
        return {}
    from tools.style.tool import make_style_tool

    tool = make_style_tool(make_styler(runtime))
    return {tool.name: tool}


def stats_tools(runtime: Runtime) -> dict[str, Any]:
    if not _available("tools.stats"):
        return {}
    from tools.stats.tool import make_stats_tool

    tool = make_stats_tool(runtime.settings.home / "reports")
    return {tool.name: tool}
