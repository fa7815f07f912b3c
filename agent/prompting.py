"""The agent's prompts: package data files rendered strictly through tools.prompting."""

from __future__ import annotations

from typing import Any

from tools.prompting import quote_data
from tools.prompting import render as _render

__all__ = ["bible_brief", "quote_data", "render_prompt"]

# The chat's system prompt is prefilled before every first token: the bible goes in short.
BRIEF_CHARACTERS = 6
BRIEF_LOCATIONS = 5
BRIEF_DESCRIPTION = 60


def render_prompt(name: str, package: str = "agent", **variables: object) -> str:
    """Render `<package>/prompts/<name>`; an undefined variable raises."""
    return _render(name, package, **variables)


def bible_brief(bible: Any) -> str:
    """The story bible in a few lines (title, logline, the leading characters, the main places) for the chat."""
    lines = [f"Title: {bible.title}"] if bible.title else []
    if bible.logline:
        lines.append(f"Logline: {bible.logline}")
    for name, desc in list(bible.characters.items())[:BRIEF_CHARACTERS]:
        desc = desc if len(desc) <= BRIEF_DESCRIPTION else desc[: BRIEF_DESCRIPTION - 1] + "…"
        lines.append(f"- {name}: {desc}" if desc else f"- {name}")
    if bible.locations:
        lines.append("Places: " + ", ".join(bible.locations[:BRIEF_LOCATIONS]))
    return "\n".join(lines)
