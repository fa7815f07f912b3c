"""The generator as two LangChain tools: generate_scenes and revise_option (follow-ups on the last options)."""

from __future__ import annotations

from typing import Annotated, Any

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


def make_generator_tool(generator: SceneGenerator) -> BaseTool:
    def generate_scenes(context: ToolContext | None = None, **args: Any) -> ToolResult:
        return generator.generate(args, context)

    return StructuredTool.from_function(
        func=generate_scenes,
        name="generate_scenes",
        description="Write N alternative scenes (complete Fountain) that fit the writer's draft and story, "
        "e.g. 'three openings for act two'.",
        args_schema=GenerateToolArgs,
    )


def make_revise_tool(generator: SceneGenerator) -> BaseTool:
    def revise_option(context: ToolContext | None = None, **args: Any) -> ToolResult:
        return generator.revise(args, context)

    return StructuredTool.from_function(
        func=revise_option,
        name="revise_option",
        description="Rework one of the last generated options: more_like (new options in its vein), "
        "edit (rewrite it by an instruction, e.g. darker) or continue (write what comes next).",
        args_schema=ReviseToolArgs,
    )
