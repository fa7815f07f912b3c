"""Beat templates for the three structures a writer can pick: three acts, Save the Cat's 15 beats, sequences.

On the scaffold tier these are the outline's skeleton (the model only words each beat); on the free tier they
are the checklist the model's own outline is held to.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.develop.errors import DevelopError
from tools.develop.records import STRUCTURES


@dataclass(frozen=True)
class BeatTemplate:
    name: str
    act: int
    purpose: str  # what the beat does, said with {hero} and {want} slots
    where: str = ""  # "the hero's world", used to pick a place: "home", "work", "target", "away"


THREE_ACT = (
    BeatTemplate("Setup", 1, "we meet {hero} in an ordinary day and see what {hero} lacks", "home"),
    BeatTemplate("Inciting incident", 1, "something happens that makes {hero} want {want}", "work"),
    BeatTemplate("Lock-in", 1, "{hero} commits to going after {want} and cannot turn back", "target"),
    BeatTemplate("Rising complications", 2, "plans meet resistance and {hero}'s flaw makes things worse", "target"),
    BeatTemplate("Midpoint", 2, "a false victory or defeat raises the stakes for {hero}", "away"),
    BeatTemplate("All is lost", 2, "{hero} loses what mattered most and the goal seems out of reach", "home"),
    BeatTemplate("Climax", 3, "{hero} faces the opposition head on to win {want}", "target"),
    BeatTemplate("Resolution", 3, "the new normal shows how {hero} has changed", "home"),
)

SAVE_THE_CAT = (
    BeatTemplate("Opening Image", 1, "a snapshot of {hero}'s life before the story changes it", "home"),
    BeatTemplate("Theme Stated", 1, "someone tells {hero} what the story is really about", "work"),
    BeatTemplate("Set-Up", 1, "{hero}'s world, people and the flaw that holds {hero} back", "home"),
    BeatTemplate("Catalyst", 1, "news or an event that knocks {hero}'s life off course", "work"),
    BeatTemplate("Debate", 1, "{hero} hesitates: should {hero} go after {want}?", "home"),
    BeatTemplate("Break into Two", 2, "{hero} chooses to act and enters a new world", "target"),
    BeatTemplate("B Story", 2, "a new relationship that will teach {hero} the theme", "away"),
    BeatTemplate("Fun and Games", 2, "the promise of the premise: {hero} in the new world", "target"),
    BeatTemplate("Midpoint", 2, "a false victory or defeat; the stakes go up", "target"),
    BeatTemplate("Bad Guys Close In", 2, "the opposition regroups and doubt splits {hero}'s team", "away"),
    BeatTemplate("All Is Lost", 2, "the lowest point: something or someone is lost", "home"),
    BeatTemplate("Dark Night of the Soul", 2, "{hero} mourns and finds the real lesson", "home"),
    BeatTemplate("Break into Three", 3, "{hero} sees the way to win {want}", "work"),
    BeatTemplate("Finale", 3, "{hero} carries out the new plan and confronts the opposition", "target"),
    BeatTemplate("Final Image", 3, "the opposite of the opening image: {hero} changed", "home"),
)

SEQUENCES = (
    BeatTemplate("Sequence 1: Status quo", 1, "{hero}'s world and the flaw, until the inciting event", "home"),
    BeatTemplate("Sequence 2: Predicament", 1, "{hero} is drawn in and decides to go after {want}", "work"),
    BeatTemplate("Sequence 3: First attempt", 2, "{hero} tries the easy way; it half works", "target"),
    BeatTemplate("Sequence 4: Midpoint", 2, "a twist at the middle raises the stakes", "away"),
    BeatTemplate("Sequence 5: Complications", 2, "new obstacles and the flaw cost {hero} dearly", "target"),
    BeatTemplate("Sequence 6: Lowest point", 2, "everything falls apart for {hero}", "home"),
    BeatTemplate("Sequence 7: New plan", 3, "{hero} changes and attacks the problem at its root", "work"),
    BeatTemplate("Sequence 8: Resolution", 3, "the final confrontation and its aftermath", "target"),
)

TEMPLATES: dict[str, tuple[BeatTemplate, ...]] = {
    "three-act": THREE_ACT, "save-the-cat": SAVE_THE_CAT, "sequences": SEQUENCES,
}

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
