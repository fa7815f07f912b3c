"""Everything one Scriptroom process shares: settings, the loaded model, the agent. Built once at start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.loop import Agent
from agent.models.factory import build_chat_model, model_info
from agent.session import Session
from agent.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    agent: Agent

    @classmethod
    def create(cls, settings: Settings, *, chat_model: Any = None) -> "Runtime":
        model = chat_model if chat_model is not None else build_chat_model(settings)
        agent = Agent(chat_model=model, info=model_info(settings, model))
        return cls(settings=settings, agent=agent)

    def new_session(self) -> Session:
        return Session()

    def attach_draft(self, session: Session, path: str) -> None:
        """Load a draft into the session's project. A bad file raises ScriptImportError and leaves
        whatever project was open untouched."""
        from agent.project import Project

        session.project = Project.from_file(path, max_bytes=self.settings.max_upload_bytes)
