"""What part of a draft a request points at ("act two", "scene 12", "the diner scene", "the midpoint"), defined once.

Acts come from the writer's own markers in any element type (``# ACT TWO`` sections, ``ACT II`` action lines,
centered ``END OF ACT ONE``, transitions; PDF and stage-play imports carry them as action) when the draft has
them, else from the conventional breaks at 25% and 75% of the printed length. Every tool reads acts from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screenplay.model import ElementType, Scene, Script

ET = ElementType

_ACT_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
}
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_ACT_RE = re.compile(
    r"^\s*(end\s+of\s+)?act\s+(" + "|".join(sorted(_ACT_WORDS, key=len, reverse=True)) + r"|\d{1,2})\b\.?",
    re.IGNORECASE,
)
_MARKER_TYPES = (ET.SECTION, ET.ACTION, ET.CENTERED, ET.TRANSITION)
# Elements that carry no story: a marker followed only by these sits at the end of its scene.
_QUIET = (ET.SECTION, ET.NOTE, ET.SYNOPSIS, ET.PAGE_BREAK, ET.TRANSITION, ET.CENTERED)
ACT_BREAKS = (0.25, 0.75)  # act two and act three start here when the draft marks no acts
# Where each story beat usually falls, as a share of the script's printed length.
BEAT_POSITION = {
    "opening": 0.0, "cold-open": 0.0, "inciting-incident": 0.1, "first-turn": 0.25,
    "midpoint": 0.5, "all-is-lost": 0.75, "climax": 0.88, "ending": 1.0,
}


class ScopeError(ValueError):
    """A request points at a part of the draft that is not there; the message says what there is."""


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


def _markers(script: Script) -> list[tuple[int, int, bool]]:
    """(scene index the act starts at, act, is-end) for every act marker, in script order."""
    found: list[tuple[int, int, bool]] = []
    for el in script.preamble:
        hit = act_marker(el.text) if el.type in _MARKER_TYPES else None
        if hit:
            found.append((0, hit[0], hit[1]))
    for idx, scene in enumerate(script.scenes):
        for pos, el in enumerate(scene.elements):
            hit = act_marker(el.text) if el.type in _MARKER_TYPES else None
            if not hit:
                continue
            rest, earlier = scene.elements[pos + 1:], scene.elements[:pos]
            if all(e.type in _QUIET or act_marker(e.text) for e in rest):
                start = idx + 1  # a marker closing a scene belongs to the next one
            elif all(e.type in _QUIET or act_marker(e.text) for e in earlier):
                start = idx  # right under the heading
            else:
                start = idx + 1
            found.append((start, hit[0], hit[1]))
    return found


def marked_acts(script: Script) -> dict[int, int]:
    """Act number -> index of its first scene, from the writer's markers; {} when there are none."""
    starts: dict[int, int] = {}
    for start, act, is_end in _markers(script):
        starts.setdefault(act + 1 if is_end else act, start)
    if starts and 1 not in starts:
        starts[1] = 0
    return starts


def scene_fractions(script: Script) -> list[float]:
    """Where each scene starts, as a share of the script's printed length (0 for the first)."""
    from screenplay.stats import compute

    scenes = compute(script).scenes
    total = sum(s.eighths for s in scenes) or 1
    out, run = [], 0
    for s in scenes:
        out.append(run / total)
        run += s.eighths
    return out


def _index_at(fractions: list[float], share: float) -> int:
    if share >= 1.0:
        return len(fractions)
    return next((idx for idx, f in enumerate(fractions) if f >= share), len(fractions))


@dataclass(frozen=True)
class Acts:
    """The draft's acts: ``starts[k]`` is the first scene (0-based) of act k + 2; act one starts at scene 0."""

    starts: tuple[int, ...]
    source: str  # "markers" (the writer's act lines) or "pages" (25% / 75% of the printed length)
    numbers: tuple[int, ...] = ()  # the act numbers, in order (marked drafts may start at act two, say)

    @property
    def count(self) -> int:
        return len(self.starts) + 1

    def bounds(self, scenes: int) -> list[int]:
        return [0, *self.starts, scenes]

    def span(self, act: int, scenes: int) -> range:
        """The scene indices of act ``act`` (1-based)."""
        numbers = self.numbers or tuple(range(1, self.count + 1))
        if act not in numbers:
            if self.source == "markers":
                raise ScopeError(f"the draft marks acts {', '.join(map(str, numbers))}; there is no act {act}. "
                                 "Ask for one of those acts.")
            raise ScopeError(f"the draft has no act markers, so it is read as {self.count} acts; there is no act "
                             f"{act}. Ask for act 1 to {self.count}, or mark acts in the draft with 'ACT FOUR' lines.")
        k = numbers.index(act)
        bounds = self.bounds(scenes)
        return range(bounds[k], bounds[k + 1])


def find_acts(script: Script) -> Acts:
    marked = marked_acts(script)
    n = len(script.scenes)
    if marked:
        numbers, starts = [], []
        for act, start in sorted(marked.items()):
            if act == min(marked):
                numbers.append(act)
            elif 0 < start < n and (not starts or start > starts[-1]):
                numbers.append(act)
                starts.append(start)
        return Acts(tuple(starts), "markers", tuple(numbers))
    fractions = scene_fractions(script)
    starts = []
    for share in ACT_BREAKS:
        idx = _index_at(fractions, share)
        if 0 < idx < n and idx not in starts:
            starts.append(idx)
    return Acts(tuple(starts), "pages")


@dataclass(frozen=True)
class Scope:
    """A part of the draft a request points at, and where new material for it goes."""

    label: str  # for the writer and prompts: "act 2", "scene 12", "the midpoint", "the whole script"
    first: int  # 0-based index of its first scene
    stop: int  # one past its last scene (first == stop: a point between scenes, e.g. a beat at the very end)
    insert_at: int  # the scene index new material goes before (len(scenes): after the last scene)
    where: str  # where new material goes, in words: "the opening of act two", "after scene 14"
    act: int | None = None
    scene: int | None = None  # the one scene pointed at (0-based), when it is one scene
    pages: tuple[int, int] = (1, 1)  # first and last page of the scenes
    acts_source: str = ""  # how the acts were found: "markers" or "pages"

    @property
    def whole(self) -> bool:
        return self.label == WHOLE

    @property
    def indices(self) -> list[int]:
        return list(range(self.first, self.stop))

    def scenes(self, script: Script) -> list[Scene]:
        return script.scenes[self.first:self.stop]


WHOLE = "the whole script"


def act_name(act: int) -> str:
    return NUMBER_WORDS[act] if 0 <= act < len(NUMBER_WORDS) else str(act)


def find_scene(script: Script, ref: str) -> int:
    """Index of the scene a writer names by place or event ("the diner scene"): a heading that contains the
    words, else a scene whose text does, else the scene sharing most of its words with them."""
    needle = ref.lower().strip()
    for idx, scene in enumerate(script.scenes):
        if needle and (needle in scene.heading.location.lower() or needle in scene.heading.text.lower()):
            return idx
    for idx, scene in enumerate(script.scenes):
        if needle and needle in scene.text.lower():
            return idx
    words = [w for w in re.findall(r"[a-z0-9']+", needle) if w not in ("the", "scene", "a", "an", "in", "at", "where")]
    best, best_score = None, 0
    for idx, scene in enumerate(script.scenes):
        heading, body = scene.heading.text.lower(), scene.text.lower()
        score = sum(3 * (w in heading) + (w in body) for w in words)
        if score > best_score:
            best, best_score = idx, score
    if best is None:
        places = ", ".join(dict.fromkeys(s.heading.location.lower() for s in script.scenes if s.heading.location))
        raise ScopeError(f"no scene matches '{ref}'; name a scene by its place (for example: {places[:120]}) "
                         f"or give its number (1 to {len(script.scenes)}).")
    return best


def resolve(script: Script, *, act: int | None = None, scene: int | None = None, scene_ref: str | None = None,
            beat: str | None = None) -> Scope:
    """The part of ``script`` a request names; a reference to something that is not there raises ScopeError.

    A scene (by number or name) wins over an act, an act over a beat; nothing named is the whole script, with
    new material going after the last scene.
    """
    n = len(script.scenes)
    if n == 0:
        raise ScopeError("the draft has no scenes yet (no scene headings such as INT. KITCHEN - DAY)")
    acts = find_acts(script)
    if scene is not None or scene_ref:
        if scene is not None:
            try:
                target = script.scene(scene)
            except IndexError:
                raise ScopeError(f"there is no scene {scene}: this draft has {n} scenes (1 to {n}).") from None
            idx = next(i for i, s in enumerate(script.scenes) if s is target)
        else:
            idx = find_scene(script, scene_ref or "")
        label = f"scene {idx + 1}"
        # Options for a scene are other versions of it: they go right after it, beside the one they re-imagine.
        return _scope(script, label, idx, idx + 1, idx + 1, f"after scene {idx + 1}", acts, scene=idx)
    if act is not None:
        span = acts.span(act, n)
        return _scope(script, f"act {act}", span.start, span.stop, span.start, f"the opening of act {act_name(act)}",
                      acts, act=act)
    if beat:
        if beat not in BEAT_POSITION:
            raise ScopeError(f"unknown story beat {beat!r}; use one of: {', '.join(BEAT_POSITION)}")
        idx = _index_at(scene_fractions(script), BEAT_POSITION[beat])
        where = "after the last scene" if idx >= n else f"before scene {idx + 1}"
        return _scope(script, f"the {beat.replace('-', ' ')}", idx, min(idx + 1, n), idx, where, acts)
    return _scope(script, WHOLE, 0, n, n, "after the last scene", acts)


def _scope(script: Script, label: str, first: int, stop: int, insert_at: int, where: str, acts: Acts,
           **extra: int | None) -> Scope:
    from screenplay.stats import compute

    pages = [s.page for s in compute(script).scenes[first:stop]] or [1]
    return Scope(label=label, first=first, stop=stop, insert_at=insert_at, where=where,
                 pages=(min(pages), max(pages)), acts_source=acts.source, **extra)
