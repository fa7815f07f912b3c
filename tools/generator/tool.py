"""The generator as two LangChain tools: generate_scenes and revise_option (follow-ups on the last options)."""

from __future__ import annotations

from typing import Annotated, Any, Callable

from langchain_core.tools import BaseTool, InjectedToolArg, StructuredTool
from pydantic import ConfigDict, SkipValidation

from tools.base import ToolResult
from tools.context import ToolContext
from tools.generator.generator import SceneGenerator
from tools.schemas import GenerationRequest, ReviseArgs

_INJECTED = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class GenerateToolArgs(GenerationRequest):
    model_config = _INJECTED
    # Passed by the agent loop at invoke time; absent from the schema a model sees.
    context: Annotated[ToolContext | None, InjectedToolArg, SkipValidation()] = None


class ReviseToolArgs(ReviseArgs):
    model_config = _INJECTED
    context: Annotated[ToolContext | None, InjectedToolArg, SkipValidation()] = None


def _tool(name: str, description: str, run: Callable[..., ToolResult], args_schema: type) -> BaseTool:
    """``run(args, context)`` as a LangChain tool."""

    def call(context: ToolContext | None = None, **args: Any) -> ToolResult:
        return run(args, context)

    return StructuredTool.from_function(func=call, name=name, description=description, args_schema=args_schema)


def make_generator_tool(generator: SceneGenerator) -> BaseTool:
    return _tool("generate_scenes", "Write N alternative scenes (complete Fountain) that fit the writer's draft and "
                 "story, e.g. 'three openings for act two'.", generator.generate, GenerateToolArgs)


def make_revise_tool(generator: SceneGenerator) -> BaseTool:
    return _tool("revise_option", "Rework one of the last generated options: more_like (new options in its vein), "
                 "edit (rewrite it by an instruction, e.g. darker) or continue (write what comes next).",
                 generator.revise, ReviseToolArgs)
