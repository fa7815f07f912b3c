"""The options row: the alternatives a tool wrote, shown side by side, with Use this, More like this and Discard."""

from __future__ import annotations

import html
import re
from typing import Any, Iterator

import gradio as gr

from agent.errors import RoomError
from agent.session import Session
from ui.render import fountain_html


class OptionHandlers:
    """Mixed into WritersRoom: expects ``self.room``, ``self.chat``, ``self.save`` and ``self._outputs``."""

    def options(self, session: Session | None) -> list[str]:
        """The options on offer as Fountain, for the options row (and API clients)."""
        return [o.fountain for o in self.room.options(session)]

    def pick(self, index: int, history: list[Any], session: Session) -> tuple:
        """Use option `index` (0-based): insert it into the draft and store the choice."""
        history = list(history or [])
        try:
            text = self.room.pick(session, index)
        except RoomError as exc:
            text = f"⚠️ {exc}"
        history.append(gr.ChatMessage(role="assistant", content=text))
        self.save(session, history)
        return self._outputs(history, session)

    def discard(self, index: int, session: Session) -> tuple:
        self.room.discard(session, index)
        return session, self.options(session)

    @staticmethod
    def with_streamed_options(outputs: tuple, shown: list[str] | None) -> tuple:
        """``outputs`` (history, session, options, draft; see WritersRoom._outputs) with the options row showing
        ``shown``, the options this turn has written so far, while a tool is still writing the rest."""
        if shown is None:
            return outputs
        return (*outputs[:2], list(shown), *outputs[3:])

    def more_like(self, index: int, history: list[Any], session: Session) -> Iterator[tuple]:
        yield from self.chat(f"more like option {index + 1}", list(history or []), session)


def option_html(text: str) -> str:
    # Text with no scene in it (a model's stray prose) would render as an empty page: show it as it is.
    page = fountain_html(text)
    return page if "sr-heading" in page or "sr-action" in page else f"<pre>{html.escape(text)}</pre>"


# A tool's answer shows each option's Fountain in a fenced block, after a "**Option N** · …" line of its own.
_FOUNTAIN_BLOCK = re.compile(r"\n*```fountain\n.*?```[ \t]*\n*", re.S)
_OPTION_LINE = re.compile(r"^\*\*Option \d+\*\*")


def option_line(number: int, fountain: str) -> str:
    """One option in a line, for the chat: ``Option 2: INT. DINER - NIGHT — MAYA, LEO, 14 lines`` (action and
    dialogue lines; the cues are the names)."""
    from screenplay import ElementType
    from screenplay.formats.fountain import parse

    scenes = parse(fountain).scenes
    where = "; ".join(s.heading.text for s in scenes) or "no scene heading"
    who = list(dict.fromkeys(name for s in scenes for name in s.characters))
    lines = sum(1 for s in scenes for el in s.elements if el.text.strip() and el.type is not ElementType.CHARACTER)
    return f"Option {number}: {where} — {', '.join(who) or 'no speakers'}, {lines} line{'' if lines == 1 else 's'}"


def options_answer(text: str, options: list[str]) -> str:
    """A tool's answer for the chat with a line per option in place of each one's Fountain: the options row under
    the chat shows them in full, and the chat showed every scene twice."""
    rest = [line for line in _FOUNTAIN_BLOCK.sub("\n", text).splitlines() if not _OPTION_LINE.match(line)]
    head, tail = rest[:1], [line for line in rest[1:] if line.strip()]
    listed = [f"- {option_line(i, fountain)}" for i, fountain in enumerate(options, 1)]
    return "\n".join([*head, "", *listed, "", *tail]).strip()
