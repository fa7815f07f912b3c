"""Score a generated scene by form and length, until the critic's learned scorer takes over.

Any object with ``score(scene_text) -> float`` (higher is better, 0 to 1) can replace it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from screenplay.formats.fountain import parse
from screenplay.model import ElementType
from screenplay.stats import count_words

ET = ElementType

# A scene of a few lines to three pages; generated options are usually half a page to a page and a half.
MIN_WORDS, GOOD_MIN_WORDS, GOOD_MAX_WORDS, MAX_WORDS = 25, 60, 500, 1200
# Text that means the model echoed its prompt or a chat template into the scene.
_LEAK_RE = re.compile(r"<<<|>>>|<\|[^|]*\|>|^\s*(?:system|assistant|user)\s*:", re.I | re.M)


@runtime_checkable
class SceneScorer(Protocol):
    def score(self, scene_text: str) -> float: ...


@dataclass
class SceneCheck:
    """What a scene's text amounts to as Fountain."""

    valid: bool  # one heading, at least one cue with dialogue
    heading: str = ""
    characters: list[str] = field(default_factory=list)
    speeches: int = 0
    action_paragraphs: int = 0
    words: int = 0
    problems: list[str] = field(default_factory=list)


def check_scene(text: str) -> SceneCheck:
    """Parse ``text`` with the project's Fountain parser and say whether it is one complete scene."""
    script = parse(text)
    problems: list[str] = []
    if not script.scenes:
        return SceneCheck(False, problems=["no scene heading"], words=count_words(text))
    if len(script.scenes) > 1:
        problems.append(f"{len(script.scenes)} scene headings, expected one")
    if any(el.type is not ET.NOTE for el in script.preamble):
        problems.append("text before the scene heading")
    scene = script.scenes[0]
    speeches = 0
    for i, el in enumerate(scene.elements):
        if el.type is ET.CHARACTER:
            rest = scene.elements[i + 1:]
            speech = next((e for e in rest if e.type is not ET.PARENTHETICAL), None)
            if speech is not None and speech.type is ET.DIALOGUE and speech.text.strip():
                speeches += 1
    if speeches == 0:
        problems.append("no character cue with dialogue")
    words = sum(count_words(s.text) for s in script.scenes)
    return SceneCheck(
        valid=not problems,
        heading=scene.heading.text,
        characters=scene.characters,
        speeches=speeches,
        action_paragraphs=sum(1 for el in scene.elements if el.type is ET.ACTION),
        words=words,
        problems=problems,
    )


def _length_score(words: int) -> float:
    if words < MIN_WORDS or words > MAX_WORDS:
        return 0.0
    if words < GOOD_MIN_WORDS:
        return (words - MIN_WORDS) / (GOOD_MIN_WORDS - MIN_WORDS)
    if words > GOOD_MAX_WORDS:
        return 1.0 - (words - GOOD_MAX_WORDS) / (MAX_WORDS - GOOD_MAX_WORDS)
    return 1.0


def _variety(text: str) -> float:
    """Distinct word pairs over all pairs: a looping model repeats itself and scores low."""
    words = re.findall(r"[a-z']+", text.lower())
    pairs = list(zip(words, words[1:]))
    return len(set(pairs)) / len(pairs) if pairs else 0.0


class FormatLengthScorer:
    """0 for text that is not a complete scene; otherwise form, length, variety and exchange."""

    def score(self, scene_text: str) -> float:
        check = check_scene(scene_text)
        if not check.valid:
            return 0.0
        s = 0.4  # parses as one scene with a heading and dialogue
        s += 0.2 * _length_score(check.words)
        s += 0.15 * _variety(scene_text)
        s += 0.1 * min(check.speeches, 4) / 4  # an exchange, not a single line
        s += 0.05 * (1.0 if check.action_paragraphs else 0.0)
        s += 0.1 * (1.0 if len(check.characters) >= 2 else 0.0)
        if _LEAK_RE.search(scene_text):
            s -= 0.3
        return round(max(0.0, min(1.0, s)), 4)


def score_scene(scene_text: str) -> float:
    return FormatLengthScorer().score(scene_text)
