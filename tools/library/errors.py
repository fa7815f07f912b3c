"""Errors a writer can cause with the scene library: one type, a message that says the fix."""

from __future__ import annotations

from tools.base import ToolError


class LibraryError(ToolError):
    """The library could not do what was asked (bad filter, unknown source, unreadable file...)."""


class LibraryLockedError(LibraryError):
    """Another process is writing to the same local library folder."""
