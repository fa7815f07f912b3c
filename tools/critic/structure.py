"""Structure against convention scaled to length: act breaks from the writer's act markers, beats from the arc.

Convention (per page of a feature): inciting incident ~10%, act one break ~25%, midpoint ~50%,
act two break ~75-80%. Beats are guessed from turning points of the smoothed sentiment arc.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tools.critic.findings import Finding
from tools.critic.sentiment import smooth
from screenplay.record import Record

if TYPE_CHECKING:
    from tools.critic.analytics import Analytics
    from tools.critic.checks import CheckInput

# beat -> (expected position, earliest, latest) as fractions of the script
CONVENTION = {
    "inciting_incident": (0.10, 0.03, 0.20),
    "act_one_break": (0.25, 0.12, 0.45),
    "midpoint": (0.50, 0.40, 0.60),
    "act_two_break": (0.775, 0.6, 0.92),
}
MIN_SCENES_FOR_ARC = 12
MIN_PAGES_FOR_ARC = 15
FLAT_ARC_RANGE = 0.12


@dataclass(frozen=True)
class Beat(Record):
    name: str
    expected: float  # position by convention
    scene: str | None  # label of the scene where it was detected, None when not found
    page: int | None
    position: float | None
    source: str  # "markers" (the writer's act lines), "arc" or "none"


def turning_points(values: list[float]) -> list[int]:
    """Indices where the smoothed arc changes direction (local extrema), strongest swings first."""
    n = len(values)
    if n < 3:
        return []
    sm = smooth(values, max(3, n // 12))
    pts = []
    for i in range(1, n - 1):
        if (sm[i] - sm[i - 1]) * (sm[i + 1] - sm[i]) < 0 or (sm[i] == sm[i - 1] and sm[i] != sm[i + 1]):
            swing = abs(sm[i] - sm[i - 1]) + abs(sm[i + 1] - sm[i])
            pts.append((swing, i))
    return [i for _, i in sorted(pts, reverse=True)]


def detect_beats(a: "Analytics") -> list[Beat]:
    pos = a.positions
    beats: list[Beat] = []
    section_breaks = a.acts.starts if a.acts.source == "markers" else []
    turns = turning_points([s.mean for s in a.sentiment]) if len(pos) >= MIN_SCENES_FOR_ARC else []
    for name, (expected, lo, hi) in CONVENTION.items():
        idx, source = None, "none"
        if name == "act_one_break" and len(section_breaks) >= 1:
            idx, source = section_breaks[0], "markers"
        elif name == "act_two_break" and len(section_breaks) >= 2:
            idx, source = section_breaks[1], "markers"
        else:
            near = [i for i in turns if lo <= pos[i] <= hi]
            if near:
                idx, source = near[0], "arc"
        beats.append(Beat(
            name, expected,
            a.labels[idx] if idx is not None else None,
            a.page_of(idx) if idx is not None else None,
            round(pos[idx], 3) if idx is not None else None,
            source,
        ))
    return beats


def structure_findings(ci: "CheckInput") -> list[Finding]:
    a = ci.analytics
    pages = a.stats.pages
    out: list[Finding] = []
    if a.acts.source == "markers" and len(a.acts.starts) in (1, 2):
        for n, (idx, beat) in enumerate(zip(a.acts.starts, ("act_one_break", "act_two_break")), start=1):
            expected, lo, hi = CONVENTION[beat]
            p = a.positions[idx]
            if not lo <= p <= hi:
                when = "late" if p > hi else "early"
                out.append(Finding(
                    "structure",
                    f"act {n + 1} starts {when}, at {p:.0%} of the script (p. {a.page_of(idx)} of {pages}); "
                    f"convention puts act {n}'s end near {expected:.0%} (p. {max(1, round(expected * pages))})",
                    (a.labels[idx],), (a.page_of(idx),), "warning",
                ))
    if len(a.sentiment) >= MIN_SCENES_FOR_ARC and pages >= MIN_PAGES_FOR_ARC:
        sm = smooth([s.mean for s in a.sentiment], max(3, len(a.sentiment) // 12))
        if max(sm) - min(sm) < FLAT_ARC_RANGE:
            out.append(Finding(
                "structure",
                f"the emotional arc barely moves (range {max(sm) - min(sm):.2f} on a -1..1 scale); "
                "look for turns near 25%, 50% and 75%",
                (), (), "info",
            ))
    return out
