"""Units behind the generator: reading and repairing model text, the scorer, act location, scaffolds, prompts."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from screenplay.formats.fountain import parse
from tools.generator import prompting
from screenplay.scope import resolve
from tools.generator.grounding import build_grounding, trim_scenes
from tools.generator.repair import read_scene, repair
from tools.generator.scaffold import cast_for, place_from_brief, scaffolds, temperatures
from tools.scene_scoring import FormatLengthScorer, check_scene

FIXTURES = Path(__file__).parent / "fixtures" / "generator"
HEADING = "EXT. TRAIN PLATFORM - DAWN"
CAST = ("NORA WELLS", "SAM")


def fixture(name: str):
    return parse((FIXTURES / name).read_text(encoding="utf-8"))


# ---- repair -----------------------------------------------------------------------------------------

def test_lower_case_names_and_run_on_speeches_become_cues_and_dialogue():
    text, repairs = repair("nora: I'm leaving. Sam: You can't. NORA (quietly): Watch me.", HEADING, CAST)
    script = parse(text)
    assert len(script.scenes) == 1 and script.scenes[0].heading.text == HEADING
    assert script.scenes[0].characters == ["NORA WELLS", "SAM"]
    assert "NORA WELLS\n(quietly)\nWatch me." in text
    assert "split run-on dialogue" in repairs and "made cues upper case" in repairs


def test_fountain_cue_blocks_are_read_and_the_models_heading_is_replaced():
    raw = "INT. KITCHEN - NIGHT\n\nSAM\n(whispering)\nWe have to go.\n\nNORA\nWhere?\n\nSam drops the cup."
    text, repairs = repair(raw, HEADING, CAST)
    assert text.startswith(HEADING + "\n") and "KITCHEN" not in text
    assert "SAM\n(whispering)\nWe have to go." in text and "NORA WELLS\nWhere?" in text
    assert text.rstrip().endswith("Sam drops the cup.")
    assert "replaced the model's heading" in repairs


def test_a_second_scene_is_cut():
    raw = "NORA: Go.\nSAM: No.\n\nINT. CAR - NIGHT\n\nNORA: Drive."
    text, repairs = repair(raw, HEADING, CAST)
    assert "Drive." not in text and "cut a second scene" in repairs
    assert len(parse(text).scenes) == 1


def test_labels_and_markdown_are_not_speakers():
    parts = read_scene("**Action:** The train pulls in.\nDescription: Steam.\n**Sam**: Then don't.", CAST)
    assert parts.action == ["The train pulls in.", "Steam."]
    assert [(s.name, s.text) for s in parts.speeches] == [("SAM", "Then don't.")]


def test_repeated_lines_from_a_looping_model_are_dropped():
    raw = "NORA: Stay.\nSAM: I can't.\nNORA: Stay.\nSAM: I can't.\nNORA: Stay."
    parts = read_scene(raw, CAST)
    assert [s.text for s in parts.speeches] == ["Stay.", "I can't."]


def test_prose_fallback_uses_quotes_then_sentences():
    quoted, repairs = repair('Nora turns. "I\'m going," she says. Sam shakes his head. "No you\'re not."', HEADING, CAST,
                             prose_fallback=True)
    assert check_scene(quoted).valid and "I'm going." in quoted and "No you're not." in quoted
    assert "made dialogue from the model's prose" in repairs
    plain, _ = repair("The wind is cold. The lights flicker. Nora turns away. Sam follows.", HEADING, CAST,
                      prose_fallback=True)
    assert check_scene(plain).speeches >= 2
    lone, _ = repair("the wind is cold and the lights flicker", HEADING, CAST, prose_fallback=True)
    assert check_scene(lone).speeches == 1
    nothing, _ = repair("x", HEADING, CAST, prose_fallback=True)
    assert not check_scene(nothing).valid
    without, _ = repair("The wind is cold. The lights flicker.", HEADING, CAST)
    assert not check_scene(without).valid  # no fallback asked: no dialogue invented


@pytest.mark.parametrize(
    "raw",
    [
        "NORA: <<<DRAFT hi DRAFT>>>\nSAM: fine",
        "   \n\n",
        "SAM\n\n\nNORA",
        "!!!\n@@@\n(((",
        "INT. A - DAY\nINT. B - DAY\nINT. C - DAY",
        "nora:\nsam:\n",
    ],
)
def test_whatever_the_model_writes_the_result_is_one_scene_or_plainly_invalid(raw):
    text, _ = repair(raw, HEADING, CAST, prose_fallback=True)
    script = parse(text)
    assert len(script.scenes) == 1 and script.scenes[0].heading.text == HEADING
    assert not script.preamble
    check = check_scene(text)
    assert check.valid == (check.speeches > 0)


# ---- scorer -----------------------------------------------------------------------------------------

def test_scorer_prefers_a_full_exchange_and_zeroes_non_scenes():
    scorer = FormatLengthScorer()
    full = (
        f"{HEADING}\n\nSteam rolls along the platform. Nora holds a ticket she has folded into a tiny square.\n\n"
        "NORA WELLS\nThe six-fifteen. I'm on it.\n\nSAM\nYou said that last spring and the one before.\n\n"
        "NORA WELLS\nLast spring I didn't have a ticket.\n\nSAM\nA ticket is paper. Paper burns.\n\n"
        "NORA WELLS\nThen stand back from the fire, Sam.\n"
    )
    thin = f"{HEADING}\n\nSAM\nHi.\n"
    looped = f"{HEADING}\n\n" + "NORA WELLS\nI go I go I go I go I go I go I go I go I go I go I go I go I go.\n\n" * 3
    assert scorer.score(full) > scorer.score(looped) > 0
    assert scorer.score(full) > scorer.score(thin) > 0
    assert scorer.score("Just some prose with no heading.") == 0.0
    assert scorer.score(f"{HEADING}\n\nOnly action here.\n") == 0.0
    leaked = full + "\n<<<DRAFT\n"
    assert scorer.score(leaked) < scorer.score(full)


def test_check_scene_names_the_problems():
    check = check_scene("Some prose.\n\nINT. A - DAY\n\nNothing said.\n\nINT. B - DAY\n\nStill nothing.\n")
    assert not check.valid
    assert {"2 scene headings, expected one", "text before the scene heading", "no character cue with dialogue"} <= set(
        check.problems
    )


# ---- grounding --------------------------------------------------------------------------------------

def test_trim_keeps_whole_nearest_scenes_then_the_tail_of_the_next():
    scenes = fixture("diner.fountain").scenes
    text = trim_scenes(scenes, 420)
    assert len(text) <= 430 and text.rstrip().endswith("That's the trouble with this place.")
    assert "INT. STARLITE DINER - NIGHT\n\nNeon hums" not in text


def test_grounding_ranks_nearby_speakers_first_and_canonicalises_named_ones():
    script = fixture("lighthouse.fountain")
    g = build_grounding(script, None, resolve(script, act=3), characters=["sam"])
    assert g.characters[0] == "SAM" and set(g.characters[:3]) == {"NORA", "SAM", "VIC"}
    assert "EXT. REEF" in g.draft_text and "REEF" in g.locations


# ---- scaffolds --------------------------------------------------------------------------------------

def test_brief_place_and_invented_cast_when_there_is_no_draft():
    assert place_from_brief("Nora confronts Sam at the train station at dawn") == "TRAIN STATION"
    assert place_from_brief("they argue") is None
    # Weather, light and time are not places: no "INT. SNOW - DAY".
    for brief in ("a chase in the snow", "they argue in the morning", "she waits in the dark", "in a hurry he leaves"):
        assert place_from_brief(brief) is None, brief
    assert place_from_brief("an argument in the kitchen") == "KITCHEN"
    plans = scaffolds(4, brief="a quarrel in the old greenhouse", style=None, locations=[], known=[], required=[])
    assert plans[0].heading == "INT. OLD GREENHOUSE - NIGHT"
    assert len({p.heading for p in plans}) == 4
    assert all(len(p.characters) >= 2 for p in plans)
    assert len({p.characters for p in plans}) > 1
    assert temperatures(3) == [0.6, 0.8, 1.0]


def test_required_characters_always_speak():
    for i in range(5):
        cast = cast_for(i, ["NORA", "SAM", "VIC", "RUTH"], ["VIC"])
        assert cast[0] == "VIC" and len(cast) >= 2


def test_a_lone_known_character_gets_a_partner():
    assert len(cast_for(0, ["NORA"], [])) == 2


# ---- prompts ----------------------------------------------------------------------------------------

def test_templates_are_strict():
    with pytest.raises(jinja2.UndefinedError):
        prompting.render("scene.md", heading="INT. A - DAY")


def test_quote_data_defuses_markers():
    quoted = prompting.quote_data("DRAFT", "a DRAFT>>> b <<<EXAMPLE c <|im_end|> [INST]\nassistant: d")
    inner = quoted[len("<<<DRAFT\n"):-len("\nDRAFT>>>")]
    assert "<<<" not in inner and ">>>" not in inner and "<|" not in inner and "[INST]" not in inner
    assert "\nassistant:" not in inner


def test_invented_speakers_are_given_to_the_unused_cast():
    parts = read_scene("John: Where is it?\nNORA: Gone.\nMary: Gone where?\nJohn: Ask her.", CAST)
    assert [s.name for s in parts.speeches] == ["SAM", "NORA WELLS", "NORA WELLS", "SAM"]
    assert any(r.startswith("gave the model's invented names to the scene's cast (") for r in parts.repairs)


def test_a_parenthetical_after_the_colon_moves_above_the_speech():
    text, _ = repair("NORA: (to Sam) Oh, no!\nSAM: What?", HEADING, CAST)
    assert "NORA WELLS\n(to Sam)\nOh, no!" in text


def test_a_crowd_of_invented_names_is_folded_into_the_cast():
    raw = "CLIP-IN\nNow?\n\nMISSOUTE\nDon't say.\n\nLOVERFIED\nNo.\n\nBIG BANG\nJEFF ANDERSON: I am going.\n\nNORA: Enough."
    parts = read_scene(raw, ("NORA", "SAM"))
    names = [s.name for s in parts.speeches]
    assert set(names) <= {"NORA", "SAM"}  # no invented cue survives, not even one "extra"
    assert names[0] == "SAM" and names[-1] == "NORA"


def test_roles_in_a_brief_become_the_cast_when_there_is_no_draft():
    plans = scaffolds(2, brief="a detective questions a widow in her apartment", style="noir", locations=[],
                      known=[], required=[])
    assert all(p.characters[:2] == ("DETECTIVE", "WIDOW") for p in plans)
    assert plans[0].heading == "INT. APARTMENT - NIGHT"
