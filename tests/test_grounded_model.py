"""Grounded chat on the real embedded model (SmolLM2-135M on llama.cpp, scaffold tier): at least 9 of 10 questions
per script answered right from the draft (tests/data/grounded_questions.jsonl), every answer with a cited scene."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.grounding import DraftAsker
from agent.grounding.evaluation import load_questions, wrong
from screenplay.io import load

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent
QUESTIONS = load_questions(ROOT / "data" / "grounded_questions.jsonl")
SCRIPTS = sorted({q.script for q in QUESTIONS})


@pytest.fixture(scope="module")
def room(llama_engine, embedder):
    """The embedded model and the asker, loaded once for the module."""
    from agent.models.local import LocalChatModel

    return LocalChatModel(engine=llama_engine, max_new_tokens=256), DraftAsker(embedder)


@pytest.mark.parametrize("name", SCRIPTS)
def test_nine_of_ten_right_on_the_scaffold_tier_each_with_a_cited_scene(room, name):
    model, asker = room
    kind, file = name.split("/", 1)
    folder = ROOT / "fixtures" / "samples" if kind == "samples" else ROOT.parent.parent / "shared" / "realscripts"
    if not (folder / file).exists():
        pytest.skip(f"{folder / file} is not present")
    script = load(folder / file, max_bytes=10**6)
    rows = [q for q in QUESTIONS if q.script == name]
    assert len(rows) == 10
    results = {q.question: (asker.answer(script, q.question, model, tier="scaffold"), q) for q in rows}
    misses = {question: wrong(q, a) for question, (a, q) in results.items() if wrong(q, a)}
    assert len(misses) <= 1, misses
    for question, (answer, q) in results.items():
        if q.answerable:
            assert answer.citations and "Cited: scene" in answer.text, question
