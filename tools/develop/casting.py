"""What the program decides on the scaffold tier before the model writes a word: genre, names, places.

A 135M model invents names and places that drift from line to line, so the program picks them once, from the
logline where it names them and from small fixed pools otherwise, and every later level reuses them.
"""

from __future__ import annotations

import hashlib
import re

from tools.generator.scaffold import GENERIC_LOCATIONS, STYLE_LOCATIONS, place_from_brief

# Genre -> (words in a logline that signal it, the generator's style preset for it, four places).
GENRES: dict[str, tuple[tuple[str, ...], str | None, tuple[str, ...]]] = {
    "heist": (("heist", "rob", "steal", "vault", "thief", "con "), "thriller",
              ("BACK ROOM", "VAULT", "GETAWAY VAN", "ROOFTOP")),
    "horror": (("haunt", "ghost", "monster", "demon", "curse", "horror", "creature"), "horror",
               STYLE_LOCATIONS["horror"]),
    "western": (("western", "sheriff", "outlaw", "frontier", "ranch", "cowboy"), "western",
                STYLE_LOCATIONS["western"]),
    "noir": (("detective", "murder", "noir", "private eye", "femme"), "noir", STYLE_LOCATIONS["noir"]),
    "science fiction": (("space", "robot", "alien", "planet", "android", "starship", "future", "time travel"), None,
                        ("COMMAND DECK", "CARGO BAY", "AIRLOCK", "MED BAY")),
    "romance": (("love", "romance", "wedding", "falls for", "fall in love", "date"), "melodrama",
                ("CAFE", "APARTMENT", "PARK", "TRAIN STATION")),
    "comedy": (("comedy", "hilarious", "prank", "mix-up", "wacky"), "screwball-comedy",
               STYLE_LOCATIONS["screwball-comedy"]),
    "thriller": (("spy", "assassin", "conspiracy", "kidnap", "hostage", "bomb", "chase"), "thriller",
                 STYLE_LOCATIONS["thriller"]),
    "family adventure": (("kid", "children", "treasure", "dragon", "magic", "quest"), "childrens-adventure",
                         STYLE_LOCATIONS["childrens-adventure"]),
    "war": (("war", "soldier", "battle", "army", "trench"), None, ("TRENCH", "COMMAND TENT", "FIELD HOSPITAL", "RIDGE")),
    "sports": (("team", "coach", "championship", "match", "boxer", "race"), None,
               ("LOCKER ROOM", "GYM", "STADIUM", "DINER")),
    "drama": ((), None, GENERIC_LOCATIONS),
}
NAMES = (
    "AGNES", "TOMAS", "MIRA", "JONAH", "PETRA", "SILAS", "HANNA", "VICTOR", "LENA", "OSCAR", "NADIA", "ELI",
    "GRETA", "MARCUS", "YARA", "HUGO", "ESTHER", "RAFAEL", "WREN", "BORIS", "CELIA", "DARIUS", "IMOGEN", "KIT",
)
SLOTS = ("home", "work", "target", "away")


def genre_of(logline: str) -> str:
    low = f" {logline.lower()} "
    for genre, (words, _, _) in GENRES.items():
        if any(w in low for w in words):
            return genre
    return "drama"


def style_of(genre: str) -> str | None:
    return GENRES.get(genre, GENRES["drama"])[1]


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def pick_names(logline: str, count: int, taken: tuple[str, ...] = ()) -> list[str]:
    """``count`` distinct first names, varied by logline so two stories do not share a cast."""
    start = _seed(logline) % len(NAMES)
    pool = NAMES[start:] + NAMES[:start]
    return [n for n in pool if n not in taken][:count]


def places_for(logline: str, genre: str) -> dict[str, str]:
    """The story's four recurring places by slot; the logline's own place ("in a monastery") is the target."""
    pool = list(GENRES.get(genre, GENRES["drama"])[2])
    named = place_from_brief(logline)
    if named:
        named = re.sub(r"^(?:OWN|OLD|NEW|LITTLE|BIG)\s+", "", named)
        pool = [named] + [p for p in pool if p != named]
    # The target is the logline's place when it names one; home, work and away come from the genre's pool.
    ordered = {"target": pool[0]}
    rest = pool[1:] + [p for p in GENERIC_LOCATIONS if p not in pool]
    for slot, place in zip(("home", "work", "away"), rest):
        ordered[slot] = place
    return ordered
