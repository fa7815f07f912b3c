"""How far two readings of one script agree (a Fountain file and its PDF, a round trip through FDX):
scene headings, cues and dialogue lines, matched in order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from screenplay.formats.layout import plain_text
from screenplay.model import ElementType, Script


@dataclass(frozen=True)
class Agreement:
    """Items of one kind matched in order between a reference reading and another one."""

    reference: int  # items in the reference
    other: int  # items in the other reading
    matched: int

    @property
    def score(self) -> float:
        """matched / the longer list: a missed item and an invented one both cost."""
        longest = max(self.reference, self.other)
        return self.matched / longest if longest else 1.0

    @property
    def lost(self) -> int:
        return self.reference - self.matched


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", plain_text(text)).strip().upper()


def headings(script: Script) -> list[str]:
    return [_norm(s.heading.text) for s in script.scenes]


def cues(script: Script) -> list[str]:
    return [el.cue_name for s in script.scenes for el in s.elements if el.type is ElementType.CHARACTER]


def dialogue(script: Script) -> list[str]:
    """The dialogue of each speech, whitespace-insensitive: layouts rewrap a speech, and Fountain
    joins two dialogue paragraphs of one speech, but every word must stay with its speaker."""
    out: list[str] = []
    for scene in script.scenes:
        speech: list[str] | None = None
        for el in scene.elements:
            if el.type is ElementType.CHARACTER:
                speech = []
                out.append("")
            elif el.type is ElementType.DIALOGUE and speech is not None:
                speech.append(el.text)
                out[-1] = _norm(" ".join(speech))
            elif el.type not in (ElementType.PARENTHETICAL, ElementType.NOTE):
                speech = None
    return out


def agreement(reference: list[str], other: list[str]) -> Agreement:
    matcher = SequenceMatcher(None, reference, other, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return Agreement(len(reference), len(other), matched)


def through(script: Script, fmt: str) -> Script:
    """The script after a round trip: written as fmt, read back, written as Fountain, read back."""
    from screenplay import io

    back = io.loads(io.render(script, fmt), f"round-trip.{fmt}")
    return io.loads(io.render(back, "fountain"), "round-trip.fountain")


def compare(reference: Script, other: Script) -> dict[str, Agreement]:
    """Agreement of headings, cues and dialogue lines between two readings of one script."""
    return {name: agreement(fn(reference), fn(other)) for name, fn in
            (("headings", headings), ("cues", cues), ("dialogue", dialogue))}
