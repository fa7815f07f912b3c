"""Code-made bad scenes for training the scene scorer: each takes a well-crafted Fountain scene and breaks it."""

from __future__ import annotations

import random
import re
from typing import Callable

FILLER_LINES = [
    "I don't know.", "Okay.", "Yeah.", "What do you mean?", "We need to talk.", "Fine.", "Whatever you say.",
    "I guess so.", "That's interesting.", "Let's go.", "Are you okay?", "Sure.", "I have to go now.",
]
FILLER_ACTION = [
    "He looks at her.", "She looks at him.", "They stand there.", "He walks to the door.", "She sits down.",
    "A moment passes.", "He nods.", "She shrugs.", "They look around the room.",
]


def _split(text: str) -> tuple[str, list[str]]:
    paras = [p for p in text.strip().split("\n\n") if p.strip()]
    return (paras[0], paras[1:]) if paras else ("", [])


def _is_speech(p: str) -> bool:
    first = p.split("\n")[0]
    name = re.sub(r"\(.*?\)", "", first).strip()
    return "\n" in p and name == name.upper() and any(c.isalpha() for c in name)


def _each_paragraph(text: str, speech: Callable[[str], str], other: Callable[[str], str]) -> str:
    """The scene with each body paragraph replaced by ``speech(p)`` or ``other(p)``; empty results are dropped."""
    head, body = _split(text)
    out = [speech(p) if _is_speech(p) else other(p) for p in body]
    return "\n\n".join([head, *(p for p in out if p)])


def shuffle_lines(text: str, rng: random.Random) -> str:
    """Every line of the body in random order, each its own paragraph: cues lose their speeches."""
    head, body = _split(text)
    lines = [ln for p in body for ln in p.split("\n") if ln.strip()]
    rng.shuffle(lines)
    return "\n\n".join([head, *lines])


def flatten_dialogue(text: str, rng: random.Random) -> str:
    """Cues and parentheticals removed: speeches run on as unattributed paragraphs."""
    return _each_paragraph(
        text, lambda p: " ".join(ln for ln in p.split("\n")[1:] if not ln.strip().startswith("(")), lambda p: p)


def break_format(text: str, rng: random.Random) -> str:
    """No heading prefix, lower-case cues, paragraphs run together without blank lines."""
    head, body = _split(text)
    head = re.sub(r"^(INT\.|EXT\.|INT\./EXT\.|I/E\.?)\s*", "", head).lower()
    out = []
    for p in body:
        lines = p.split("\n")
        if _is_speech(p):
            lines[0] = lines[0].title() + ":"
        out.append(" ".join(lines) if rng.random() < 0.5 else "\n".join(lines))
    return "\n".join([head, *out])


def generic_filler(text: str, rng: random.Random) -> str:
    """Most dialogue and action replaced by stock lines that could be in any scene."""
    return _each_paragraph(
        text, lambda p: p.split("\n")[0] + "\n" + rng.choice(FILLER_LINES) if rng.random() < 0.8 else p,
        lambda p: rng.choice(FILLER_ACTION) if rng.random() < 0.8 else p)


def truncate(text: str, rng: random.Random) -> str:
    """The scene stops a quarter of the way in, mid-paragraph."""
    head, body = _split(text)
    keep = max(1, int(len(body) * rng.uniform(0.15, 0.35)))
    kept = body[:keep]
    last = kept[-1]
    cut = last[: max(8, int(len(last) * rng.uniform(0.3, 0.7)))].rstrip(" .!?")
    return "\n\n".join([head, *kept[:-1], cut])


DEGRADATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "shuffle_lines": shuffle_lines,
    "flatten_dialogue": flatten_dialogue,
    "break_format": break_format,
    "generic_filler": generic_filler,
    "truncate": truncate,
}


def clean_excerpt(text: str, rng: random.Random) -> str | None:
    """A short but whole piece of the scene, ending on a finished paragraph: short is not bad.

    Professional scripts are full of eighth-page scenes; without these the scorer learns "short = truncated".
    None when the scene has no such cut.
    """
    head, body = _split(text)
    ends = [k for k in range(1, len(body)) if body[k - 1].rstrip()[-1:] in ".!?\"'’”-"]
    if not ends:
        return None
    short = [k for k in ends if k <= max(2, len(body) // 3)] or ends[:1]
    return "\n\n".join([head, *body[: rng.choice(short)]])


def forced_heading(text: str, rng: random.Random) -> str:
    """The same good scene under a forced heading without INT./EXT. (".BACK IN THE APARTMENT"): still good."""
    head, body = _split(text)
    place = re.sub(r"^(INT\.|EXT\.|INT\./EXT\.|I/E\.?)\s*", "", head).split(" - ")[0]
    return "\n\n".join(["." + place.upper(), *body])
