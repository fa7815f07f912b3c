"""What one turn of the agent emits, in order: routing, tool steps, tokens, the answer, errors.

Kinds the generator's stream touches carry a typed payload (a dataclass per kind): ToolProgress for a step, and
OptionReady for an option the moment it is written, so a view shows options one by one from the events alone.
``data`` stays a plain dict for the kinds that have no payload class yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from tools.base import Option


class EventKind(str, Enum):
    ROUTE = "route"  # the routing decision (intent, args, layer)
    TOOL_START = "tool_start"  # a tool is about to run, with its arguments
    TOOL_PROGRESS = "tool_progress"  # a streaming tool's step: payload ToolProgress, or OptionReady for an option
    TOOL_OUTPUT = "tool_output"  # a tool finished: its ToolResult as a dict
    TOKEN = "token"  # a piece of the model's streamed answer
    ANSWER = "answer"  # the final answer of the turn (full text)
    CLARIFY = "clarify"  # a short question back to the writer instead of acting
    ERROR = "error"  # something failed; the text is meant for the writer


@dataclass(frozen=True)
class ToolProgress:
    """A step of a streaming tool: ``kind`` is tools.progress.StepKind's value ("candidate", "progress", ...)."""

    tool: str
    kind: str
    index: int = 0
    total: int = 0
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "kind": self.kind, "index": self.index, "total": self.total, "score": self.score}


@dataclass(frozen=True)
class OptionReady:
    """Option ``number`` (1-based, the order the writer sees) is written and may be shown at once."""

    tool: str
    number: int
    option: Option
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "kind": "option", "number": self.number, "score": self.score,
                "option": self.option.to_dict()}


Payload = ToolProgress | OptionReady


@dataclass
class Event:
    kind: EventKind
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    payload: Payload | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"kind": self.kind.value, "text": self.text, "data": self.data}
        if self.payload is not None:
            out["payload"] = self.payload.to_dict()
        return out
