"""The writer's current project: the attached draft as a Script, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screenplay import Script


@dataclass
class Project:
    name: str
    script: Script
    source: str = ""  # file name the draft came from
    bible: Any = None  # agent.bible.StoryBible once extracted

    @classmethod
    def from_file(cls, path: str | Path, *, max_bytes: int) -> "Project":
        from screenplay.io import load

        p = Path(path)
        script = load(p, max_bytes=max_bytes)
        return cls(name=script.title or p.stem, script=script, source=p.name)

    @classmethod
    def from_bytes(cls, data: bytes, filename: str, *, max_bytes: int) -> "Project":
        from screenplay.io import loads

        script = loads(data, filename, max_bytes=max_bytes)
        return cls(name=script.title or Path(filename).stem, script=script, source=filename)
