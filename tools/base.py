"""The contract between the agent loop and every writer tool: typed result, one error type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ToolError(ValueError):
    """A tool could not do what the writer asked (no draft loaded, no scene 40...).

    The message is shown to the writer as is, so it says what was wrong and what to do instead.
    """


@dataclass
class ToolResult:
    tool: str  # the tool's name, e.g. "similar_scenes"
    summary: str  # Markdown answer shown to the writer
    data: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable payload (CLI --json, UI)
    options: list[str] = field(default_factory=list)  # alternatives the writer can pick from (Fountain)
    prompt: str | None = None  # the exact prompt sent to the model, when one was used

    def __str__(self) -> str:  # what a tool-calling model sees as the tool's output
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "summary": self.summary,
            "data": self.data,
            "options": list(self.options),
            "prompt": self.prompt,
        }


def context_schema(args_model: type) -> type:
    """`args_model` plus an injected `context: ToolContext` argument.

    LangChain's InjectedToolArg keeps `context` out of the schema a tool-calling model sees, so the
    loop supplies the writer's project and a model can never forge it.
    """
    from typing import Annotated

    from langchain_core.tools import InjectedToolArg
    from pydantic import ConfigDict

    from tools.context import ToolContext

    return type(
        args_model.__name__ + "WithContext",
        (args_model,),
        {
            "__annotations__": {"context": Annotated[ToolContext, InjectedToolArg]},
            "model_config": ConfigDict(**{**args_model.model_config, "arbitrary_types_allowed": True}),
            "__doc__": args_model.__doc__,
        },
    )
