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
