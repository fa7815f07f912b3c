"""The errors a writer can cause, in one list: the CLI prints them as one line, the room turns them into RoomError.

Anything not listed is a bug and is raised, never hidden.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager
from typing import Iterator

# (module, class): imported on demand so listing them loads nothing heavy. finetune comes last and is optional:
# an install without it still reports everything else.
WRITER_ERRORS = [
    ("agent.settings", "SettingsError"),
    ("agent.models.errors", "ModelUnavailableError"),
    ("screenplay.errors", "ScriptImportError"),
    ("screenplay.errors", "ScriptExportError"),
    ("tools.base", "ToolError"),  # LibraryError is one
    ("tools.embeddings", "EmbeddingModelMissing"),
    ("agent.errors", "RoomError"),
    ("agent.accounts", "AccountError"),
    ("agent.backup", "BackupError"),
    ("finetune.errors", "FinetuneError"),
]


class RoomError(ValueError):
    """Something a writer asked of the room could not be done; the message says what was wrong and the fix."""


class NeedsDraft(RoomError):
    """The request needs an attached draft and there is none: guidance rather than a failure."""


def writer_error_types() -> tuple[type[BaseException], ...]:
    types = []
    for module, name in WRITER_ERRORS:
        try:
            types.append(getattr(importlib.import_module(module), name))
        except ModuleNotFoundError:
            continue
    return tuple(types)


@contextmanager
def writer_errors() -> Iterator[None]:
    """Turn any error a writer can cause into a RoomError carrying its one-line message."""
    try:
        yield
    except RoomError:
        raise
    except writer_error_types() as exc:
        raise RoomError(str(exc)) from None
