"""The story bible: the story in brief, extracted from a draft and edited by the writer."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from screenplay import ElementType, Script
from screenplay.lead import leads
from screenplay.places import is_place
from screenplay.stats import compute

MAX_CHARACTERS = 12
MAX_LOCATIONS = 10


def labelled(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """"Label: value" lines for the values given, blanks left out (notes a prompt quotes)."""
    return [f"{label}: {value}" for label, value in pairs if value]


@dataclass
class StoryBible:
    """The writer's story in brief; extracted from the draft, editable by the writer."""

    title: str = ""
    logline: str = ""
    characters: dict[str, str] = field(default_factory=dict)  # NAME -> one-line description
    locations: list[str] = field(default_factory=list)
    tone: str = ""

    def to_text(self) -> str:
        lines = labelled([("Title", self.title), ("Logline", self.logline), ("Tone", self.tone)])
        if self.characters:
            lines.append("Characters:")
            lines += [f"- {name}: {desc}" if desc else f"- {name}" for name, desc in self.characters.items()]
        if self.locations:
            lines.append("Locations: " + ", ".join(self.locations))
        return "\n".join(lines)


def extract_bible(script: Script) -> StoryBible:
    title_page = {k.lower(): v for k, v in script.title_page.items()}
    lines: Counter[str] = Counter()
    for scene in script.scenes:
        for el in scene.elements:
            if el.type is ElementType.CHARACTER:
                lines[el.cue_name] += 1
    # The lead (or the two of a two-hander) first, as screenplay.lead names them everywhere else.
    first = leads(script.title, [c for c in compute(script).characters if c.name in lines])
    ranked = first + [name for name, _ in lines.most_common() if name not in first]
    characters = {name: _introduction(script, name) for name in ranked[:MAX_CHARACTERS]}
    places: Counter[str] = Counter(s.heading.location.upper() for s in script.scenes if is_place(s.heading.location))
    return StoryBible(
        title=script.title,
        logline=_clean(title_page.get("logline", "")),
        characters=characters,
        locations=[name for name, _ in places.most_common(MAX_LOCATIONS)],
        tone=_clean(title_page.get("tone", "") or title_page.get("genre", "")),
    )


def _introduction(script: Script, name: str, limit: int = 110) -> str:
    """The first action sentence that names the character: usually how the writer introduced them."""
    first = name.split()[0]
    pattern = re.compile(rf"\b{re.escape(first)}\b", re.IGNORECASE)
    for scene in script.scenes:
        for el in scene.elements:
            if el.type is ElementType.ACTION and pattern.search(el.text):
                sentence = re.split(r"(?<=[.!?])\s", el.text.strip())
                for s in sentence:
                    if pattern.search(s):
                        s = _clean(s)
                        return s if len(s) <= limit else s[: limit - 1] + "…"
    return ""


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[*_]", "", text).split())
