"""Who leads a draft, the way a writer would say it, for every reader of the draft (grounded chat, critic, bible).

A title that names its characters ("Brick & Steel") is the writer saying whose story it is: those characters
lead, in the title's order. A lead speaks at least a quarter of the words of the character who speaks most, and
a group cue ("EDWARD AND WILL") leads nothing. Otherwise the lead is the character on screen in the most scenes, then with the most words of dialogue, then the most
speeches; a second shares the lead (a two-hander) when within a quarter of the
first on both scenes and words. Counting speeches alone gave Brick and Steel to STEEL (9 speeches) over BRICK (4),
though the title and the story open on Brick.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from screenplay.stats import CharacterStats

# Title words that name no one even when a cue has them ("THE BOSS" is not named by "The Last Birthday Card").
_NOT_NAMES = {"the", "and", "of", "a", "an", "mr", "mrs", "ms", "dr", "man", "woman", "boy", "girl", "old", "young",
              "big", "little", "last", "first", "new", "one", "two"}
# A lead speaks at least this share of the words of the character who speaks most.
MIN_WORDS_SHARE = 0.25
_GROUP_RE = re.compile(r"\b(AND|&)\b|/|&")
# A second character shares the lead when at least this share of the first's scenes and words.
CLOSE = 0.75


def leads(title: str, characters: Sequence[CharacterStats], present: Mapping[str, int] | None = None) -> list[str]:
    """One name, or two for a two-hander. ``present``: scenes each character is on screen in (speaking or named
    in the action); without it, the scenes they speak in."""
    if not characters:
        return []
    scenes = {c.name: (present or {}).get(c.name, len(c.scenes)) for c in characters}
    # A group cue ("EDWARD AND WILL") is everywhere its members are, and someone with a line or two is no lead.
    most = max(c.words for c in characters)
    eligible = [c for c in characters if not _GROUP_RE.search(c.name) and c.words >= MIN_WORDS_SHARE * most]
    named = title_named(title, [c.name for c in eligible])
    if named:
        return named
    order = {c.name: i for i, c in enumerate(characters)}
    ranked = sorted(eligible or characters, key=lambda c: (-scenes[c.name], -c.words, -c.lines, order[c.name]))
    first = ranked[0]
    top = [first.name]
    if len(ranked) > 1:
        second = ranked[1]
        if scenes[second.name] >= CLOSE * scenes[first.name] and second.words >= CLOSE * first.words:
            top.append(second.name)
    return top


def title_named(title: str, names: Sequence[str]) -> list[str]:
    """The speaking characters the title names, in the title's order (at most two)."""
    words = re.findall(r"[a-z'’]+", (title or "").lower())
    spots: dict[str, int] = {}
    for name in names:
        parts = [p for p in name.lower().split() if len(p) > 2 and p not in _NOT_NAMES]
        hits = [words.index(p) for p in parts if p in words]
        if hits:
            spots[name] = min(hits)
    return sorted(spots, key=spots.__getitem__)[:2]
