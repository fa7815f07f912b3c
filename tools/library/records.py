"""What the library stores for one scene: a content-hash id, scalar metadata, and the text it embeds.

The embedded text is the title (when the title page gives one), the heading, the known tags (genre, tone,
beat, setting), the speakers, then action and dialogue as "NAME: line". Scenes longer than the model window are split into chunks that each repeat the
header, so every chunk says where and what it is.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from screenplay.model import ElementType, Scene, normalize_character

# Bump when the embedded text changes shape: ids change, so re-indexing re-embeds everything once.
TEXT_FORMAT_VERSION = 2

# Title-page keys copied into metadata (lower-cased key -> metadata key).
TAG_KEYS = {"genre": "genre", "tone": "tone", "beat": "beat", "setting": "setting", "title": "title"}

_EMPHASIS_RE = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")


def plain(text: str) -> str:
    """Fountain emphasis markup removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", _EMPHASIS_RE.sub("", text)).strip()


def tags_from_title_page(title_page: Mapping[str, str]) -> dict[str, str]:
    """Genre/Tone/Beat/Setting/Title from a title page, lower-cased except the title."""
    tags: dict[str, str] = {}
    for key, value in title_page.items():
        meta_key = TAG_KEYS.get(key.strip().lower())
        if meta_key and value.strip():
            value = plain(value)
            tags[meta_key] = value if meta_key == "title" else value.lower()
    return tags


@dataclass(frozen=True)
class SceneRecord:
    scene_id: str  # content hash of source, position, text and tags
    source: str
    scene_number: int  # 1-based position in its script
    heading: str
    text: str  # the scene as plain text (what a hit shows)
    header: str  # repeated at the top of every embedded chunk
    body: tuple[str, ...]  # embedded lines: action, "NAME: dialogue"
    action: tuple[str, ...] = ()  # the action lines alone (tools/library/store.py's second vector)
    metadata: dict[str, str | int] = field(default_factory=dict)


def _body_lines(scene: Scene) -> list[str]:
    lines: list[str] = []
    speaker = ""
    pending_paren = ""
    for el in scene.elements:
        text = plain(el.text)
        if el.type is ElementType.CHARACTER:
            speaker, pending_paren = el.cue_name, ""
        elif el.type is ElementType.PARENTHETICAL:
            pending_paren = text
        elif el.type in (ElementType.DIALOGUE, ElementType.LYRICS) and text:
            who = f"{speaker} {pending_paren}".strip() if speaker else pending_paren
            lines.append(f"{who}: {text}" if who else text)
            pending_paren = ""
        elif el.type in (ElementType.ACTION, ElementType.CENTERED) and text:
            speaker = ""
            lines.append(text)
    return lines


def record_header(meta: Mapping[str, Any]) -> str:
    """The header every embedded text of a scene starts with, from its stored metadata: title, heading,
    tags, speakers (so a stored scene's header can be rebuilt without its source)."""
    heading = str(meta.get("heading", ""))
    shown = [k for k in ("genre", "tone", "beat", "setting") if meta.get(k)]
    if str(meta.get("setting", "")).upper() == heading.upper():  # a setting that repeats the heading adds nothing
        shown.remove("setting")
    tag_line = ". ".join(f"{k.capitalize()}: {meta[k]}" for k in shown)
    # The title the writer gave a scene or script is a strong summary: it leads the header when known.
    lines = ([str(meta["title"])] if meta.get("title") else []) + [heading]
    if tag_line:
        lines.append(tag_line + ".")
    if meta.get("characters"):
        lines.append(f"Characters: {meta['characters']}.")
    return "\n".join(lines)


def action_text(header: str, action: Iterable[str]) -> str:
    """A scene's second embedded text: its header and its action lines, dialogue left out. A writer recalls a
    scene by what happens in it and where; a talky scene's windows are mostly its dialogue."""
    return header + "\n" + " ".join(action)


def _stored_lines(text: str, meta: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """A scene known only by its stored plain text, line by line as (kind, plain line): a line naming a
    speaker is a "cue", the line after it (and after a parenthetical, a "paren") is "dialogue", "CUT TO:" is a
    "transition", the rest "action". Exact for screenplay dialogue; a speech of several lines (verse) reads
    its later lines as action."""
    speakers = {name.strip() for name in str(meta.get("characters", "")).split(", ") if name.strip()}
    state = "action"  # or "cue" (dialogue comes next) or "spoken" (a parenthetical may bring more dialogue)
    for raw in text.split("\n")[1:]:  # the first line is the heading
        line = plain(raw)
        if not line:
            continue
        shouting = line.upper() == line and any(c.isalpha() for c in line)
        parenthetical = line.startswith("(") and line.endswith(")")
        if normalize_character(line) in speakers and (shouting or state == "action"):  # "@McCLANE" too
            state = "cue"
            yield "cue", line
        elif state == "cue":
            state = "cue" if parenthetical else "spoken"
            yield ("paren" if parenthetical else "dialogue"), line
        elif state == "spoken" and parenthetical:
            state = "cue"
            yield "paren", line
        elif shouting and line.endswith(":"):  # CUT TO:
            state = "action"
            yield "transition", line
        else:
            state = "action"
            yield "action", line


def action_lines_from_text(text: str, meta: Mapping[str, Any]) -> list[str]:
    """The action lines of a scene known only by its stored plain text (a library indexed before action texts
    existed). A speech of several lines leaks its later lines, which re-indexing the source corrects."""
    return [line for kind, line in _stored_lines(text, meta) if kind == "action"]


def body_lines_from_text(text: str, meta: Mapping[str, Any]) -> list[str]:
    """The embedded body lines (``_body_lines``) of a scene known only by its stored plain text: dialogue as
    "NAME (parenthetical): line", transitions dropped. A speech or an action of several lines comes back as
    several lines, which embed the same words."""
    lines: list[str] = []
    speaker = paren = ""
    for kind, line in _stored_lines(text, meta):
        if kind == "cue":
            speaker, paren = normalize_character(line), ""
        elif kind == "paren":
            paren = line
        elif kind == "dialogue":
            lines.append(f"{f'{speaker} {paren}'.strip()}: {line}")
            paren = ""
        elif kind == "action":
            lines.append(line)
    return lines


def scene_record(
    scene: Scene,
    *,
    source: str,
    scene_number: int,
    tags: Mapping[str, str] | None = None,
    declared_characters: list[str] | None = None,
) -> SceneRecord:
    """The record for one scene. ``tags`` come from the title page; declared characters stand in for
    speakers only when nobody speaks (a silent scene still has people in it)."""
    tags = dict(tags or {})
    heading = scene.heading
    characters = scene.characters or [c for c in (declared_characters or []) if c]
    meta: dict[str, str | int] = {
        "source": source,
        "scene_number": scene_number,
        "heading": heading.text,
        "int_ext": heading.int_ext,
        "time": heading.day_night,
        "location": heading.location,
        "characters": ", ".join(characters),
        "n_characters": len(characters),
    }
    if scene.page is not None:
        meta["page"] = int(scene.page)
    meta.update(tags)

    header = record_header(meta)
    body = tuple(_body_lines(scene))
    text = scene.text

    digest = hashlib.sha256(
        json.dumps([TEXT_FORMAT_VERSION, source, scene_number, text, sorted(meta.items())]).encode()
    ).hexdigest()[:20]
    return SceneRecord(
        scene_id=digest,
        source=source,
        scene_number=scene_number,
        heading=heading.text,
        text=text,
        header=header,
        body=body,
        action=tuple(t for el in scene.elements
                     if el.type in (ElementType.ACTION, ElementType.CENTERED) and (t := plain(el.text))),
        metadata=meta,
    )


def chunk_texts(header: str, body: tuple[str, ...] | list[str], token_counts: list[int], header_tokens: int,
                max_tokens: int) -> list[str]:
    """Pack body lines after the header into chunks of at most ``max_tokens`` tokens.

    ``token_counts`` holds each body line's token count. A single line longer than the room left is cut at
    word boundaries in proportion (token counts of words are not known one by one).
    """
    room = max(16, max_tokens - header_tokens - 1)  # -1 for the newline between header and body
    pieces: list[tuple[str, int]] = []
    for line, n in zip(body, token_counts):
        if n <= room:
            pieces.append((line, n))
            continue
        words = line.split()
        per_piece = max(1, int(len(words) * room / n * 0.9))
        for i in range(0, len(words), per_piece):
            part = words[i : i + per_piece]
            pieces.append((" ".join(part), int(n * len(part) / len(words)) + 1))

    def chunk(lines: list[str]) -> str:
        return "\n".join(([header] if header else []) + lines)

    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for line, n in pieces:
        if current and used + n + 1 > room:
            chunks.append(chunk(current))
            current, used = [], 0
        current.append(line)
        used += n + 1
    if current or not chunks:
        chunks.append(chunk(current))
    return chunks
