"""The free tier's check of a scene a capable model wrote as Fountain: pass it through untouched when it is a
valid scene in the scene's cast, repair only what breaks, and refuse (with the reason) what cannot be repaired.

Never flattened into ``NAME: words``: a good answer leaves here byte for byte as the model wrote it (less the
whitespace around it), so its action, parentheticals and transitions stay the model's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from screenplay.formats.fountain import parse
from screenplay.model import ElementType
from tools.generator.rails import unlicensed_words
from tools.scene_scoring import check_scene

ET = ElementType

_HEADING_RE = re.compile(r"^\s*\.?(?:INT\.?/EXT|INT|EXT|EST|I/E)[. ]", re.IGNORECASE)
_FENCE_RE = re.compile(r"^\s*```\w*\s*$")
# Where a finished scene may end: a sentence, a quotation, a dash, a transition or a parenthesis.
_ENDS = (".", "!", "?", '"', "”", "'", "’", ":", ")", "—", "-", "…", "*")


@dataclass
class FreeScene:
    fountain: str
    repairs: list[str] = field(default_factory=list)
    refused: str = ""  # why the answer cannot be offered; empty when it can

    @property
    def ok(self) -> bool:
        return not self.refused


def check_free(text: str, heading: str, cast: tuple[str, ...], allowed: tuple[str, ...] | list[str] = (),
               licensed: set[str] | frozenset[str] = frozenset()) -> FreeScene:
    """``text``: the model's answer; ``heading``: the scene's planned heading, used only when the answer has none;
    ``cast``: the scene's speakers; ``allowed``: everyone else in the draft, who may also speak; ``licensed``: the
    words of the draft and brief (a profane word outside them refuses the scene)."""
    repairs: list[str] = []
    lines = [ln.rstrip() for ln in text.replace("\r", "").strip("\n").split("\n") if not _FENCE_RE.match(ln)]
    if len(lines) != len(text.replace("\r", "").strip("\n").split("\n")):
        repairs.append("dropped a code fence")
    start = next((i for i, ln in enumerate(lines) if _HEADING_RE.match(ln)), None)
    if start is None:
        lines = [heading, ""] + lines
        repairs.append("added the scene heading")
    elif any(ln.strip() for ln in lines[:start]):
        lines = lines[start:]
        repairs.append("dropped text before the scene heading")
    else:
        lines = lines[start:]
    second = next((i for i, ln in enumerate(lines) if i > 0 and _HEADING_RE.match(ln)), None)
    if second is not None:
        lines = lines[:second]
        repairs.append("cut a second scene")
    names = tuple(dict.fromkeys([*cast, *allowed]))
    lines, upper = _upper_case_cues(lines, names)
    if upper:
        repairs.append("made cues upper case")
    lines, cut = _cut_unfinished(lines)
    if cut:
        repairs.append("cut an unfinished ending")
    fountain = "\n".join(lines).strip() + "\n"

    check = check_scene(fountain)
    if not check.valid:
        return FreeScene(fountain, repairs, "not a complete scene: " + "; ".join(check.problems))
    strangers = [c for c in check.characters if c not in names]
    if strangers:
        return FreeScene(fountain, repairs, f"{', '.join(strangers)} speaks but is not in the draft or the scene's cast "
                                           f"({', '.join(cast)})")
    rude = unlicensed_words(fountain, licensed)
    if rude:
        return FreeScene(fountain, repairs, f"uses {', '.join(repr(w) for w in rude)}, which the draft and brief never use")
    if not repairs:
        fountain = text.strip() + "\n"  # untouched: exactly the model's scene
    return FreeScene(fountain, repairs)


def _upper_case_cues(lines: list[str], names: tuple[str, ...]) -> tuple[list[str], bool]:
    """A cast name written in lower case on its own line, after a blank line and before words, is a cue."""
    wanted = {n.lower(): n for n in names}
    firsts = [n.split()[0].lower() for n in names]
    # "Nora" for NORA WELLS, when only one speaker has that first name.
    wanted.update({n.split()[0].lower(): n for n in names if firsts.count(n.split()[0].lower()) == 1})
    out, changed = list(lines), False
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)([A-Za-z][A-Za-z .'’-]*?)(\s*\([^()]*\))?\s*$", line)
        if not m or m.group(2) == m.group(2).upper():
            continue
        before = lines[i - 1].strip() if i > 0 else ""
        after = lines[i + 1].strip() if i + 1 < len(lines) else ""
        name = wanted.get(m.group(2).strip().lower())
        if name and not before and after:
            out[i] = f"{m.group(1)}{name}{(m.group(3) or '').upper()}"
            changed = True
    return out, changed


def _cut_unfinished(lines: list[str]) -> tuple[list[str], bool]:
    """A scene cut off by the token limit: drop a last paragraph that stops mid-sentence, and a cue (and its
    parenthetical) left with nothing to say."""
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    changed = False
    if len(lines) > 1 and not lines[-1].strip().endswith(_ENDS):
        while lines and lines[-1].strip():
            lines.pop()  # the whole unfinished paragraph: half a speech reads worse than none
        changed = True
    while lines and not lines[-1].strip():
        lines.pop()
    script = parse("\n".join(lines))
    scene = script.scenes[-1] if script.scenes else None
    if scene is not None and scene.elements and scene.elements[-1].type in (ET.CHARACTER, ET.PARENTHETICAL):
        # A dangling cue: remove the paragraph it opens.
        while lines and lines[-1].strip():
            lines.pop()
        changed = True
    return lines, changed
