"""One writer's state: conversation, project, last tool results. Never shared between writers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

# Roughly four characters a token: good enough to keep a conversation inside a context window.
CHARS_PER_TOKEN = 4


@dataclass
class Session:
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    history: list[BaseMessage] = field(default_factory=list)
    # Rolling summary of turns trimmed out of `history`, one note per turn, oldest first.
    summary_notes: list[str] = field(default_factory=list)
    project: Any = None  # agent.project.Project once a draft is attached
    last_result: Any = None  # the last tools.base.ToolResult
    # The options on offer (tools.base.Option), from the last answer that wrote any; "option 2", pick and discard
    # read and change this list, never the ToolResult they came in.
    options: list[Any] = field(default_factory=list)
    options_tool: str = ""  # the tool that wrote them: an inserted restyle is stored as a "restyle" revision
    writer: str = ""  # the writer's id (a browser keeps it), which owns their stored projects
    project_id: str | None = None  # the stored project this session saves to
    temperature: float | None = None  # the writer's sampling choice; None keeps the model default
    options_count: int = 3  # how many alternatives when a request names no number
    story: Any = None  # tools.develop.Story being developed in this chat, level by level
    cursor_scene: int | None = None  # 1-based scene under the editor's cursor: what "this scene" means
    # The draft text this tab's editor last sent or was sent: the page leaves the editor alone while the draft is
    # still that, so an answer arriving as the writer types cannot overwrite what they typed since the last save.
    editor_shown: str | None = None

    def add_turn(self, user: str, assistant: str) -> None:
        self.history.append(HumanMessage(content=user))
        self.history.append(AIMessage(content=assistant))

    def trim(self, max_tokens: int) -> None:
        """Drop the oldest turns beyond `max_tokens`, folding each into the rolling summary."""
        def size(msgs: list[BaseMessage]) -> int:
            return sum(len(str(m.content)) for m in msgs) // CHARS_PER_TOKEN

        while len(self.history) > 2 and size(self.history) > max_tokens:
            user, reply = self.history[0], self.history[1]
            self.history = self.history[2:]
            self.summary_notes.append(
                f"The writer asked: {_gist(str(user.content))} You answered: {_gist(str(reply.content))}"
            )
            # The summary stays within a quarter of the budget: the oldest notes go first.
            while len(self.summary_notes) > 1 and len(self.summary) > max_tokens * CHARS_PER_TOKEN // 4:
                self.summary_notes.pop(0)

    @property
    def summary(self) -> str:
        return " ".join(self.summary_notes)


def _gist(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
