"""The outline board's operations on a Script: index cards, reorder, synopses, empty cards for scenes to write.

Pure functions: each returns a new Script and leaves its argument alone. A card's synopsis is the writer's own
Fountain ``=`` line in the scene, else a line the caller has (the summarizer's cached one). An empty card is a scene
with a forced heading and only its synopsis, for the generator to fill later.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass
from typing import Any, Mapping

from screenplay.model import Element, ElementType, Scene, SceneHeading, Script
from screenplay.places import PLACEHOLDER_HEADING

ET = ElementType
_NOT_CONTENT = (ET.SYNOPSIS, ET.NOTE, ET.SECTION, ET.PAGE_BREAK)


class OutlineError(ValueError):
    """An outline change that points past the draft; the message says what the draft has."""


@dataclass(frozen=True)
class Card:
    number: int  # 1-based position in the draft
    label: str  # the scene's own number when it has one, else its position
    heading: str
    synopsis: str
    synopsis_source: str  # "writer" (an = line), "summary" (the caller's line) or "" (none)
    characters: tuple[str, ...]
    eighths: int  # length in eighths of a page
    act: int
    act_label: str  # "Act 2"
    placeholder: bool  # an empty card: a synopsis waiting for its scene

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["characters"] = list(self.characters)
        return data


def writer_synopsis(scene: Scene) -> str:
    return next((el.text for el in scene.elements if el.type is ET.SYNOPSIS and el.text.strip()), "")


def is_placeholder(scene: Scene) -> bool:
    return all(el.type in _NOT_CONTENT for el in scene.elements)


def act_of_scenes(script: Script) -> list[int]:
    """The act number of every scene, from screenplay.scope's act detection."""
    from screenplay.scope import find_acts

    if not script.scenes:
        return []
    acts = find_acts(script)
    numbers = acts.numbers or tuple(range(1, acts.count + 1))
    bounds = acts.bounds(len(script.scenes))
    out = []
    for k, number in enumerate(numbers):
        out.extend([number] * (bounds[k + 1] - bounds[k]))
    return out[:len(script.scenes)] + [numbers[-1]] * (len(script.scenes) - len(out))


def cards(script: Script, synopses: Mapping[int, str] | None = None) -> list[Card]:
    """One card per scene; ``synopses`` maps 1-based scene positions to cached lines for scenes without an = line."""
    from screenplay.stats import compute

    stats = compute(script).scenes if script.scenes else []
    acts = act_of_scenes(script)
    out = []
    for idx, scene in enumerate(script.scenes):
        own = writer_synopsis(scene)
        cached = (synopses or {}).get(idx + 1, "")
        out.append(Card(
            number=idx + 1,
            label=scene.heading.number or str(idx + 1),
            heading=scene.heading.text,
            synopsis=own or cached,
            synopsis_source="writer" if own else ("summary" if cached else ""),
            characters=tuple(scene.characters),
            eighths=stats[idx].eighths if idx < len(stats) else 1,
            act=acts[idx],
            act_label=f"Act {acts[idx]}",
            placeholder=is_placeholder(scene),
        ))
    return out


def _position(script: Script, n: int, *, what: str, extra: int = 0) -> int:
    total = len(script.scenes)
    if not isinstance(n, int) or not 1 <= n <= total + extra:
        raise OutlineError(f"{what} must be a scene from 1 to {total + extra}; the draft has {total} scenes")
    return n - 1


def move_scene(script: Script, from_n: int, to_n: int) -> Script:
    """Scene ``from_n`` moved so that it becomes scene ``to_n`` (both 1-based)."""
    src = _position(script, from_n, what="the scene to move")
    dst = _position(script, to_n, what="where it goes")
    out = copy.deepcopy(script)
    scene = out.scenes.pop(src)
    out.scenes.insert(dst, scene)
    return out


def set_synopsis(script: Script, n: int, text: str) -> Script:
    """Scene ``n``'s = synopsis set to ``text`` (one line); empty text removes it."""
    idx = _position(script, n, what="the card")
    line = " ".join(str(text or "").split())
    out = copy.deepcopy(script)
    elements = out.scenes[idx].elements
    at = next((k for k, el in enumerate(elements) if el.type is ET.SYNOPSIS), None)
    if at is not None:
        if line:
            elements[at] = Element(ET.SYNOPSIS, line)
        else:
            del elements[at]
    elif line:
        elements.insert(0, Element(ET.SYNOPSIS, line))
    return out


def add_card(script: Script, at: int, line: str) -> Script:
    """An empty scene carrying ``line`` as its synopsis, placed to become scene ``at`` (len + 1: at the end)."""
    idx = _position(script, at, what="the new card's place", extra=1)
    line = " ".join(str(line or "").split())
    if not line:
        raise OutlineError("a new card needs one line saying what happens, e.g. 'Maya finds the keys in the snow'")
    out = copy.deepcopy(script)
    heading = SceneHeading(text=PLACEHOLDER_HEADING, location=PLACEHOLDER_HEADING, forced=True)
    out.scenes.insert(idx, Scene(heading=heading, elements=[Element(ET.SYNOPSIS, line)]))
    return out


def place_scene(ours: Script, theirs: Script, n: int, at: int | None = None) -> Script:
    """Scene ``n`` of ``theirs`` brought into ``ours``: before scene ``at`` when given, else in place of our scene
    with the same heading, else at the same position (or the end)."""
    scene = copy.deepcopy(theirs.scenes[_position(theirs, n, what="the scene to bring")])
    out = copy.deepcopy(ours)
    if at is not None:
        out.scenes.insert(_position(out, at, what="where it goes", extra=1), scene)
        return out
    same = [k for k, s in enumerate(out.scenes) if s.heading.text.strip().upper() == scene.heading.text.strip().upper()]
    if same:
        k = min(same, key=lambda k: abs(k - (n - 1)))  # of several same headings, the one nearest its place
        out.scenes[k] = scene
    else:
        out.scenes.insert(min(n - 1, len(out.scenes)), scene)
    return out
