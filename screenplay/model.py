"""The one document model every Scriptroom tool works on: a Script of Scenes of Elements.

Element text keeps Fountain emphasis markup (``*italic*``, ``**bold**``, ``_underline_``) as the
canonical inline form; importers convert styled runs into it and exporters convert it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum


class ElementType(str, Enum):
    ACTION = "action"
    CHARACTER = "character"
    PARENTHETICAL = "parenthetical"
    DIALOGUE = "dialogue"
    TRANSITION = "transition"
    CENTERED = "centered"
    LYRICS = "lyrics"
    SECTION = "section"
    SYNOPSIS = "synopsis"
    NOTE = "note"
    PAGE_BREAK = "page_break"


# Extensions a cue may carry in parentheses after the name: (V.O.), (O.S.), (CONT'D)...
# "(?<!\s)" lets a match start only where a run of spaces starts: without it every position inside
# a long run of spaces rescans the rest of the run, quadratic time on a hostile line.
CUE_EXTENSION_RE = re.compile(r"(?<!\s)\s*\(([^()]*)\)")


@dataclass
class Element:
    type: ElementType
    text: str = ""
    # CHARACTER: extensions such as "V.O.", "O.S.", "CONT'D" (without parentheses).
    extensions: tuple[str, ...] = ()
    # CHARACTER: True for the second speaker of a dual-dialogue pair (Fountain's trailing ^).
    dual: bool = False
    # Written with a Fountain force marker (!, @, >, ~, .) rather than recognised by shape.
    forced: bool = False
    # SECTION: depth (number of #).
    level: int = 0

    @property
    def cue_name(self) -> str:
        """The speaker's canonical name for a CHARACTER element ("bob (v.o.)" -> "BOB")."""
        return normalize_character(self.text) if self.type is ElementType.CHARACTER else ""


@dataclass
class SceneHeading:
    text: str  # as written, without scene number markers: "INT. DINER - NIGHT"
    prefix: str = ""  # "INT.", "EXT.", "INT./EXT.", "I/E", "EST." or "" when forced/unknown
    location: str = ""  # "DINER"
    time: str = ""  # "NIGHT"
    number: str | None = None  # "12", "12A"
    forced: bool = False

    @property
    def int_ext(self) -> str:
        """Normalised INT / EXT / INT/EXT, or "" when the heading has no standard prefix."""
        p = self.prefix.upper().replace(" ", "")
        if p.startswith(("INT./EXT", "INT/EXT", "I/E", "EXT./INT", "EXT/INT", "E/I")):
            return "INT/EXT"
        if p.startswith("INT"):
            return "INT"
        if p.startswith(("EXT", "EST")):
            return "EXT"
        return ""

    @property
    def day_night(self) -> str:
        """DAY, NIGHT, or the time as written (DAWN, CONTINUOUS...); "" when absent."""
        t = self.time.upper()
        if any(w in t for w in ("NIGHT", "EVENING", "DUSK", "MIDNIGHT")):
            return "NIGHT"
        if any(w in t for w in ("DAY", "MORNING", "AFTERNOON", "NOON", "DAWN", "SUNRISE")):
            return "DAY"
        return t.strip()


HEADING_PREFIX_RE = re.compile(
    r"^(INT\.?/EXT\.?|EXT\.?/INT\.?|INT\./EXT|I/E\.?|E/I\.?|INT\.|EXT\.|EST\.|INT |EXT |EST )",
    re.IGNORECASE,
)
SCENE_NUMBER_RE = re.compile(r"(?<!\s)\s*#([\w.\-]+)#\s*$")  # (?<!\s): see CUE_EXTENSION_RE
# The time of day follows the last " - " (or "--"); locations may themselves contain dashes.
_TIME_DASH_RE = re.compile(r"(?<!\s)(?:\s+-{1,2}\s+|\s*--\s*|\s+–\s+|\s+—\s+)")
# Times of day that a heading may give after a comma instead of a dash.
COMMA_TIME_RE = re.compile(
    r"^(?:(?:EARLY |LATE |THE NEXT |NEXT |SAME |ANOTHER )?(?:DAY|NIGHT|MORNING|AFTERNOON|EVENING|DAWN|DUSK"
    r"|NOON|MIDNIGHT|SUNRISE|SUNSET|TWILIGHT)|CONTINUOUS|SAME|LATER|(?:A )?MOMENTS? LATER|SAME TIME)\b",
    re.IGNORECASE,
)


def parse_heading(text: str, *, forced: bool = False, number: str | None = None) -> SceneHeading:
    """Split a heading line into prefix, location and time ("INT. DINER - NIGHT")."""
    raw = text.strip()
    m = SCENE_NUMBER_RE.search(raw)
    if m:
        number = number or m.group(1)
        raw = raw[: m.start()].rstrip()
    prefix = ""
    rest = raw
    pm = HEADING_PREFIX_RE.match(raw)
    if pm:
        prefix = pm.group(1).strip()
        rest = raw[pm.end():].strip()
    location, time = rest, ""
    parts = _TIME_DASH_RE.split(rest)
    if len(parts) > 1:
        location, time = " - ".join(p.strip() for p in parts[:-1]), parts[-1].strip()
    elif "," in rest:
        # "INT. SAN FRANCISCO APARTMENT, DAY": a comma before a time word also marks the time.
        head, _, tail = rest.rpartition(",")
        if COMMA_TIME_RE.match(tail.strip()):
            location, time = head, tail.strip()
    return SceneHeading(
        text=raw, prefix=prefix, location=location.strip(), time=time, number=number, forced=forced
    )


def normalize_character(cue: str) -> str:
    """Canonical speaker name: extensions and ^ dropped, whitespace collapsed, upper case."""
    name = CUE_EXTENSION_RE.sub("", cue).replace("^", "").strip().lstrip("@")
    return re.sub(r"\s+", " ", name).upper()


def split_cue(cue: str) -> tuple[str, tuple[str, ...]]:
    """"BOB (V.O.) (CONT'D)" -> ("BOB", ("V.O.", "CONT'D"))."""
    exts = tuple(e.strip().upper() for e in CUE_EXTENSION_RE.findall(cue) if e.strip())
    name = CUE_EXTENSION_RE.sub("", cue).replace("^", "").strip()
    return re.sub(r"\s+", " ", name), exts


@dataclass
class Scene:
    heading: SceneHeading
    elements: list[Element] = field(default_factory=list)
    page: int | None = None  # page the scene starts on (source pagination, or computed)

    @property
    def characters(self) -> list[str]:
        """Speaking characters in order of first line."""
        seen: dict[str, None] = {}
        for el in self.elements:
            if el.type is ElementType.CHARACTER:
                seen.setdefault(el.cue_name, None)
        return list(seen)

    @property
    def text(self) -> str:
        """Plain text of the scene (heading, then elements), for embedding and prompts."""
        lines = [self.heading.text]
        for el in self.elements:
            if el.type in (ElementType.PAGE_BREAK, ElementType.NOTE, ElementType.SYNOPSIS):
                continue
            lines.append(el.text)
        return "\n".join(lines)


@dataclass
class CastMember:
    name: str
    description: str = ""


@dataclass
class Script:
    title_page: dict[str, str] = field(default_factory=dict)  # key -> value (multi-line with \n)
    preamble: list[Element] = field(default_factory=list)  # before the first scene heading
    scenes: list[Scene] = field(default_factory=list)
    cast: list[CastMember] = field(default_factory=list)  # declared cast list (FDX), if any
    source_format: str = ""  # "fountain", "fdx", "pdf", "docx", "text"

    @property
    def title(self) -> str:
        for key, value in self.title_page.items():
            if key.lower() == "title":
                return re.sub(r"[*_]", "", value).strip().replace("\n", " ")
        return ""

    @property
    def characters(self) -> list[str]:
        """Speaking characters across the script, in order of first line."""
        seen: dict[str, None] = {}
        for scene in self.scenes:
            for name in scene.characters:
                seen.setdefault(name, None)
        return list(seen)

    def scene(self, number: int | str) -> Scene:
        """A scene by its own number when it has one, else by 1-based position."""
        key = str(number)
        for s in self.scenes:
            if s.heading.number == key:
                return s
        idx = int(number) - 1
        if 0 <= idx < len(self.scenes):
            return self.scenes[idx]
        raise IndexError(f"no scene {number}: this script has {len(self.scenes)} scenes")
