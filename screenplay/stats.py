"""Afterwriting-style statistics: page count by the standard layout, scene lengths in eighths, who speaks how much.

Pages are estimated as a US Letter Courier 12 pt page would print them: 55 lines a page, each element
wrapped to its standard column width, one blank line between elements, headings kept with what follows,
speeches split across pages with (MORE) / (CONT'D).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from screenplay.model import Element, ElementType, Scene, Script
from screenplay.record import Record

ET = ElementType

LINES_PER_PAGE = 55
# Characters per line of each element on a standard page (afterwriting's print profile).
WIDTH = {
    ET.ACTION: 61,
    ET.TRANSITION: 61,
    ET.CENTERED: 61,
    ET.CHARACTER: 38,
    ET.DIALOGUE: 35,
    ET.LYRICS: 35,
    ET.PARENTHETICAL: 26,
}
HEADING_WIDTH = 61
# Elements that take no room on the printed page.
UNPRINTED = (ET.NOTE, ET.SECTION, ET.SYNOPSIS)

_MARKUP_RE = re.compile(r"[*_\\]")
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def eighths_text(eighths: int) -> str:
    """Eighths of a page as a writer says them: "1 3/8", "5/8", "2"."""
    whole, rest = divmod(eighths, 8)
    if not rest:
        return str(whole)
    return f"{whole} {rest}/8" if whole else f"{rest}/8"


@dataclass
class SceneStats:
    number: str  # the scene's own number, else its 1-based position
    heading: str
    page: int  # page the heading prints on
    eighths: int  # length in eighths of a page (at least 1)
    characters: list[str]
    int_ext: str  # INT, EXT, INT/EXT or OTHER
    day_night: str  # DAY, NIGHT or OTHER
    location: str

    @property
    def length(self) -> str:
        return eighths_text(self.eighths)

    def to_dict(self) -> dict:
        return {**asdict(self), "length": self.length}


@dataclass
class CharacterStats(Record):
    name: str
    lines: int = 0  # speeches: how many times the character has a cue
    words: int = 0  # words of dialogue
    scenes: list[str] = field(default_factory=list)  # scene numbers the character speaks in


@dataclass
class ScriptStats:
    title: str
    pages: int
    scenes: list[SceneStats]
    characters: list[CharacterStats]  # most lines first
    int_ext: dict[str, int]
    day_night: dict[str, int]
    locations: dict[str, int]  # location -> number of scenes, most used first
    speeches: int
    dialogue_words: int
    action_words: int

    @property
    def dialogue_action_ratio(self) -> float:
        """Words of dialogue per word of action (0 when there is no action)."""
        return round(self.dialogue_words / self.action_words, 3) if self.action_words else 0.0

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "pages": self.pages,
            "scene_count": len(self.scenes),
            "scenes": [s.to_dict() for s in self.scenes],
            "characters": [c.to_dict() for c in self.characters],
            "int_ext": dict(self.int_ext),
            "day_night": dict(self.day_night),
            "locations": dict(self.locations),
            "speeches": self.speeches,
            "dialogue_words": self.dialogue_words,
            "action_words": self.action_words,
            "dialogue_action_ratio": self.dialogue_action_ratio,
        }


def count_words(text: str) -> int:
    return len(_WORD_RE.findall(text))


def wrapped_lines(text: str, width: int) -> int:
    """How many printed lines text takes when word-wrapped to width characters."""
    total = 0
    for line in _MARKUP_RE.sub("", text).split("\n"):
        n = len(line)
        if n <= width:
            total += 1
            continue
        count, used = 1, 0
        for word in line.split():
            w = len(word)
            while w > width:  # a word longer than the column breaks where it must
                if used:
                    count += 1
                w -= width
                used = 0
                count += 1 if w else 0
            if used == 0:
                used = w
            elif used + 1 + w <= width:
                used += 1 + w
            else:
                count += 1
                used = w
        total += count
    return total


@dataclass
class _Block:
    """Lines that print together: one element, or a cue with its whole speech."""

    lines: int
    kind: str  # "heading", "speech", "action", "other", "break"
    scene: int | None = None  # index of the scene a heading starts


def _blocks(elements: list[Element]) -> list[_Block]:
    out: list[_Block] = []
    i, n = 0, len(elements)
    while i < n:
        el = elements[i]
        t = el.type
        if t is ET.CHARACTER:
            lines = 1
            i += 1
            while i < n and elements[i].type in (ET.PARENTHETICAL, ET.DIALOGUE, ET.NOTE):
                sub = elements[i]
                if sub.type is not ET.NOTE:
                    lines += wrapped_lines(sub.text, WIDTH[sub.type])
                i += 1
            out.append(_Block(lines, "speech"))
            continue
        if t is ET.PAGE_BREAK:
            out.append(_Block(0, "break"))
        elif t not in UNPRINTED:
            width = WIDTH.get(t, 61)
            out.append(_Block(wrapped_lines(el.text, width), "action" if t is ET.ACTION else "other"))
        i += 1
    return out


def _paginate(script: Script) -> tuple[int, list[tuple[int, int]], int]:
    """Pages in all; for each scene (page, absolute line) where its heading prints; the last line used."""
    blocks = _blocks(script.preamble)
    for idx, scene in enumerate(script.scenes):
        blocks.append(_Block(wrapped_lines(scene.heading.text, HEADING_WIDTH), "heading", idx))
        blocks.extend(_blocks(scene.elements))

    page, used = 1, 0
    starts: list[tuple[int, int]] = [(1, 0)] * len(script.scenes)
    lpp = LINES_PER_PAGE
    for k, b in enumerate(blocks):
        if b.kind == "break":
            if used:
                page, used = page + 1, 0
            continue
        gap = 1 if used else 0
        need = b.lines
        if b.kind == "heading":
            # A heading never ends a page: it needs two lines of what follows beneath it.
            nxt = blocks[k + 1] if k + 1 < len(blocks) and blocks[k + 1].kind != "heading" else None
            if nxt is not None and nxt.kind != "break":
                need += 1 + min(2, nxt.lines)
        if used + gap + need <= lpp:
            if b.kind == "heading":
                starts[b.scene] = (page, (page - 1) * lpp + used + gap)
            used += gap + b.lines
            continue
        room = lpp - used - gap
        if b.kind == "action" and room >= 2 and b.lines - room >= 2:
            page, used = page + 1, b.lines - room
        elif b.kind == "speech" and room >= 4 and b.lines - (room - 1) >= 2:
            # The cue and some lines stay, (MORE) ends the page, the cue repeats with (CONT'D).
            page, used = page + 1, 1 + b.lines - (room - 1)
        else:
            if used:
                page += 1
            if b.kind == "heading":
                starts[b.scene] = (page, (page - 1) * lpp)
            rest = b.lines
            while rest > lpp:  # a block longer than a page simply runs on
                page, rest = page + 1, rest - lpp
            used = rest
    total = page if used or page == 1 else page - 1
    return total, starts, (page - 1) * lpp + used


def _bucket(value: str, known: tuple[str, ...]) -> str:
    return value if value in known else "OTHER"


def compute(script: Script) -> ScriptStats:
    """All statistics for a script; the script is not changed."""
    pages, starts, end_line = _paginate(script)
    scenes: list[SceneStats] = []
    chars: dict[str, CharacterStats] = {}
    int_ext: dict[str, int] = {}
    day_night: dict[str, int] = {}
    locations: dict[str, int] = {}
    speeches = dialogue_words = action_words = 0

    def tally(elements: list[Element], label: str | None) -> None:
        nonlocal speeches, dialogue_words, action_words
        speaker: CharacterStats | None = None
        for el in elements:
            t = el.type
            if t is ET.CHARACTER:
                name = el.cue_name
                speaker = chars.get(name) or chars.setdefault(name, CharacterStats(name))
                speaker.lines += 1
                speeches += 1
                if label is not None and (not speaker.scenes or speaker.scenes[-1] != label):
                    speaker.scenes.append(label)
            elif t is ET.DIALOGUE:
                words = count_words(el.text)
                dialogue_words += words
                if speaker is not None:
                    speaker.words += words
            elif t is ET.ACTION:
                action_words += count_words(el.text)
                speaker = None
            elif t is not ET.PARENTHETICAL and t is not ET.NOTE:
                speaker = None

    tally(script.preamble, None)
    for idx, scene in enumerate(script.scenes):
        label = scene.heading.number or str(idx + 1)
        tally(scene.elements, label)
        page, line = starts[idx]
        next_line = starts[idx + 1][1] if idx + 1 < len(script.scenes) else end_line
        eighths = max(1, round((next_line - line) * 8 / LINES_PER_PAGE))
        h = scene.heading
        ie = _bucket(h.int_ext, ("INT", "EXT", "INT/EXT"))
        dn = _bucket(h.day_night, ("DAY", "NIGHT"))
        int_ext[ie] = int_ext.get(ie, 0) + 1
        day_night[dn] = day_night.get(dn, 0) + 1
        location = _location(scene)
        locations[location] = locations.get(location, 0) + 1
        scenes.append(SceneStats(label, h.text, page, eighths, scene.characters, ie, dn, location))

    return ScriptStats(
        title=script.title,
        pages=pages,
        scenes=scenes,
        characters=sorted(chars.values(), key=lambda c: (-c.lines, c.name)),
        int_ext=int_ext,
        day_night=day_night,
        locations=dict(sorted(locations.items(), key=lambda kv: (-kv[1], kv[0]))),
        speeches=speeches,
        dialogue_words=dialogue_words,
        action_words=action_words,
    )


def _location(scene: Scene) -> str:
    loc = scene.heading.location or scene.heading.text
    return re.sub(r"\s+", " ", _MARKUP_RE.sub("", loc)).strip().upper()
