"""Beat templates for the three structures a writer can pick: three acts, Save the Cat's 15 beats, sequences
(the tables are data: structures.yaml).

On the scaffold tier these are the outline's skeleton (the model only words each beat); on the free tier they
are the checklist the model's own outline is held to.
"""

from __future__ import annotations

import importlib.resources
from dataclasses import dataclass

import yaml

from tools.develop.errors import DevelopError
from tools.develop.records import STRUCTURES


@dataclass(frozen=True)
class BeatTemplate:
    name: str
    act: int
    purpose: str  # what the beat does, said with {hero} and {want} slots
    where: str = ""  # "the hero's world", used to pick a place: "home", "work", "target", "away"


def _load() -> dict[str, tuple[BeatTemplate, ...]]:
    text = importlib.resources.files("tools.develop").joinpath("structures.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if list(data) != list(STRUCTURES):
        raise ValueError(f"structures.yaml names {list(data)}, not {list(STRUCTURES)}")
    return {name: tuple(BeatTemplate(*beat) for beat in beats) for name, beats in data.items()}


TEMPLATES = _load()  # read once at import, never changed

# Character slots the scaffold tier fills, in order; the protagonist is always first.
ROLES = ("protagonist", "antagonist", "ally", "mentor")
ROLE_HINTS = {
    "protagonist": "the hero of the story, who wants something badly",
    "antagonist": "the one who stands in the hero's way",
    "ally": "the hero's friend or partner, who helps and argues",
    "mentor": "someone older or wiser who knows the world of the story",
}


def template(structure: str) -> tuple[BeatTemplate, ...]:
    if structure not in TEMPLATES:
        raise DevelopError(f"unknown structure {structure!r}; use one of: {', '.join(STRUCTURES)}.")
    return TEMPLATES[structure]
