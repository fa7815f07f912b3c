"""The critic as a LangChain tool named "critique" (context injected by the loop)."""

from __future__ import annotations

from typing import Any

from tools.base import context_schema
from tools.progress import progress_stream
from tools.schemas import CritiqueArgs


def make_critic_tool(critic: Any):
    """The tool; ``metadata["stream"]`` runs it with each step reported (the chat shows them as it works)."""
    from langchain_core.tools import StructuredTool

    from tools.critic.critic import Critic

    if not isinstance(critic, Critic):
        raise TypeError(f"make_critic_tool needs a Critic, got {type(critic).__name__}")

    def critique(context: Any, act: int | None = None, scene: int | None = None,
                 scene_ref: str | None = None, focus: str | None = None, progress: Any = None):
        script = context.require_script("A critique")
        scope = context.scope_for(act=act, scene=scene, scene_ref=scene_ref)
        return critic.critique(script, focus=focus, bible=context.bible, progress=progress, scope=scope)

    def run(args: dict[str, Any], context: Any, report: Any):
        return critique(context, **args, progress=report)

    tool = StructuredTool.from_function(
        func=critique,
        name="critique",
        description=CritiqueArgs.__doc__ or "Give notes on the draft",
        args_schema=context_schema(CritiqueArgs),
        response_format="content",
    )
    tool.metadata = {"stream": progress_stream(run)}
    return tool
