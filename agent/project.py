"""The writer's current project: the attached draft as a Script, its story bible, and edit history.

A stored project's history is its revisions (agent.workspace): every save with a changed script is a revision with
the cause of the change, and undo goes through them, so it survives a restart. A project not stored yet (a visitor
who has not signed in) keeps an in-memory undo stack instead.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screenplay import Script
from tools.base import Option, ToolError
from screenplay.bible import StoryBible

MAX_UNDO = 50
RESTYLE_TOOLS = ("style_transfer",)  # options from these are the draft's own scenes in another voice


def option_cause(tool: str) -> str:
    """The revision cause of inserting an option written by ``tool``."""
    return "restyle" if tool in RESTYLE_TOOLS else "option"


def inserted(number: int, positions: list[int], where: str) -> str:
    """What the writer is told after "Use this": which scenes the option became, and where that is."""
    scenes = f"scene {positions[0]}" if len(positions) == 1 else f"scenes {positions[0]}–{positions[-1]}"
    place = f"at {where}" if where.startswith("the ") else where
    return f"Inserted option {number} as {scenes}, {place}. Say /undo to take it back."


@dataclass
class Project:
    name: str
    script: Script
    source: str = ""  # file name the draft came from
    bible: StoryBible = field(default_factory=StoryBible)
    undo_stack: list[Script] = field(default_factory=list, repr=False)
    cause: str = "import"  # why the script last changed: the cause of the revision the next save makes
    # agent.workspace.history.StoredHistory once the project is stored: undo and redo go through revisions.
    history: Any = field(default=None, repr=False)
    stored_text: str | None = field(default=None, repr=False)  # the script as last stored, rendered
    stored_source: str | None = field(default=None, repr=False)  # a stored revision's text, rendered when needed

    @property
    def library_source(self) -> str:
        """The source this draft's scenes have in the scene library once added there."""
        return self.source or self.name

    def pending_text(self) -> str | None:
        """The script as Fountain when it changed since it was last stored (or was never stored), else None."""
        from screenplay.formats import fountain

        if self.stored_text is None and self.stored_source is not None:
            # Rendered here, not when the revision was loaded: the editor's typing loads one every pause.
            self.stored_text = fountain.render(fountain.parse(self.stored_source))
        text = fountain.render(self.script)
        return None if text == self.stored_text else text

    def mark_stored(self, text: str) -> None:
        self.stored_text, self.stored_source, self.cause = text, None, "save"

    def load_text(self, text: str) -> None:
        """The script becomes ``text`` (a stored revision's): nothing is pending."""
        from screenplay.formats import fountain

        self.script = fountain.parse(text)
        self.stored_text, self.stored_source, self.cause = None, text, "save"

    @classmethod
    def from_script(cls, script: Script, name: str, source: str = "") -> "Project":
        from screenplay.bible import extract_bible

        return cls(name=name, script=script, source=source, bible=extract_bible(script))

    @classmethod
    def from_file(cls, path: str | Path, *, max_bytes: int) -> "Project":
        from screenplay.io import load

        p = Path(path)
        script = load(p, max_bytes=max_bytes)
        return cls.from_script(script, name=script.title or p.stem, source=p.name)

    @classmethod
    def from_bytes(cls, data: bytes, filename: str, *, max_bytes: int) -> "Project":
        from screenplay.io import loads

        script = loads(data, filename, max_bytes=max_bytes)
        return cls.from_script(script, name=script.title or Path(filename).stem, source=filename)

    def insert_option(self, option: Option, *, after_scene: int | None = None,
                      before_scene: int | None = None, cause: str = "option") -> tuple[list[int], str]:
        """Insert an option's scenes where the writer says, else where it was written for (its Scope), else at the
        end; returns their new 1-based positions and where that is in words. Undoable."""
        if not option.scenes:
            raise ToolError("that option has no scene heading, so there is nothing to insert")
        total = len(self.script.scenes)
        if before_scene is not None:
            at, where = before_scene - 1, f"before scene {before_scene}"
        elif after_scene is not None:
            at, where = after_scene, f"after scene {after_scene}"
        elif option.scope is not None:
            # The draft may have changed since the option was written; past its end is its end.
            at, where = min(option.scope.insert_at, total), option.scope.where
        else:
            at, where = total, "after the last scene"
        if not 0 <= at <= total:
            raise ToolError(f"the draft has {total} scenes: insert after a scene from 0 to {total}")
        self._checkpoint()
        self.script.scenes[at:at] = copy.deepcopy(option.scenes)
        self.cause = cause
        return list(range(at + 1, at + 1 + len(option.scenes))), where

    def undo(self) -> bool:
        if self.history is not None:
            return self.history.step(self, "undo")
        if not self.undo_stack:
            return False
        self.script = self.undo_stack.pop()
        return True

    def redo(self) -> bool:
        """Only a stored project can redo (its revisions remember what was undone)."""
        return self.history is not None and self.history.step(self, "redo")

    def _checkpoint(self) -> None:
        if self.history is not None:
            return  # the stored revisions are the history
        self.undo_stack.append(copy.deepcopy(self.script))
        del self.undo_stack[:-MAX_UNDO]
