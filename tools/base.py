"""The contract between the agent loop and every writer tool: typed result, one error type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Real imports, not type-checking ones: pydantic reads these annotations when ToolContext rides in a tool call.
from screenplay.model import Scene
from screenplay.scope import Scope


class ToolError(ValueError):
    """A tool could not do what the writer asked (no draft loaded, no scene 40...).

    The message is shown to the writer as is, so it says what was wrong and what to do instead.
    """


@dataclass
class Option:
    """One alternative a tool wrote, parsed once where it was made: its scenes, their Fountain, the prompt behind it,
    its score and repairs, and the Scope it was written for (where "Use this" puts it)."""

    fountain: str
    scenes: list[Scene]
    prompt: str | None = None
    score: float | None = None
    repairs: list[str] = field(default_factory=list)
    scope: Scope | None = None

    @classmethod
    def of(cls, fountain: str, **details: Any) -> "Option":
        from screenplay.formats.fountain import parse

        return cls(fountain=fountain, scenes=parse(fountain).scenes, **details)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fountain": self.fountain,
            "headings": [s.heading.text for s in self.scenes],
            "score": self.score,
            "repairs": list(self.repairs),
            "written_for": self.scope.label if self.scope is not None else None,
            "goes": self.scope.where if self.scope is not None else None,
        }


def pick_option(options: list[Option], number: int) -> Option:
    """Option ``number`` (1-based) of the last answer, or ToolError naming what exists."""
    if not options:
        raise ToolError(
            "there are no options to work from yet: ask for scenes first, e.g. 'give me three openings for act two'."
        )
    if not 1 <= number <= len(options):
        plural = "option" if len(options) == 1 else "options"
        raise ToolError(
            f"there is no option {number}: the last answer has {len(options)} {plural} (1 to {len(options)})."
        )
    return options[number - 1]


@dataclass
class ToolResult:
    tool: str  # the tool's name, e.g. "similar_scenes"
    summary: str  # Markdown answer shown to the writer
    data: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable payload (CLI --json, UI)
    options: list[Option] = field(default_factory=list)  # alternatives the writer can pick from
    prompt: str | None = None  # the exact prompt sent to the model, when one was used

    def __str__(self) -> str:  # what a tool-calling model sees as the tool's output
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "summary": self.summary,
            "data": self.data,
            "options": [o.fountain for o in self.options],
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
