"""Which scene headings name a place: the story bible, the generator's new headings and the critic (its logline's
places, its note on headings that are shots) agree that a shot, a title card, a device or the board's empty card is not a location."""

from __future__ import annotations

import re

# The heading an empty outline card carries until it is written (screenplay.outline.add_card).
PLACEHOLDER_HEADING = "NEW SCENE"

# Headings that name a shot, a card or a device, not a place. "Back to" only leads one ("BACK TO SCENE"): the
# "PATH BACK TO TOWN" is somewhere.
_NOT_A_PLACE_RE = re.compile(
    r"\b(?:titles?|title card|credits?|pov|montage|series of shots|flashbacks?|flash forward|flash cut|intercut|"
    r"insert|super|superimpose|fade|split screen|dream sequence|the end|cut to|smash cut)\b|^back to\b",
    re.IGNORECASE,
)
_NOT_PLACES = frozenset({"BLACK", "WHITE", "DARKNESS", "NOWHERE", PLACEHOLDER_HEADING})


def is_place(location: str) -> bool:
    """"TRAILER HOME" is a place; "OPENING TITLES", "SNIPER SCOPE POV", "MONTAGE" and "NEW SCENE" are not."""
    location = location.strip()
    if location.upper() in _NOT_PLACES:
        return False
    return bool(location) and any(c.isalpha() for c in location) and not _NOT_A_PLACE_RE.search(location)
