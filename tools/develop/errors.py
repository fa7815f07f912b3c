"""The one error a writer can cause while developing a story."""

from __future__ import annotations

from tools.base import ToolError


class DevelopError(ToolError):
    """A development request that cannot be done as asked; the message says what is accepted instead."""
