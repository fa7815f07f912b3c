"""The side panels: the formatted draft, the story bible, export and the library search."""

from __future__ import annotations

from typing import Any

import gradio as gr

from agent.errors import RoomError
from agent.session import Session
from screenplay.bible import StoryBible
from screenplay.errors import ACCEPTED

EMPTY_DRAFT = f"<p><i>No draft yet. Type one in the editor, or attach one with the 📎 button: {ACCEPTED}.</i></p>"


class PanelHandlers:
    """Mixed into WritersRoom: expects ``self.room`` and ``self.save``."""

    def draft_html(self, session: Session | None) -> str:
        script = self.room.script(session)
        return EMPTY_DRAFT if script is None else self.page(session)

    def bible_fields(self, session: Session | None) -> tuple[str, str, str, str]:
        b = self.room.bible(session)
        if b is None:
            return "", "", "", ""
        characters = "\n".join(f"{k}: {v}" if v else k for k, v in b.characters.items())
        return b.logline, b.tone, characters, ", ".join(b.locations)

    def save_bible(self, logline: str, tone: str, characters: str, locations: str, session: Session,
                   history: list[Any]) -> str:
        current = self.room.bible(session)
        chars: dict[str, str] = {}
        for line in characters.splitlines():
            name, _, desc = line.partition(":")
            if name.strip():
                chars[name.strip().upper()] = desc.strip()
        bible = StoryBible(
            title=current.title if current is not None else "",
            logline=logline.strip(),
            characters=chars,
            locations=[x.strip() for x in locations.split(",") if x.strip()],
            tone=tone.strip(),
        )
        try:
            self.room.save_bible(session, bible, self.chat_record(history))
        except RoomError as exc:
            return str(exc)
        return "Story bible saved."

    def export(self, fmt: str, session: Session | None) -> str:
        """Write the draft as fountain, fdx or pdf to a download file; returns its path."""
        try:
            return str(self.room.export(session, fmt))
        except RoomError as exc:
            raise gr.Error(str(exc)) from None

    def search_library(self, query: str, genre: str, int_ext: str, k: float) -> str:
        if not query.strip():
            return "Type what the scenes should be like."
        where = {key: value for key, value in (("genre", genre), ("int_ext", int_ext)) if value and value != "any"}
        try:
            hits = self.room.search_library(query, where=where, k=int(k))
        except RoomError as exc:
            return f"⚠️ {exc}"
        if not hits:
            return "No scenes matched."
        blocks = []
        for hit in hits:
            excerpt = hit.text[:400].replace("\n", "  \n")
            blocks.append(f"**{hit.heading}** — {hit.source} · score {hit.score:.2f}\n\n{excerpt}")
        return "\n\n---\n\n".join(blocks)
