"""The agent loop: one writer message in, a stream of events out (routing, tools, tokens, answer)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterator

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from agent.events import Event, EventKind
from agent.models.factory import ModelInfo
from agent.prompting import quote_data, render_prompt
from agent.session import Session


@dataclass
class Agent:
    """Holds what every session shares (model, tools, router); per-writer state lives in Session."""

    chat_model: Any
    info: ModelInfo
    tools: dict[str, Any] = field(default_factory=dict)
    router: Any = None

    def system_message(self, session: Session) -> SystemMessage:
        bible = ""
        project = session.project
        if project is not None and getattr(project, "bible", None) is not None:
            bible = quote_data("STORY BIBLE", project.bible.to_text())
        return SystemMessage(content=render_prompt("system.md", bible=bible, summary=session.summary))

    def chat_messages(self, session: Session, message: str) -> list[BaseMessage]:
        # Leave room for the reply inside the model's window.
        session.trim(max(256, self.info.context_window // 2))
        return [self.system_message(session), *session.history, HumanMessage(content=message)]

    def run(self, session: Session, message: str) -> Iterator[Event]:
        """Run one turn. Errors a tool raises are reported as events; the conversation goes on."""
        message = message.strip()
        if not message:
            yield Event(EventKind.ERROR, "Type a message, or attach a draft (.fountain, .fdx, .pdf, .docx, .txt).")
            return
        yield from self._chat(session, message)

    def _chat(self, session: Session, message: str) -> Iterator[Event]:
        started = time.perf_counter()
        pieces: list[str] = []
        for chunk in self.chat_model.stream(self.chat_messages(session, message)):
            piece = chunk.content if isinstance(chunk.content, str) else ""
            if piece:
                pieces.append(piece)
                yield Event(EventKind.TOKEN, piece)
        answer = "".join(pieces).strip()
        session.add_turn(message, answer)
        yield Event(
            EventKind.ANSWER,
            answer,
            {"model": self.info.name, "seconds": round(time.perf_counter() - started, 3)},
        )
