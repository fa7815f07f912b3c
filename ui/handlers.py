"""What the writers' room does on each click, as plain methods that tests can call without a browser.

One class over the agent's Room facade, its handlers split by concern: the chat (ui/chat.py), the options
row (ui/options.py) and the side panels (ui/panels.py); sessions and saving live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from agent.room import Room
from agent.runtime import Runtime
from agent.session import Session
from ui.board import BoardHandlers
from ui.chat import ChatHandlers, plain
from ui.drafts import EditorHandlers
from ui.notes import NoteHandlers
from ui.options import OptionHandlers
from ui.panels import EMPTY_DRAFT, PanelHandlers
from ui.projects import ProjectHandlers
from ui.revisions import RevisionHandlers

DRAFT_TYPES = [".fountain", ".spmd", ".fdx", ".pdf", ".docx", ".txt"]
__all__ = ["DRAFT_TYPES", "EMPTY_DRAFT", "WritersRoom"]


@dataclass
class WritersRoom(ChatHandlers, OptionHandlers, PanelHandlers, EditorHandlers, RevisionHandlers,
                  ProjectHandlers, BoardHandlers, NoteHandlers):
    room: Room

    @classmethod
    def create(cls, runtime: Runtime) -> "WritersRoom":
        return cls(room=Room.create(runtime))

    @property
    def runtime(self) -> Runtime:
        return self.room.runtime

    @property
    def storage(self) -> Any:
        return self.room.storage

    def start(self, writer: str | None, request: gr.Request = None,
              profile: gr.OAuthProfile | None = None) -> tuple[str, Session, list[Any]]:
        """A new browser tab: restore the writer's latest project and chat, or start fresh.

        ``writer`` is the id the browser keeps; with login on it is ignored and the writer is the user Gradio
        verified (its login form, or Hugging Face sign-in), so naming someone's id reaches nothing of theirs.
        """
        writer = self.room.identify(user=verified_user(self.room.login.mode, request, profile), browser_id=writer)
        session, chat = self.room.open_session(writer)
        return writer, session, chat

    def save(self, session: Session, history: list[Any]) -> None:
        self.room.save(session, self.chat_record(history))

    @staticmethod
    def chat_record(history: list[Any]) -> list[dict[str, Any]]:
        return [plain(m) for m in history]

    def _outputs(self, history: list[Any], session: Session) -> tuple:
        return history, session, self.options(session), self.draft_html(session)


def verified_user(mode: str, request: gr.Request | None, profile: gr.OAuthProfile | None) -> str | None:
    """The user name the server itself vouches for under login ``mode``, never one the client sent."""
    if mode == "password":
        return getattr(request, "username", None) or None
    if mode == "hf":
        return profile.username if profile is not None else None
    return None
