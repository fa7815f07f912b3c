"""Scoring grounded answers against known answers (tests/data/grounded_questions.jsonl): names, scenes, numbers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from agent.grounding.answer import GroundedAnswer


@dataclass(frozen=True)
class Question:
    script: str  # "samples/NAME" (tests/fixtures) or "realscripts/NAME" (../shared/realscripts)
    question: str
    names: tuple[str, ...] = ()  # must be named in the answer
    scenes: tuple[str, ...] = ()  # scene numbers the answer must cite
    numbers: tuple[str, ...] = ()  # whole numbers the answer must state
    contains: tuple[str, ...] = ()  # exact phrases the answer must hold ("1 4/8 pages")
    answerable: bool = True
    extra: dict = field(default_factory=dict, compare=False)


def load_questions(path: str | Path) -> list[Question]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Question(row.pop("script"), row.pop("question"), tuple(row.pop("names", ())),
                                tuple(row.pop("scenes", ())), tuple(row.pop("numbers", ())),
                                tuple(row.pop("contains", ())), row.pop("answerable", True), row))
    return out


def wrong(q: Question, answer: GroundedAnswer) -> str:
    """'' when the answer is right, else what is wrong with it."""
    text = answer.text
    if answer.answerable != q.answerable:
        return "answered what the draft cannot say" if answer.answerable else "said the draft cannot answer"
    if not q.answerable:
        return ""
    cited = {c.number for c in answer.citations}
    if not cited:
        return "no scene cited"
    for scene in q.scenes:
        if scene not in cited:
            return f"scene {scene} not cited (cited {', '.join(sorted(cited))})"
    for name in q.names:
        if not re.search(r"\b" + re.escape(name) + r"\b", text, re.IGNORECASE):
            return f"{name} not named"
    for n in q.numbers:
        if not re.search(r"(?<![\w/])" + re.escape(n) + r"(?![\w/])", text):
            return f"{n} not stated"
    for phrase in q.contains:
        if phrase not in text:
            return f"'{phrase}' not stated"
    return ""
