"""The free writing tier on the capable scripted model: good answers pass through unchanged, malformed ones are
repaired or refused with the reason (critic notes, whole-scene restyles, abstractive summaries)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from screenplay.formats.fountain import parse
from screenplay.model import Script
from tests.capable_model import STRANGER, CapableModel
from tools.critic.critic import Critic
from tools.library.embedder import HashingEmbedder
from tools.style import StyleTransfer, resolve
from tools.style.structure import shape
from tools.summarizer import Summarizer

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
_NOTE_RE = re.compile(r"^(STRENGTH|WEAKNESS) \(sc\. ([^)]*)\): (.+)$", re.M)


@pytest.fixture
def lighthouse() -> Script:
    return parse((SAMPLES / "lighthouse.fountain").read_text(encoding="utf-8"))


def _critique(script: Script, model: CapableModel, tmp_path: Path):
    critic = Critic(model, out_dir=tmp_path, plots=False, writing_tier="free")
    return critic.critique(script, pdf=False)


# -- critic ---------------------------------------------------------------------------------------------

def test_good_coverage_notes_pass_through_unchanged(lighthouse, tmp_path):
    model = CapableModel()
    result = _critique(lighthouse, model, tmp_path)
    notes = result.data["notes"]
    raw = notes["raw_reply"]
    written = _NOTE_RE.findall(raw)
    assert len(written) == 4 and notes["dropped"] == [] and notes["tier"] == "free"
    kept = [(n["text"], n["scenes"]) for n in notes["strengths"] + notes["weaknesses"] if n["source"] == "model"]
    assert sorted(kept) == sorted((text, [s.strip() for s in cited.split(",")]) for _, cited, text in written)
    assert notes["logline"]["source"] == "model" and notes["logline"]["text"] in raw
    assert notes["verdict"] == "Consider" and notes["verdict_source"] == "model"
    assert "<<<SCENES" in result.prompt and "sc. 2 (p. " in result.prompt  # the scene list the notes cite from


def test_notes_citing_a_missing_scene_a_stranger_or_nothing_are_dropped_with_reasons(lighthouse, tmp_path):
    model = CapableModel(faults={"note_missing_scene", "note_stranger", "note_no_scene"})
    notes = _critique(lighthouse, model, tmp_path).data["notes"]
    reasons = {d["reason"] for d in notes["dropped"]}
    assert len(notes["dropped"]) == 3
    assert "cites scene 999, which the draft does not have" in reasons
    assert any(STRANGER.split()[0] in r and "not in the draft" in r for r in reasons)
    assert "cites no scene" in reasons
    model_notes = [n for n in notes["strengths"] + notes["weaknesses"] if n["source"] == "model"]
    assert len(model_notes) == 4  # the good ones stay
    assert not any(STRANGER in n["text"] or "999" in n["scenes"] for n in model_notes)


def test_a_cut_off_coverage_keeps_only_whole_notes(lighthouse, tmp_path):
    notes = _critique(lighthouse, CapableModel(faults={"truncate"}), tmp_path).data["notes"]
    assert any(d["reason"] == "was cut off mid-sentence" for d in notes["dropped"])
    assert all(n["text"].rstrip()[-1] in ".!?" for n in notes["strengths"] + notes["weaknesses"] if n["source"] == "model")


def test_scaffold_tier_never_sees_the_free_prompt(lighthouse, tmp_path):
    model = CapableModel()
    critic = Critic(model, out_dir=tmp_path, plots=False)  # scaffold by default
    result = critic.critique(lighthouse, pdf=False)
    assert "<<<SCENES" not in result.prompt and result.data["notes"]["tier"] == "scaffold"


# -- style ----------------------------------------------------------------------------------------------

def _scenes(script: Script, *idx: int) -> Script:
    return Script(scenes=[script.scenes[i] for i in idx])


def _styler(model: CapableModel) -> StyleTransfer:
    return StyleTransfer(model, embedder=HashingEmbedder(), min_similarity=0.3, writing_tier="free")


def test_whole_scene_restyle_passes_through_unchanged(lighthouse):
    model = CapableModel()
    source = _scenes(lighthouse, 1, 2)
    result = _styler(model).transfer(source, resolve("noir"), draft=lighthouse)
    assert result.model_calls == 2 and result.failures == [] and result.kept == 0
    assert [s["mode"] for s in result.scenes] == ["whole scene", "whole scene"]
    # Exactly the model's scenes, as written.
    replies = [re.search(r"```fountain\n(.*)\n```", m, re.S).group(1)
               for m in (model.restyle_scene(p[-1].content) for p in model.received)]
    assert parse(result.text).scenes == parse("\n\n".join(replies) + "\n").scenes
    assert shape(parse(result.text)) == shape(source)
    assert "Listen. They're automating the light" in result.text and "The city keeps its secrets." in result.text


@pytest.mark.parametrize("fault", ["drop_speaker", "reorder_speakers", "truncate"])
def test_a_broken_scene_is_refused_and_redone_element_by_element(lighthouse, fault):
    model = CapableModel(faults={fault})
    source = _scenes(lighthouse, 1)  # 2 action blocks, 3 speeches
    result = _styler(model).transfer(source, resolve("noir"), draft=lighthouse)
    assert result.scenes[0]["mode"] == "whole scene" and result.scenes[0]["element_retries"] == 5
    assert any("whole-scene rewrite refused" in r for r in result.scenes[0]["reasons"])
    assert result.model_calls == 1 + 5 and result.rewritten == 5 and result.kept == 0
    out = parse(result.text)
    assert shape(out) == shape(source) and out.scenes[0].characters == ["DANIEL", "MARGARET"]


def test_one_bad_speech_is_retried_alone(lighthouse):
    model = CapableModel(faults={"restyle_stranger"})
    result = _styler(model).transfer(_scenes(lighthouse, 1), resolve("noir"), draft=lighthouse)
    assert result.model_calls == 2 and result.scenes[0]["element_retries"] == 1
    assert any(STRANGER.split()[0] in r for r in result.scenes[0]["reasons"])
    assert STRANGER not in result.text and result.rewritten == 5


# -- summarizer -----------------------------------------------------------------------------------------

def _summarizer(model: CapableModel, tmp_path: Path | None = None) -> Summarizer:
    return Summarizer(model, embedder=HashingEmbedder(), cache_dir=tmp_path, writing_tier="free")


def test_abstractive_summaries_pass_through_unchanged(lighthouse, tmp_path):
    model = CapableModel()
    s = _summarizer(model, tmp_path / "cache").summarize(lighthouse, "synopsis")
    assert s.repairs == [] and all(x.source == "model" for x in s.scenes)
    map_replies = [model.sequence(p[-1].content) for p in model.received if "SEQUENCE:" in p[-1].content]
    lines = dict(line.split(": ", 1) for reply in map_replies for line in reply.splitlines()
                 if not line.startswith("SEQUENCE"))
    assert {x.label: x.text for x in s.scenes} == lines  # the model's scene lines, as written
    reduce_prompt = model.received[-1][-1].content
    assert "<<<SUMMARIES" in reduce_prompt and s.text == model.reduce(reduce_prompt)
    names = set(re.findall(r"\b[A-Z][a-z]+\b", s.text)) - {"At", "The", "No", "In"}
    cast = {part.title() for name in lighthouse.characters for part in name.split()}
    assert names and names <= cast
    again = _summarizer(CapableModel(), tmp_path / "cache").summarize(lighthouse, "synopsis")
    assert again.cached == len(lighthouse.scenes)  # scene lines come from the per-sequence cache


def test_calls_grow_with_sequences_not_scenes(lighthouse):
    model = CapableModel()
    s = _summarizer(model).summarize(lighthouse, "page")
    n_map = sum("SEQUENCE:" in p[-1].content for p in model.received)
    assert n_map < len(lighthouse.scenes) and s.model_calls == len(model.received)
    assert s.text.count("### Act") >= 2


@pytest.mark.parametrize("fault,needle", [("summary_stranger", "Zorba"), ("summary_missing_scene", "scene 999"),
                                          ("truncate", "cut off")])
def test_unfaithful_or_cut_summaries_are_repaired_with_the_reason(lighthouse, fault, needle):
    s = _summarizer(CapableModel(faults={fault})).summarize(lighthouse, "synopsis")
    assert any(needle in r for r in s.repairs), s.repairs
    assert STRANGER not in s.text and "999" not in s.text
    assert all(x.text.rstrip()[-1] in ".!?\"”" for x in s.scenes)


def test_scene_outline_and_logline_on_the_free_tier(lighthouse):
    model = CapableModel()
    outline = _summarizer(model).summarize(lighthouse, "scenes")
    assert outline.text.count("**Scene") == len(lighthouse.scenes)
    beats = _summarizer(CapableModel()).summarize(lighthouse, "beats")
    assert beats.beats and all(x.source == "model" for x in beats.scenes)
    logline = _summarizer(CapableModel()).summarize(lighthouse, "logline")
    assert logline.text.startswith("**Logline.**") and STRANGER not in logline.text


# -- the scaffold tier's own coverage -------------------------------------------------------------------

BRICK = Path(__file__).resolve().parents[2] / "shared" / "realscripts" / "Brick-and-Steel.fountain"


def test_program_logline_names_the_lead_as_introduced(lighthouse, tmp_path):
    notes = Critic(None, out_dir=tmp_path, plots=False).critique(lighthouse, use_llm=False, pdf=False).data["notes"]
    assert notes["logline"]["text"].startswith("Margaret Hale crosses paths with Daniel and Lucy")
    assert any(n["text"].startswith("Margaret Hale carries the story") for n in notes["strengths"])


@pytest.mark.skipif(not BRICK.exists(), reason="the shared real scripts are not here")
def test_brick_and_steel_gets_a_logline_and_notes_not_a_name_salad(tmp_path):
    from screenplay import load

    result = Critic(None, out_dir=tmp_path, plots=False).critique(load(BRICK), use_llm=False, pdf=False)
    notes = result.data["notes"]
    assert notes["logline"]["text"].startswith("Brick Braddock, a retired police detective, and Dick Steel")
    assert "Sniper" not in notes["logline"]["text"] and "0 craft notes" not in result.summary
    assert any("SNIPER SCOPE POV" in n["text"] for n in notes["weaknesses"])


def test_scaffold_restyle_says_plainly_the_model_cannot_and_how_to_plug_one_in(lighthouse):
    from agent.models.fake import ScriptedChatModel
    from tools.style import style_result

    scaffold = StyleTransfer(ScriptedChatModel.from_replies(["Margaret slams the kettle down."]), retries=0)
    said = style_result(scaffold.transfer(_scenes(lighthouse, 1), resolve("noir")), "scene 2").summary
    assert "too small to restyle" in said and "SCRIPTROOM_WRITING=free" in said and "--backend openai" in said
    free = style_result(_styler(CapableModel()).transfer(_scenes(lighthouse, 1), resolve("noir")), "scene 2").summary
    assert "too small" not in free and "5 of 5 lines restyled" in free


def test_a_restyle_that_changed_nothing_offers_no_option(lighthouse):
    """The walk on the real 135M: '0 of 6 lines restyled' still offered the writer's own scene to insert."""
    from agent.models.fake import ScriptedChatModel
    from tools.style import style_result

    nothing = StyleTransfer(ScriptedChatModel.from_replies([""]), retries=0).transfer(_scenes(lighthouse, 1),
                                                                                        resolve("noir"))
    said = style_result(nothing, "scene 2")
    assert nothing.rewritten == 0 and said.options == [] and "insert option 1" not in said.summary
    assert "Nothing passed the checks" in said.summary
    restyled = style_result(_styler(CapableModel()).transfer(_scenes(lighthouse, 1), resolve("noir")), "scene 2")
    assert len(restyled.options) == 1 and "insert option 1" in restyled.summary
