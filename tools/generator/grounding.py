"""Where in the draft new material goes, and what of the draft a model should see to write it.

Acts come from the writer's own markers (``# ACT TWO``, ``ACT II``, ``END OF ACT ONE``) when the draft has
them, else from the conventional 25% / 75% breaks measured in printed length (eighths of a page).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from screenplay.formats.fountain import render
from screenplay.model import ElementType, Scene, Script, normalize_character
from screenplay.stats import compute
from tools.base import ToolError
from screenplay.bible import StoryBible
from tools.schemas import BEATS

ET = ElementType

_ACT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
}
_ACT_RE = re.compile(
    r"^\s*(end\s+of\s+)?act\s+(" + "|".join(sorted(_ACT_WORDS, key=len, reverse=True)) + r"|\d{1,2})\b\.?",
    re.IGNORECASE,
)
# Elements that carry no story: a marker followed only by these sits at the end of its scene.
_QUIET = (ET.SECTION, ET.NOTE, ET.SYNOPSIS, ET.PAGE_BREAK, ET.TRANSITION, ET.CENTERED)
# Where each beat usually falls, as a share of the script's printed length.
BEAT_POSITION = {
    "opening": 0.0, "cold-open": 0.0, "inciting-incident": 0.1, "first-turn": 0.25,
    "midpoint": 0.5, "all-is-lost": 0.75, "climax": 0.88, "ending": 1.0,
}
ACT_BREAKS = (0.25, 0.75)  # act two and act three start here when the draft marks no acts
NEIGHBOURS = 3  # scenes before the position a prompt may quote


@dataclass(frozen=True)
class Position:
    index: int  # scene index the new scene goes before (len(scenes): after the last)
    label: str  # for the writer and the prompt: "the opening of act 2", "scene 14"
    act: int | None = None
    replaces: int | None = None  # index of the scene the options are alternatives to


@dataclass
class Grounding:
    """What a prompt knows of the writer's story for one request."""

    position: Position | None = None
    before: list[Scene] = field(default_factory=list)  # the scenes just before, in script order
    current: Scene | None = None  # the scene being re-imagined, for scene targets
    draft_text: str = ""  # Fountain of `before` (and `current`), trimmed to the budget
    characters: list[str] = field(default_factory=list)  # who belongs here, most relevant first
    required: list[str] = field(default_factory=list)  # the writer named them: every candidate has them
    locations: list[str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)  # location -> the draft's INT./EXT. for it
    bible_text: str = ""
    draft_characters: list[str] = field(default_factory=list)  # every speaker of the draft


def act_marker(text: str) -> tuple[int, bool] | None:
    """(act number, is an END OF ACT line) for a short marker line such as "ACT II" or "END OF ACT ONE"."""
    line = text.strip().strip("#*_ ").strip()
    if not line or len(line) > 40:
        return None
    m = _ACT_RE.match(line)
    if not m:
        return None
    word = m.group(2).lower()
    number = int(word) if word.isdigit() else _ACT_WORDS[word]
    return number, bool(m.group(1))


def _marker_elements(script: Script) -> list[tuple[int, int, bool]]:
    """(scene index the act starts at, act, is-end) for every act marker, in script order."""
    found: list[tuple[int, int, bool]] = []
    marker_types = (ET.SECTION, ET.ACTION, ET.CENTERED, ET.TRANSITION)
    for el in script.preamble:
        hit = act_marker(el.text) if el.type in marker_types else None
        if hit:
            found.append((0, hit[0], hit[1]))
    for idx, scene in enumerate(script.scenes):
        for pos, el in enumerate(scene.elements):
            hit = act_marker(el.text) if el.type in marker_types else None
            if not hit:
                continue
            rest = scene.elements[pos + 1:]
            earlier = scene.elements[:pos]
            if all(e.type in _QUIET or act_marker(e.text) for e in rest):
                start = idx + 1  # a marker closing a scene belongs to the next one
            elif all(e.type in _QUIET or act_marker(e.text) for e in earlier):
                start = idx  # right under the heading
            else:
                start = idx + 1
            found.append((start, hit[0], hit[1]))
    return found


def act_starts(script: Script) -> dict[int, int]:
    """Act number -> index of its first scene, from the writer's markers; {} when there are none."""
    starts: dict[int, int] = {}
    for start, act, is_end in _marker_elements(script):
        act = act + 1 if is_end else act
        starts.setdefault(act, start)
    if starts and 1 not in starts:
        starts[1] = 0
    return starts


def scene_fractions(script: Script) -> list[float]:
    """Where each scene starts, as a share of the script's printed length (0 for the first)."""
    stats = compute(script)
    total = sum(s.eighths for s in stats.scenes) or 1
    out, run = [], 0
    for s in stats.scenes:
        out.append(run / total)
        run += s.eighths
    return out


def _index_at(fractions: list[float], share: float) -> int:
    if share >= 1.0:
        return len(fractions)
    for idx, f in enumerate(fractions):
        if f >= share:
            return idx
    return len(fractions)


def _act_start(script: Script, act: int) -> int:
    starts = act_starts(script)
    if starts:
        if act not in starts:
            marked = ", ".join(str(a) for a in sorted(starts))
            raise ToolError(f"the draft marks acts {marked}; there is no act {act}. Ask for one of those acts.")
        return starts[act]
    if act > 3:
        raise ToolError(
            f"the draft has no act markers, so it is read as three acts; there is no act {act}. "
            "Ask for act 1, 2 or 3, or mark acts in the draft with '# ACT FOUR' lines."
        )
    if act == 1:
        return 0
    return _index_at(scene_fractions(script), ACT_BREAKS[act - 2])


def find_scene_ref(script: Script, ref: str) -> int:
    """Index of the first scene whose heading (else text) mentions ``ref``."""
    needle = ref.strip().lower()
    for idx, scene in enumerate(script.scenes):
        if needle in scene.heading.text.lower():
            return idx
    for idx, scene in enumerate(script.scenes):
        if needle in scene.text.lower():
            return idx
    raise ToolError(
        f"no scene of the draft mentions {ref!r}; name a place or event from a heading, or give a scene number "
        f"(1 to {len(script.scenes)})."
    )


def locate(script: Script, *, act: int | None = None, scene: int | None = None, scene_ref: str | None = None,
           beat: str | None = None) -> Position:
    """Where the requested material goes; bad references raise ToolError with what exists."""
    n = len(script.scenes)
    if scene is not None or scene_ref:
        if scene is not None:
            try:
                target = script.scene(scene)
            except IndexError:
                raise ToolError(f"there is no scene {scene}: the draft has {n} scenes (1 to {n}).") from None
            idx = next(i for i, s in enumerate(script.scenes) if s is target)
        else:
            idx = find_scene_ref(script, scene_ref or "")
        return Position(index=idx, label=f"scene {idx + 1} ({script.scenes[idx].heading.text})", replaces=idx)
    if act is not None:
        idx = _act_start(script, act)
        return Position(index=idx, label=f"the opening of act {act}", act=act)
    if beat:
        if beat not in BEAT_POSITION:
            raise ToolError(f"unknown story beat {beat!r}; use one of: {', '.join(BEATS)}")
        idx = _index_at(scene_fractions(script), BEAT_POSITION[beat])
        return Position(index=idx, label=f"the {beat.replace('-', ' ')}")
    return Position(index=n, label="after the last scene")


def _fountain(scene: Scene) -> str:
    return render(Script(scenes=[scene])).strip()


def trim_scenes(scenes: list[Scene], budget: int) -> str:
    """Fountain of the scenes nearest the end that fit ``budget`` characters; the farthest one kept may
    lose its beginning (marked with "..."), since what leads into the new scene matters most."""
    kept: list[str] = []
    room = budget
    for scene in reversed(scenes):
        text = _fountain(scene)
        if len(text) + 2 <= room:
            kept.append(text)
            room -= len(text) + 2
            continue
        if room > 200 or not kept:
            tail = text[-max(room - 4, 0):] if room > 4 else ""
            cut = tail.find("\n")
            tail = tail[cut + 1:] if 0 <= cut < len(tail) - 1 else tail
            if tail.strip():
                kept.append("...\n" + tail)
        break
    return "\n\n".join(reversed(kept))


def _canonical(name: str, known: list[str]) -> str:
    """A writer's "nora" -> the draft's "NORA WELLS" when the first name matches one speaker."""
    upper = normalize_character(name)
    if upper in known:
        return upper
    first = [k for k in known if k.split()[0] == upper.split()[0]]
    return first[0] if len(first) == 1 else upper


def build_grounding(script: Script | None, bible: StoryBible | None, *, act: int | None = None,
                    scene: int | None = None, scene_ref: str | None = None, beat: str | None = None,
                    characters: list[str] | tuple[str, ...] = (), budget: int = 2400) -> Grounding:
    g = Grounding(bible_text=bible.to_text() if bible is not None else "")
    known = list(script.characters) if script is not None else []
    if bible is not None:
        known += [normalize_character(c) for c in bible.characters if normalize_character(c) not in known]
    g.draft_characters = known

    ranked: Counter[str] = Counter()
    if script is not None and script.scenes:
        pos = locate(script, act=act, scene=scene, scene_ref=scene_ref, beat=beat)
        g.position = pos
        g.before = script.scenes[max(0, pos.index - NEIGHBOURS):pos.index]
        if pos.replaces is not None:
            g.current = script.scenes[pos.replaces]
        quoted = g.before + ([g.current] if g.current is not None else [])
        g.draft_text = trim_scenes(quoted, budget)
        after = script.scenes[pos.index + (1 if pos.replaces is not None else 0):][:2]
        # Closest scenes weigh most: the current one, then the one just before, then those after.
        weights = [(g.current, 8)] if g.current is not None else []
        weights += [(s, 4 + i) for i, s in enumerate(g.before)] + [(s, 2) for s in after]
        for s, w in weights:
            for el in s.elements:
                if el.type is ET.CHARACTER:
                    ranked[el.cue_name] += w
        g.locations = list(dict.fromkeys(s.heading.location.upper() for s in quoted + after if s.heading.location))
        for s in script.scenes:
            if s.heading.location and s.heading.prefix:
                g.prefixes.setdefault(s.heading.location.upper(), s.heading.prefix.upper())
    named = [_canonical(c, known) for c in characters if c.strip()]
    order = named + [c for c, _ in ranked.most_common() if c not in named]
    order += [c for c in known if c not in order]
    g.characters = order
    g.required = list(dict.fromkeys(named))
    if bible is not None:
        g.locations += [loc.upper() for loc in bible.locations if loc.upper() not in g.locations]
    return g
