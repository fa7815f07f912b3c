"""The story-development ladder as small typed records (Dramatron's shape): logline, title, character, beat,
scene card, scene draft, and the Story that holds them.

Every generated record keeps the exact prompt that made it (``prompt``; empty when the program or the writer
wrote it) and a ``stale`` reason once something it was made from has changed. Each has ``to_string`` (what a
writer reads and edits) and ``from_string`` (the writer's edit read back).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from itertools import groupby
from typing import Any

from tools.develop.errors import DevelopError

STRUCTURES = ("three-act", "save-the-cat", "sequences")
LEVELS = ("title", "characters", "beats", "cards", "drafts")
# Who wrote a record: the model, the program (scaffold or fallback), or the writer (an edit).
SOURCES = ("model", "program", "writer")
TIMES = ("DAY", "NIGHT", "MORNING", "EVENING", "DAWN")

_FIELD_RE = re.compile(r"^\s*(?P<key>[A-Za-z ]{2,12})\s*:\s*(?P<value>.*)$")


def fields_of(text: str) -> dict[str, str]:
    """"Want: the gold" lines -> {"want": "the gold"}; lines without a key continue the previous value."""
    found: dict[str, str] = {}
    key = ""
    for line in text.strip().splitlines():
        m = _FIELD_RE.match(line)
        if m and m.group("key").strip().lower() in _KNOWN_KEYS:
            key = m.group("key").strip().lower()
            found[key] = m.group("value").strip()
        elif key and line.strip():
            found[key] = (found[key] + " " + line.strip()).strip()
    return found


_KNOWN_KEYS = {"name", "description", "want", "flaw", "beat", "place", "time", "who", "what", "title", "logline"}


def one_line(text: str) -> str:
    return " ".join(str(text).split())


@dataclass
class Logline:
    text: str

    def __post_init__(self) -> None:
        self.text = one_line(self.text)
        if len(self.text) < 8:
            raise DevelopError(
                "a logline is one sentence of at least a few words, e.g. 'A disgraced monk plans a heist on his "
                "own monastery to save it from closure.'"
            )

    def to_string(self) -> str:
        return self.text

    @classmethod
    def from_string(cls, text: str) -> "Logline":
        return cls(text)


@dataclass
class Title:
    text: str
    prompt: str = ""
    source: str = "model"
    stale: str = ""

    def to_string(self) -> str:
        return self.text

    @classmethod
    def from_string(cls, text: str) -> "Title":
        text = one_line(text).strip("\"'*# ")
        if not text:
            raise DevelopError("a title cannot be empty: write a few words, e.g. 'Vespers'.")
        return cls(text, source="writer")


@dataclass
class Character:
    name: str  # upper case, as the cue is written
    description: str
    want: str
    flaw: str
    role: str = ""  # protagonist, antagonist, ally... (the slot it was made for)
    prompt: str = ""
    source: str = "model"
    stale: str = ""

    def __post_init__(self) -> None:
        self.name = normalize_name(self.name)

    def to_string(self) -> str:
        return f"Name: {self.name}\nDescription: {self.description}\nWant: {self.want}\nFlaw: {self.flaw}"

    @classmethod
    def from_string(cls, text: str, *, role: str = "") -> "Character":
        f = fields_of(text)
        missing = [k for k in ("name", "description", "want", "flaw") if not f.get(k)]
        if missing:
            raise DevelopError(
                f"a character needs {', '.join(missing)}: write it as lines 'Name: ...', 'Description: ...', "
                "'Want: ...', 'Flaw: ...'."
            )
        return cls(f["name"], f["description"], f["want"], f["flaw"], role=role, source="writer")


@dataclass
class Beat:
    id: str  # "b3"
    name: str  # "Midpoint", "Catalyst", "Sequence 2"
    act: int
    text: str  # what happens at this beat in this story
    purpose: str = ""  # what the beat does in the structure (from the template)
    prompt: str = ""
    source: str = "model"
    stale: str = ""

    def to_string(self) -> str:
        return f"{self.name} (act {self.act}): {self.text}"

    @classmethod
    def from_string(cls, text: str, *, like: "Beat") -> "Beat":
        """The writer's new wording of beat ``like``; "Name (act N):" in front is optional."""
        body = re.sub(r"^\s*[^:\n]{1,40}\(act \d+\)\s*:\s*", "", text.strip())
        body = one_line(body)
        if not body:
            raise DevelopError(f"beat {like.name!r} needs a sentence saying what happens.")
        return cls(like.id, like.name, like.act, body, like.purpose, source="writer")


@dataclass
class SceneCard:
    id: str  # "k4"
    beat: str  # id of the beat it serves
    place: str  # "MONASTERY CELLAR"
    time: str  # "NIGHT"
    who: list[str]  # character names, upper case
    what: str  # what happens
    interior: bool = True
    prompt: str = ""
    source: str = "model"
    stale: str = ""

    def __post_init__(self) -> None:
        self.place = normalize_place(self.place)
        self.time = one_line(self.time).upper() or "DAY"
        self.who = list(dict.fromkeys(normalize_name(w) for w in self.who if w.strip()))

    @property
    def heading(self) -> str:
        return f"{'INT.' if self.interior else 'EXT.'} {self.place} - {self.time}"

    def to_string(self) -> str:
        return (f"Place: {self.place}\nTime: {self.time}\nWho: {', '.join(self.who)}\nWhat: {self.what}\n"
                f"Beat: {self.beat}")

    @classmethod
    def from_string(cls, text: str, *, like: "SceneCard") -> "SceneCard":
        f = fields_of(text)
        who = [w for w in re.split(r",|\band\b", f.get("who", "")) if w.strip()] or list(like.who)
        card = cls(like.id, f.get("beat", like.beat) or like.beat, f.get("place", like.place) or like.place,
                   f.get("time", like.time) or like.time, who, one_line(f.get("what", like.what)) or like.what,
                   interior=like.interior if not f.get("place") else not _outdoors(f["place"]), source="writer")
        if not card.place or not card.what:
            raise DevelopError("a card needs 'Place: ...' and 'What: ...' lines.")
        return card


@dataclass
class SceneDraft:
    card: str  # id of its card
    fountain: str  # one complete Fountain scene
    prompt: str = ""
    score: float = 0.0
    repairs: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)  # the other options written for the same card
    source: str = "model"
    stale: str = ""

    def to_string(self) -> str:
        return self.fountain


@dataclass
class Story:
    """Everything developed so far for one logline; levels fill in order (title, characters, beats, cards, drafts)."""

    logline: Logline
    structure: str = "three-act"
    tier: str = "scaffold"
    title: Title | None = None
    characters: list[Character] = field(default_factory=list)
    beats: list[Beat] = field(default_factory=list)
    cards: list[SceneCard] = field(default_factory=list)
    drafts: dict[str, SceneDraft] = field(default_factory=dict)  # card id -> draft
    approved: list[str] = field(default_factory=list)  # levels the writer has approved
    genre: str = ""

    def __post_init__(self) -> None:
        if self.structure not in STRUCTURES:
            raise DevelopError(f"unknown structure {self.structure!r}; use one of: {', '.join(STRUCTURES)}.")

    # ---- lookups --------------------------------------------------------------------------------------
    def character(self, name: str) -> Character:
        found = match_name(name, self.names)
        if found:
            return self.characters[self.names.index(found)]
        raise DevelopError(f"there is no character {name!r}; the cast is: {', '.join(self.names) or 'none yet'}.")

    def beat(self, ref: str | int) -> Beat:
        return _find(self.beats, ref, "beat", lambda b: b.name)

    def card(self, ref: str | int) -> SceneCard:
        return _find(self.cards, ref, "card", lambda c: c.place)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.characters]

    @property
    def places(self) -> list[str]:
        return list(dict.fromkeys(c.place for c in self.cards))

    def cards_of(self, beat_id: str) -> list[SceneCard]:
        return [c for c in self.cards if c.beat == beat_id]

    def acts(self) -> list[tuple[int, list[Beat]]]:
        """The beats grouped by act, in story order."""
        return [(act, list(beats)) for act, beats in groupby(self.beats, key=lambda b: b.act)]

    def level(self) -> str:
        """The next level to write: the first one still empty, or "done"."""
        if self.title is None:
            return "title"
        if not self.characters:
            return "characters"
        if not self.beats:
            return "beats"
        if not self.cards:
            return "cards"
        if any(c.id not in self.drafts for c in self.cards):
            return "drafts"
        return "done"

    def stale_items(self) -> list[tuple[str, str, str]]:
        """(level, id, reason) of everything marked stale, top level first."""
        out: list[tuple[str, str, str]] = []
        if self.title is not None and self.title.stale:
            out.append(("title", "title", self.title.stale))
        out += [("characters", c.name, c.stale) for c in self.characters if c.stale]
        out += [("beats", b.id, b.stale) for b in self.beats if b.stale]
        out += [("cards", c.id, c.stale) for c in self.cards if c.stale]
        out += [("drafts", d.card, d.stale) for d in self.drafts.values() if d.stale]
        return out

    # ---- serialisation --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "logline": self.logline.text, "structure": self.structure, "tier": self.tier, "genre": self.genre,
            "title": asdict(self.title) if self.title else None,
            "characters": [asdict(c) for c in self.characters],
            "beats": [asdict(b) for b in self.beats],
            "cards": [asdict(c) for c in self.cards],
            "drafts": {k: asdict(d) for k, d in self.drafts.items()},
            "approved": list(self.approved),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Story":
        return cls(
            logline=Logline(data["logline"]), structure=data.get("structure", "three-act"),
            tier=data.get("tier", "scaffold"), genre=data.get("genre", ""),
            title=_build(Title, data["title"]) if data.get("title") else None,
            characters=[_build(Character, c) for c in data.get("characters", [])],
            beats=[_build(Beat, b) for b in data.get("beats", [])],
            cards=[_build(SceneCard, c) for c in data.get("cards", [])],
            drafts={k: _build(SceneDraft, d) for k, d in data.get("drafts", {}).items()},
            approved=list(data.get("approved", [])),
        )

    def outline_text(self) -> str:
        """The outline as a writer reads it: beats with their cards."""
        lines = []
        for beat in self.beats:
            lines.append(f"{beat.to_string()}" + (f"  [stale: {beat.stale}]" if beat.stale else ""))
            for card in self.cards_of(beat.id):
                mark = f"  [stale: {card.stale}]" if card.stale else ""
                lines.append(f"  - {card.id}: {card.heading} · {', '.join(card.who)} · {card.what}{mark}")
        return "\n".join(lines)


def normalize_name(name: str) -> str:
    name = re.sub(r"[^A-Za-z' -]", "", one_line(name)).strip(" -'").upper()
    return " ".join(name.split()[:2])


def normalize_place(text: str) -> str:
    text = re.sub(r"^(?:INT|EXT|INT\./EXT)\.?\s+", "", one_line(text), flags=re.IGNORECASE)
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+-\s+\w+$", "", text)
    return re.sub(r"[^A-Za-z0-9' -]", "", text).strip().upper()[:40] or "SOMEWHERE"


def match_name(written: str, names: list[str]) -> str | None:
    """The cast name a written one stands for: "Hugo", "hugo" or "Prior Hugo" -> "PRIOR HUGO"; None if no one."""
    wanted = normalize_name(written)
    if not wanted:
        return None
    if wanted in names:
        return wanted
    words = set(wanted.split())
    hits = [n for n in names if words & set(n.split())]
    return hits[0] if len(hits) == 1 else None


def _outdoors(place: str) -> bool:
    from tools.generator.scaffold import is_outdoors

    return is_outdoors(place)


def _find(items: list[Any], ref: str | int, what: str, label: Any) -> Any:
    if isinstance(ref, int) or str(ref).isdigit():
        idx = int(ref) - 1
        if 0 <= idx < len(items):
            return items[idx]
    else:
        for item in items:
            if item.id == ref or label(item).lower() == str(ref).lower():
                return item
    raise DevelopError(f"there is no {what} {ref!r}; there are {len(items)} {what}s (1 to {len(items)}).")


def _build(kind: type, data: dict[str, Any]) -> Any:
    names = {f.name for f in fields(kind)}
    return kind(**{k: v for k, v in data.items() if k in names})
