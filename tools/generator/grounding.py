"""What of the draft a model should see to write new material where it goes (the Scope, see screenplay/scope.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from screenplay.formats.fountain import render
from screenplay.bible import StoryBible
from screenplay.model import ElementType, Scene, Script, normalize_character
from screenplay.scope import Scope
from tools.generator.scaffold import is_place

ET = ElementType

NEIGHBOURS = 3  # scenes before the position a prompt may quote


@dataclass
class Grounding:
    """What a prompt knows of the writer's story for one request."""

    scope: Scope | None = None  # where the new material goes
    position: str = ""  # that place in words, for the prompt and the writer: "the opening of act two"
    before: list[Scene] = field(default_factory=list)  # the scenes just before, in script order
    current: Scene | None = None  # the scene being re-imagined, for scene targets
    draft_text: str = ""  # Fountain of `before` (and `current`), trimmed to the budget
    characters: list[str] = field(default_factory=list)  # who belongs here, most relevant first
    required: list[str] = field(default_factory=list)  # the writer named them: every candidate has them
    locations: list[str] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)  # location -> the draft's INT./EXT. for it
    bible_text: str = ""
    draft_characters: list[str] = field(default_factory=list)  # every speaker of the draft


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


def build_grounding(script: Script | None, bible: StoryBible | None, scope: Scope | None, *,
                    characters: list[str] | tuple[str, ...] = (), budget: int = 2400) -> Grounding:
    g = Grounding(bible_text=bible.to_text() if bible is not None else "")
    known = list(script.characters) if script is not None else []
    if bible is not None:
        known += [normalize_character(c) for c in bible.characters if normalize_character(c) not in known]
    g.draft_characters = known

    ranked: Counter[str] = Counter()
    if script is not None and script.scenes and scope is not None:
        g.scope = scope
        # A scene target is re-imagined in place: the model sees what leads into it, and the scene itself.
        at = scope.scene if scope.scene is not None else scope.insert_at
        if scope.scene is not None:
            g.position = f"{scope.label} ({script.scenes[at].heading.text})"
            g.current = script.scenes[at]
        else:
            # "the opening of act two", "after the last scene"; a beat is its own name ("the midpoint").
            g.position = scope.where if scope.act is not None or scope.whole else scope.label
        g.before = script.scenes[max(0, at - NEIGHBOURS):at]
        quoted = g.before + ([g.current] if g.current is not None else [])
        g.draft_text = trim_scenes(quoted, budget)
        after = script.scenes[at + (1 if g.current is not None else 0):][:2]
        # Closest scenes weigh most: the current one, then the one just before, then those after.
        weights = [(g.current, 8)] if g.current is not None else []
        weights += [(s, 4 + i) for i, s in enumerate(g.before)] + [(s, 2) for s in after]
        for s, w in weights:
            for el in s.elements:
                if el.type is ET.CHARACTER:
                    ranked[el.cue_name] += w
        # Only real places: a forced heading with no INT./EXT. (".OPENING TITLES", ".SNIPER SCOPE POV") is a card
        # or a shot, and so is a montage or a POV even under a prefix.
        g.locations = list(dict.fromkeys(s.heading.location.upper() for s in quoted + after
                                         if s.heading.prefix and is_place(s.heading.location)))
        for s in script.scenes:
            if s.heading.location and s.heading.prefix:
                g.prefixes.setdefault(s.heading.location.upper(), s.heading.prefix.upper())
    named = [_canonical(c, known) for c in characters if c.strip()]
    order = named + [c for c, _ in ranked.most_common() if c not in named]
    order += [c for c in known if c not in order]
    g.characters = order
    g.required = list(dict.fromkeys(named))
    if bible is not None:
        g.locations += [loc.upper() for loc in bible.locations if loc.upper() not in g.locations and is_place(loc)]
    return g
