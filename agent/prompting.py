"""The agent's prompts: package data files rendered strictly through tools.prompting."""

from __future__ import annotations

from tools.prompting import quote_data
from tools.prompting import render as _render

__all__ = ["quote_data", "render_prompt"]


def render_prompt(name: str, package: str = "agent", **variables: object) -> str:
    """Render `<package>/prompts/<name>`; an undefined variable raises."""
    return _render(name, package, **variables)
