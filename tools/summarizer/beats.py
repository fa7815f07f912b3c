"""The fifteen Save the Cat beats placed on a script's pages (Blake Snyder's positions on a 110-page script)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# name -> (start, end) as fractions of the script; a point beat has start == end.
SAVE_THE_CAT = (
    ("Opening Image", 0.0, 0.01),
    ("Theme Stated", 0.045, 0.045),
    ("Set-Up", 0.01, 0.09),
    ("Catalyst", 0.11, 0.11),
    ("Debate", 0.11, 0.23),
    ("Break into Two", 0.23, 0.25),
    ("B Story", 0.27, 0.27),
    ("Fun and Games", 0.27, 0.5),
    ("Midpoint", 0.5, 0.5),
    ("Bad Guys Close In", 0.5, 0.68),
    ("All Is Lost", 0.68, 0.68),
    ("Dark Night of the Soul", 0.68, 0.77),
    ("Break into Three", 0.77, 0.77),
    ("Finale", 0.77, 0.99),
    ("Final Image", 0.99, 1.0),
)


@dataclass
class Beat:
    name: str
    pages: str  # "1", "12-25"
    scene: str  # label of the scene that carries it
    scene_index: int
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("scene_index")
        return d


def _page_at(fraction: float, pages: int) -> int:
    return max(1, min(pages, round(1 + fraction * (pages - 1))))


def place_beats(positions: list[float], scene_pages: list[int], labels: list[str], pages: int,
                scores: list[float]) -> list[Beat]:
    """Each beat anchored on the scene at its position; a span beat on its most salient scene."""
    beats = []
    n = len(positions)
    for name, start, end in SAVE_THE_CAT:
        if start == end:
            # The scene in progress at that point of the script.
            idx = max((i for i in range(n) if positions[i] <= start + 1e-9), default=0)
            if name == "Opening Image":
                idx = 0
        else:
            inside = [i for i in range(n) if start <= positions[i] < end] or [
                min(range(n), key=lambda i: abs(positions[i] - (start + end) / 2))
            ]
            idx = max(inside, key=lambda i: scores[i])
        if name == "Final Image":
            idx = n - 1
        lo, hi = _page_at(start, pages), _page_at(end, pages)
        beats.append(Beat(name, str(lo) if lo == hi else f"{lo}-{hi}", labels[idx], idx))
    return beats
