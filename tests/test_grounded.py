"""Grounded chat: questions about the attached draft answered from the draft, with the scenes cited.

Program facts and retrieval run for real (the packaged MiniLM); models here are scripted: the one that
"phrases" on the scaffold tier and a capable-model fixture (below) on the free tier, whose bad answers must
fall back to the program's answer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from agent.events import EventKind
from agent.grounding import DraftAsker
from agent.grounding.evaluation import load_questions, wrong
from agent.grounding.verify import check_answer, check_phrasing
from agent.loop import Agent
from agent.models.factory import ModelInfo
from agent.models.fake import ScriptedChatModel
from agent.project import Project
from agent.session import Session
from screenplay.io import load

ROOT = Path(__file__).resolve().parent
SAMPLES = ROOT / "fixtures" / "samples"
QUESTIONS = load_questions(ROOT / "data" / "grounded_questions.jsonl")
SCAFFOLD = ModelInfo("fake", "scripted", False, True, 4096, token_limit_param="max_tokens")
FREE = ModelInfo("fake", "capable", True, True, 32768, token_limit_param="max_tokens", writing_tier="free")


@pytest.fixture(scope="module")
def asker(embedder):
    return DraftAsker(embedder)


def bakery():
    return load(SAMPLES / "bakery.fountain", max_bytes=10**6)


def script_of(q, realscripts_dir=None):
    kind, name = q.script.split("/", 1)
    if kind == "samples":
        return load(SAMPLES / name, max_bytes=10**6)
    return load(realscripts_dir / name, max_bytes=10**6)


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.script.startswith("samples/")], ids=lambda q: q.question)
def test_the_program_answers_every_sample_question_right_with_a_scene_cited(asker, q):
    answer = asker.answer(script_of(q), q.question)
    assert wrong(q, answer) == "", answer.text
    assert answer.source == "program"
    if q.answerable:
        assert answer.citations and "Cited: scene" in answer.text


def test_the_program_answers_brick_and_steel(asker, realscripts):
    rows = [q for q in QUESTIONS if q.script.startswith("realscripts/")]
    assert len(rows) == 10
    bad = {q.question: wrong(q, asker.answer(script_of(q, realscripts), q.question)) for q in rows}
    assert {k: v for k, v in bad.items() if v} == {}


def test_a_question_the_draft_cannot_answer_says_so():
    asker = DraftAsker()
    for question in ("who is Maya?", "what is the capital of France?", "what saves the fishing boat?"):
        answer = asker.answer(bakery(), question, ScriptedChatModel.from_replies(["Maya is the hero, scene 2."]))
        assert not answer.answerable and answer.source == "program", question
        assert "draft" in answer.text and "Maya is the hero" not in answer.text


def test_the_draft_index_is_built_once_per_revision_and_cached_on_disk(tmp_path, embedder):
    calls = []

    class Counting(DraftAsker):
        pass

    asker = Counting(embedder, cache_dir=tmp_path)
    inner = asker.embedder.embed
    asker.embedder.embed = lambda texts: (calls.append(len(texts)), inner(texts))[1]
    script = bakery()
    asker.answer(script, "what does Paulie do in the hotel kitchen?")
    asker.answer(script, "what does Esther do with the hairpin?")
    assert [n for n in calls if n > 1] == [8]  # one batch of the 8 scenes' windows; the rest are queries
    assert len(list(tmp_path.glob("*.npz"))) == 1
    again = DraftAsker(embedder, cache_dir=tmp_path)  # a restart reads the vectors back
    again.embedder.embed = lambda texts: (calls.append(len(texts)), inner(texts))[1]
    calls.clear()
    assert again.answer(script, "what does Paulie do in the hotel kitchen?").citations[0].number == "4"
    assert [n for n in calls if n > 1] == []
    script.scenes[3].elements[0].text += " Eggs everywhere."  # a new revision is a new index...
    calls.clear()
    asker.answer(script, "what does Paulie do in the hotel kitchen?")
    assert len(list(tmp_path.glob("*.npz"))) == 2
    assert calls[0] == 1 and len(calls) == 2  # ...that embeds only the edited scene's window, then the question
    import copy

    calls.clear()
    restored = copy.deepcopy(script)  # an undo brings back a copy with the same text: nothing is embedded again
    assert asker.answer(restored, "what does Paulie do in the hotel kitchen?").citations[0].number == "4"
    assert calls == [1]


# ---- scaffold tier: the model only phrases ------------------------------------------------------------------------
def test_a_faithful_phrasing_is_used_and_a_changed_fact_is_not():
    asker = DraftAsker()
    script = bakery()
    good = "NINA is the lead, with 4 of 9 speeches, first in scene 1."
    answer = asker.answer(script, "who is the protagonist?", ScriptedChatModel.from_replies([good]))
    assert answer.source == "model" and answer.text.startswith(good) and "Cited: scene 1" in answer.text
    for bad, why in [("VICTOR is the lead, with 4 of 9 speeches, first in scene 1.", "drops NINA"),
                     ("NINA is the lead, with 5 of 9 speeches, first in scene 1.", "drops the number 4"),
                     ("NINA is the lead with 4 speeches in scene 1, like Shocker.", "Shocker"),
                     ("NINA is the villain, with 4 of 9 speeches, first in scene 1.", "villain")]:
        answer = asker.answer(script, "who is the protagonist?", ScriptedChatModel.from_replies([bad]))
        assert answer.source == "program" and why in answer.rejected, (bad, answer.rejected)
        assert answer.text.startswith("The lead is NINA")


def test_the_chat_path_streams_the_cited_fact_at_once_then_the_checked_answer():
    model = ScriptedChatModel.from_replies(["Shocker is the protagonist of this film."])
    agent = Agent(chat_model=model, info=SCAFFOLD, asker=DraftAsker())
    session = Session(project=Project.from_script(bakery(), "Dough"))
    events = list(agent.run(session, "who is the protagonist?"))
    kinds = [e.kind for e in events]
    assert kinds == [EventKind.TOKEN, EventKind.ANSWER]
    assert events[0].text.startswith("The lead is NINA") and "Cited: scene 1" in events[0].text
    assert "Shocker" not in events[1].text and events[1].data["grounded"]["source"] == "program"
    assert session.history[-1].content == events[1].text
    # Not a question about the draft: the ordinary chat answers it.
    list(agent.run(session, "Write a tagline about bread"))
    assert session.history[-1].content == "Shocker is the protagonist of this film."


# ---- free tier: a capable model answers, checked ------------------------------------------------------------------
class CapableModel(GenericFakeChatModel):
    """Answers like a strong model that read the scenes it was given; `bad` says how it goes wrong."""

    bad: str = ""

    def __init__(self, bad: str = ""):
        super().__init__(messages=iter(()), bad=bad)

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        from langchain_core.outputs import ChatGeneration, ChatResult

        prompt = str(messages[-1].content)
        assert "<<<SCENE" in prompt  # it is shown the draft's own scenes
        text = {
            "": "Paulie drops a tray of eggs on purpose so every head turns (scene 4), while Esther slips behind "
                "the fridges.",
            "scene": "Paulie drops a tray of eggs in scene 14, the hotel kitchen.",
            "name": "Paulie and his brother Marco drop a tray of eggs in scene 4.",
            "uncited": "Paulie drops a tray of eggs on purpose.",
        }[self.bad]
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def test_a_good_free_tier_answer_passes_through_with_its_citation():
    answer = DraftAsker().answer(bakery(), "what does Paulie do in the hotel kitchen?", CapableModel(), tier="free")
    assert answer.source == "model" and answer.text.startswith("Paulie drops a tray of eggs on purpose")
    assert [c.number for c in answer.citations] == ["4"]


@pytest.mark.parametrize("bad, why", [("scene", "scene 14"), ("name", "Marco"), ("uncited", "cites no scene")])
def test_a_bad_free_tier_answer_falls_back_to_the_program(bad, why):
    answer = DraftAsker().answer(bakery(), "what does Paulie do in the hotel kitchen?", CapableModel(bad), tier="free")
    assert answer.source == "program" and why in answer.rejected
    assert answer.text.startswith("From scene 4, INT. GRAND HOTEL KITCHEN - DAY")


def test_free_tier_keeps_the_program_fact():
    draft = DraftAsker().draft(bakery())
    fact = DraftAsker().program(bakery(), "who is the protagonist?")
    assert check_answer(draft, fact, "who is the protagonist?", "NINA leads with 4 speeches (scene 1).") == ""
    assert "drops NINA" in check_answer(draft, fact, "who is the protagonist?", "VICTOR leads with 4 speeches (scene 1).")
    assert check_phrasing(draft, fact, "who is the protagonist?", "") == "empty"


def test_cli_ask_prints_the_answer_and_its_citations_as_json(capsys):
    import json

    import cli.main

    code = cli.main.main(["ask", "who speaks the last line?", "--script", str(SAMPLES / "lighthouse.fountain"),
                          "--json", "--no-model"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["source"] == "program" and out["answerable"]
    assert out["citations"] == [{"scene": "7", "heading": "INT. LIGHTHOUSE KITCHEN - MORNING", "index": 6}]
    assert out["answer"].startswith("DANIEL speaks the last line")
    code = cli.main.main(["ask", "who is Maya?", "--script", str(SAMPLES / "lighthouse.fountain"), "--no-model"])
    assert code == 1 and "never mentions Maya" in capsys.readouterr().out


@pytest.mark.parametrize("message, about", [
    ("who is the protagonist?", True), ("what happens in the diner scene?", True),
    ("what does Paulie do in the hotel kitchen?", True), ("who is Maya?", True), ("how long is act two?", True),
    ("What makes a good antagonist?", False), ("who should I cut from the script?", False),
    ("is the ending too abrupt?", False), ("Write one line for Nina", False), ("thanks, that was helpful!", False),
])
def test_only_questions_about_the_draft_are_answered_from_it(message, about):
    assert DraftAsker().about_draft(bakery(), message) is about
