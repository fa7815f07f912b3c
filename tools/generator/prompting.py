"""The generator's prompt files (tools/generator/prompts), through the shared strict renderer and data
delimiters of tools/prompting.py; finetune/data.py renders the same files, so training and use match."""

from __future__ import annotations

from tools.prompting import defuse, quote_data
from tools.prompting import render as _render

__all__ = ["defuse", "quote_data", "render"]


def render(name: str, **variables: object) -> str:
    """Render ``tools/generator/prompts/<name>``; a variable the template uses but is not given raises."""
    return _render(name, "tools.generator", **variables)
