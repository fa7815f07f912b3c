"""The summarizer's prompts, rendered with the shared strict renderer (tools.prompting)."""

from __future__ import annotations

from tools.prompting import defuse, environment, quote_data
from tools.prompting import render as _render

__all__ = ["defuse", "environment", "quote_data", "render"]


def render(name: str, package: str = "tools.summarizer", **variables: object) -> str:
    return _render(name, package, **variables)
