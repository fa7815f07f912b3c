"""What the program can say about the story itself: who leads, how the draft introduces them, where it goes.

Used for the evidence-made logline and notes, so a draft whose format is clean still gets coverage that is
about its people and places rather than a count of zero findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import capwords

from screenplay.lead import leads as lead_names
from screenplay.model import ElementType, Script
from screenplay.places import is_place
from tools.critic.analytics import Analytics
from tools.critic.notes import Note

_ARTICLES = ("a", "an", "the")
_POSSESSIVES = ("his", "her", "their", "its", "our", "my", "your")


@dataclass(frozen=True)
class Person:
    name: str  # the cue ("BRICK")
    full: str  # as introduced ("Brick Braddock")
    description: str  # "a retired police detective", or ""

    def described(self) -> str:
        return f"{self.full}, {self.description}," if self.description else self.full


def _title(name: str) -> str:
    return capwords(name.lower())


def introduce(script: Script, name: str) -> Person:
    """The character as the action first introduces them: "BRICK BRADDOCK, retired police detective, ..."."""
    core = re.escape(name.split()[-1] if len(name.split()) > 1 else name)
    pattern = re.compile(
        rf"\b((?:[A-Z][A-Z'’\-]+ ){{0,2}}{core}(?: [A-Z][A-Z'’\-]+){{0,2}})\b\s*(?:\([^)]*\))?\s*,\s*([^,.;:!?]{{3,70}}),"
    )
    bare = re.compile(rf"\b((?:[A-Z][A-Z'’\-]+ ){{0,2}}{core}(?: [A-Z][A-Z'’\-]+){{0,2}})\b\s*\(")
    for scene in script.scenes:
        for el in scene.elements:
            if el.type is not ElementType.ACTION:
                continue
            m = pattern.search(el.text.replace("\n", " "))
            if m:
                desc = m.group(2).strip()
                if desc.split()[0].lower() in _POSSESSIVES:
                    desc = ""  # "his former partner" is about someone else: it cannot stand alone
                elif desc.split()[0].lower() not in _ARTICLES and desc[0].islower():
                    desc = ("an " if desc[0] in "aeiou" else "a ") + desc
                return Person(name, _title(m.group(1)), desc if desc[:1].islower() else "")
            m = bare.search(el.text)
            if m:  # "MARGARET HALE (70s, oilskin coat)": the full name without a describing phrase
                return Person(name, _title(m.group(1)), "")
    return Person(name, _title(name), "")


def leads(a: Analytics) -> list[str]:
    """The lead, or the two of a two-hander (screenplay.lead: the title's names, else scenes on screen)."""
    present = {name: sum(row) for name, row in a.presence.items()}
    return lead_names(a.stats.title or "", a.stats.characters, present)


def places(a: Analytics) -> list[int]:
    """Indices of scenes whose heading is a real place (INT./EXT.), not a shot, a title card or a montage."""
    return [i for i, s in enumerate(a.stats.scenes) if s.int_ext != "OTHER" and is_place(s.location)]


def _place_name(location: str) -> str:
    name = capwords(location.lower())
    return name if re.search(r"['’]s\b", name, re.I) else f"the {name}"


def logline(script: Script, a: Analytics) -> str:
    """A plain logline from the evidence: the lead as introduced, who they meet, and where the story runs."""
    who = leads(a)
    if not who:
        return f"A story told in {len(a.stats.scenes)} scenes, with no speaking characters yet."
    people = [introduce(script, n) for n in who]
    # Introduced first reads first ("Brick ... and Steel ..."), whoever speaks more.
    subject = " and ".join(p.described() for p in people)
    others = [c.name for c in a.stats.characters if c.name not in who][:2]
    real = places(a)
    where = ""
    if real:
        first, last = a.stats.scenes[real[0]].location, a.stats.scenes[real[-1]].location
        where = (f" from {_place_name(first)} to {_place_name(last)}" if first != last
                 else f" in {_place_name(first)}")
    verb = "cross paths with" if len(people) > 1 else "crosses paths with"
    if others:
        return f"{subject} {verb} {' and '.join(_title(o) for o in others)}{where}."
    return f"{subject} {'carry' if len(people) > 1 else 'carries'} the story{where}."


def story_notes(script: Script, a: Analytics, indices: list[int]) -> tuple[list[Note], list[Note]]:
    """(strengths, weaknesses) about the lead's presence and the headings that are not places, for `indices`."""
    strengths: list[Note] = []
    weaknesses: list[Note] = []
    labels = a.labels
    who = leads(a)
    if who and len(indices) >= 3:
        lead = who[0]
        row = a.presence.get(lead) or [lead in s.characters for s in a.stats.scenes]
        on = [i for i in indices if row[i]]
        off = [i for i in indices if not row[i]]
        name = introduce(script, lead).full
        if len(on) * 3 >= 2 * len(indices):
            strengths.append(Note(f"{name} carries the story, on screen in {len(on)} of {len(indices)} scenes",
                                  [labels[i] for i in on]))
        else:
            weaknesses.append(Note(f"The lead, {name}, is off screen in {len(off)} of {len(indices)} scenes; "
                                   "keep the story in their hands", [labels[i] for i in off]))
    shots = [i for i in indices if a.stats.scenes[i].int_ext == "OTHER" or not is_place(a.stats.scenes[i].location)]
    if shots:
        names = ", ".join(a.stats.scenes[i].heading for i in shots[:3])
        weaknesses.append(Note(f"Headings that are shots or cards rather than places ({names}); a reader counts "
                               "them as scenes, so fold them into the scene they belong to", [labels[i] for i in shots]))
    return strengths, weaknesses
