"""The writer's current project: the attached draft as a Script, its story bible, and edit history."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from screenplay import Script
from tools.base import ToolError
from screenplay.bible import StoryBible

MAX_UNDO = 50


@dataclass
class Project:
    name: str
    script: Script
    source: str = ""  # file name the draft came from
    bible: StoryBible = field(default_factory=StoryBible)
    undo_stack: list[Script] = field(default_factory=list, repr=False)

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

    def insert_scenes(self, fountain_text: str, *, after_scene: int | None = None, before_scene: int | None = None) -> list[int]:
        """Insert the scenes of a Fountain option; returns their new 1-based positions. Undoable."""
        from screenplay.formats import fountain

        new = fountain.parse(fountain_text).scenes
        if not new:
            raise ToolError("that option has no scene heading, so there is nothing to insert")
        total = len(self.script.scenes)
        if before_scene is not None:
            at = before_scene - 1
        elif after_scene is not None:
            at = after_scene
        else:
            at = total
        if not 0 <= at <= total:
            raise ToolError(f"the draft has {total} scenes: insert after a scene from 0 to {total}")
        self._checkpoint()
        self.script.scenes[at:at] = new
        return list(range(at + 1, at + 1 + len(new)))

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        self.script = self.undo_stack.pop()
        return True

    def _checkpoint(self) -> None:
        self.undo_stack.append(copy.deepcopy(self.script))
        del self.undo_stack[:-MAX_UNDO]
