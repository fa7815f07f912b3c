"""From files on disk to scene records: which files to index, what each is called, how it is read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from screenplay.io import FORMATS_BY_EXTENSION, load
from screenplay.model import Script, normalize_character
from tools.library.errors import LibraryError
from tools.library.records import SceneRecord, scene_record, tags_from_title_page

SUPPORTED_SUFFIXES = tuple(FORMATS_BY_EXTENSION)


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source: str  # the name the library knows it by: "heist.fountain", "drafts/act1.fdx"


def find_sources(paths: Iterable[str | Path]) -> list[SourceFile]:
    """Files to index. A file is known by its name; files found in a folder by "folder/relative/path",
    so the same folder indexed from anywhere gets the same sources (and the same ids)."""
    found: list[SourceFile] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            root = path.resolve()
            for f in sorted(root.rglob("*")):
                rel = f.relative_to(root)
                if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES and not any(
                    p.startswith(".") for p in rel.parts
                ):
                    found.append(SourceFile(f, f"{root.name}/{rel.as_posix()}"))
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise LibraryError(
                    f"cannot index {path}: the library reads {', '.join(SUPPORTED_SUFFIXES)} files or folders of them"
                )
            found.append(SourceFile(path, path.name))
        else:
            raise LibraryError(f"cannot index {path}: no such file or folder")
    unique = {f.source: f for f in found}  # a folder named twice is indexed once
    return list(unique.values())


def load_script(path: Path) -> Script:
    """Any supported format (raises ScriptImportError for an unreadable draft)."""
    return load(path)


def declared_characters(title_page: Mapping[str, str]) -> list[str]:
    """Names from a title page's Characters: key ("MARLOWE (40s, tired), VERA" -> [MARLOWE, VERA])."""
    for key, value in title_page.items():
        if key.strip().lower() == "characters":
            no_notes = re.sub(r"\([^()]*\)", "", value)
            names = (normalize_character(n) for n in re.split(r"[,;\n]|\band\b", no_notes))
            return [n for n in names if n]
    return []


def script_records(script: Script, source: str, extra_tags: Mapping[str, str] | None = None) -> list[SceneRecord]:
    """One record per scene; title-page tags (Genre, Tone, Beat...) apply to every scene of the script."""
    tags = tags_from_title_page(script.title_page)
    tags.update(extra_tags or {})
    declared = declared_characters(script.title_page)
    return [
        scene_record(scene, source=source, scene_number=i, tags=tags, declared_characters=declared)
        for i, scene in enumerate(script.scenes, start=1)
    ]
