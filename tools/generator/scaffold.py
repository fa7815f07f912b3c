"""The program's half of every scene: heading, cast and sampling temperature, chosen before the model writes.

A 135M model cannot be trusted to invent a valid heading or keep to the draft's cast, so those come from
the draft, the story bible, the writer's brief, or small fixed pools, varied across candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screenplay.model import parse_heading
from screenplay.places import is_place

# Names for scenes that have no draft and no named characters.
INVENTED_NAMES = ("MAYA", "LEO", "RUTH", "DEV", "IRIS", "CAL", "NOOR", "FINN", "ROSA", "ABEL", "JUNE", "OTIS")
# Places that suit each style preset; the generic list serves everything else.
STYLE_LOCATIONS = {
    "noir": ("ALL-NIGHT DINER", "RAIN-SLICKED ALLEY", "DETECTIVE'S OFFICE", "HOTEL BAR"),
    "screwball-comedy": ("NEWSROOM", "HOTEL LOBBY", "DINING CAR", "COUNTRY CLUB TERRACE"),
    "horror": ("CELLAR", "FARMHOUSE KITCHEN", "EMPTY HIGHWAY", "CHILDREN'S BEDROOM"),
    "shakespearean": ("CASTLE HALL", "HEATH", "GARDEN", "BATTLEMENTS"),
    "terse-minimalist": ("KITCHEN", "PARKED CAR", "STAIRWELL", "BUS STOP"),
    "documentary-realism": ("COUNCIL FLAT", "HOSPITAL CORRIDOR", "FACTORY FLOOR", "MARKET"),
    "childrens-adventure": ("TREEHOUSE", "ATTIC", "SCHOOL PLAYGROUND", "FOREST PATH"),
    "melodrama": ("DRAWING ROOM", "TRAIN STATION", "HOSPITAL WAITING ROOM", "STAIRCASE"),
    "thriller": ("PARKING GARAGE", "SAFE HOUSE", "SERVER ROOM", "HOTEL CORRIDOR"),
    "western": ("SALOON", "SHERIFF'S OFFICE", "MAIN STREET", "RANCH HOUSE PORCH"),
}
GENERIC_LOCATIONS = ("KITCHEN", "TRAIN PLATFORM", "HOSPITAL CORRIDOR", "ROOFTOP", "PARKED CAR", "DINER")
OUTDOOR_WORDS = (
    "street", "alley", "road", "highway", "field", "beach", "pier", "dock", "forest", "woods", "park", "rooftop",
    "yard", "garden", "bridge", "platform", "square", "heath", "battlements", "path", "porch", "lot", "desert",
    "river", "lake", "cemetery", "playground", "main street", "harbor", "harbour", "mountain", "ranch", "jetty",
    "reef", "gallery", "shore", "cliff", "meadow", "farm", "courtyard", "campsite", "sea", "ocean", "parking",
)
# People a brief names by role ("a detective questions a widow"): they become the cues.
ROLE_WORDS = (
    "detective", "widow", "widower", "nurse", "patient", "doctor", "reporter", "heiress", "sheriff", "deputy",
    "bartender", "waitress", "waiter", "priest", "teacher", "student", "captain", "pilot", "soldier", "general",
    "mother", "father", "daughter", "son", "sister", "brother", "grandmother", "grandfather", "stranger", "thief",
    "guard", "lawyer", "judge", "witness", "suspect", "boss", "clerk", "driver", "child", "girl", "boy", "king",
    "queen", "prince", "princess", "knight", "ghost", "robot", "astronaut", "scientist", "engineer", "landlord",
)
_ROLE_RE = re.compile(r"\b(?:a|an|the|her|his|their|old|young)\s+(" + "|".join(ROLE_WORDS) + r")\b", re.IGNORECASE)
TIMES = ("NIGHT", "DAY", "DAWN", "EVENING", "LATER", "MORNING")
# What follows "in the" without being a place: weather, light, time and manner ("a chase in the snow",
# "they argue in the morning", "in a hurry"). Taken for places they made headings like "INT. SNOW - DAY".
_CONDITION_WORDS = frozenset({
    "snow", "rain", "storm", "fog", "mist", "wind", "heat", "cold", "sun", "sunlight", "moonlight", "dark",
    "darkness", "light", "shadows", "morning", "afternoon", "evening", "night", "dawn", "dusk", "twilight",
    "middle", "end", "beginning", "meantime", "hurry", "moment", "past", "future", "mood", "silence", "way",
})
_BRIEF_PLACE_RE = re.compile(
    r"\b(?:in|at|inside|outside|on|into)\s+(?:a|an|the|his|her|their|my|our)\s+((?:[a-z'-]+\s){0,2}?[a-z'-]+?)"
    r"(?=$|[,.;!?]|\s+(?:while|when|where|as|with|and|after|before|during|because|to|for|who|that"
    r"|at|in|on|by|near|about)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Scaffold:
    heading: str  # "INT. TRAIN PLATFORM - NIGHT"
    characters: tuple[str, ...]  # speakers, upper case, two or three
    temperature: float
    lines: int  # dialogue lines to ask for

    @property
    def location(self) -> str:
        return parse_heading(self.heading).location


def temperatures(k: int, low: float = 0.6, high: float = 1.0) -> list[float]:
    """Spread from ``low`` to ``high`` so candidates differ in how adventurous they are."""
    if k <= 1:
        return [low]
    return [round(low + (high - low) * i / (k - 1), 2) for i in range(k)]


def place_from_brief(brief: str) -> str | None:
    """"Nora confronts Sam at the train station" -> "TRAIN STATION"."""
    m = _BRIEF_PLACE_RE.search(brief or "")
    if not m:
        return None
    place = m.group(1).strip()
    if len(place) < 3 or _CONDITION_WORDS & set(place.lower().split()):
        return None
    return place.upper()


def roles_from_brief(brief: str) -> list[str]:
    """"a detective questions a widow" -> ["DETECTIVE", "WIDOW"]."""
    return list(dict.fromkeys(m.group(1).upper() for m in _ROLE_RE.finditer(brief or "")))


def is_outdoors(location: str) -> bool:
    low = location.lower()
    return any(re.search(rf"\b{re.escape(w)}\b", low) for w in OUTDOOR_WORDS)


def make_heading(location: str, time: str, prefix: str | None = None) -> str:
    """A heading; the prefix is the draft's own for a known place, else guessed from the place's name."""
    prefix = prefix or ("EXT." if is_outdoors(location) else "INT.")
    return f"{prefix} {location.upper()} - {time}"


def location_pool(*, brief: str, locations: list[str], style: str | None) -> list[str]:
    """Places to cycle through: the brief's own place first, then the draft's, then the style's."""
    pool: list[str] = []
    place = place_from_brief(brief)
    locations = [loc for loc in locations if is_place(loc)]
    if place:
        pool.append(place)
    pool += [loc for loc in locations if loc and loc not in pool]
    pool += [loc for loc in STYLE_LOCATIONS.get(style or "", GENERIC_LOCATIONS) if loc not in pool]
    return pool


def cast_for(index: int, known: list[str], required: list[str]) -> tuple[str, ...]:
    """Speakers for candidate ``index``: every required name, the lead of the neighbourhood, then a
    partner that rotates from candidate to candidate; invented names fill in when too few are known."""
    cast = list(dict.fromkeys(required))
    pool = [c for c in known if c not in cast][:4]
    want = 3 if (index % 3 == 2 and len(cast) + len(pool) >= 3) else 2
    if pool and len(cast) < want:
        cast.append(pool[0])
        others = pool[1:]
        for j in range(len(others)):
            if len(cast) >= want:
                break
            pick = others[(index + j) % len(others)]
            if pick not in cast:
                cast.append(pick)
    invented = [n for n in INVENTED_NAMES if n not in cast and n not in known]
    start = (2 * index) % len(invented)
    invented = invented[start:] + invented[:start]
    while len(cast) < 2:
        cast.append(invented.pop(0))
    return tuple(cast[: max(want, len(required))])


def scaffolds(k: int, *, brief: str, style: str | None, locations: list[str], known: list[str],
              required: list[str], keep_heading: str | None = None, last_time: str = "",
              prefixes: dict[str, str] | None = None) -> list[Scaffold]:
    """``k`` scaffolds that differ in place, time, cast and temperature."""
    pool = location_pool(brief=brief, locations=locations, style=style)
    if not known:
        known = roles_from_brief(brief)
    temps = temperatures(k)
    times = [t for t in TIMES if t != last_time] if last_time else list(TIMES)
    out = []
    for i in range(k):
        if keep_heading and i == 0:
            heading = keep_heading
        else:
            place = pool[i % len(pool)]
            heading = make_heading(place, times[i % len(times)], (prefixes or {}).get(place))
        cast = cast_for(i, known, required)
        out.append(Scaffold(heading=heading, characters=cast, temperature=temps[i], lines=5 + (i % 2)))
    return out
