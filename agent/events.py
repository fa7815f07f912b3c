"""What one turn of the agent emits, in order: routing, tool steps, tokens, the answer, errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class EventKind(str, Enum):
    ROUTE = "route"  # the routing decision (intent, args, layer)
    TOOL_START = "tool_start"  # a tool is about to run, with its arguments
    TOOL_PROGRESS = "tool_progress"  # a streaming tool's step (an option as it is written)
    TOOL_OUTPUT = "tool_output"  # a tool finished: its ToolResult as a dict
    TOKEN = "token"  # a piece of the model's streamed answer
    ANSWER = "answer"  # the final answer of the turn (full text)
    CLARIFY = "clarify"  # a short question back to the writer instead of acting
    ERROR = "error"  # something failed; the text is meant for the writer


@dataclass
class Event:
    kind: EventKind
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "text": self.text, "data": self.data}
