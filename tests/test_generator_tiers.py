"""The generator's two writing tiers: the scaffold tier on rails (grammar, word rules, real places) and the free
tier (whole Fountain scenes from a capable model, passed through untouched or repaired only where they break);
and options offered one by one as they are written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.models.factory import ModelInfo
from agent.models.fake import ScriptedChatModel
from screenplay.bible import extract_bible
from screenplay.formats.fountain import parse
from tests.capable_writer import GOOD, INVENTED, KINDS, LOWER_CUES, NO_HEADING, TRUNCATED, CapableWriter
from tools.context import ToolContext
from tools.generator import SceneGenerator
from tools.generator.free import check_free
from tools.generator.rails import junk_words, scene_grammar, unlicensed_words
from tools.generator.repair import repair
from tools.generator.scaffold import is_place, scaffolds
from tools.progress import StepKind
from tools.scene_scoring import check_scene

FIXTURES = Path(__file__).parent / "fixtures" / "generator"
LLAMA = ModelInfo("local", "smollm2", supports_tool_calling=False, streaming=True, context_window=4096,
                  supports_grammar=True, engine="llama.cpp", writing_tier="scaffold", supports_sampling=True)
RAILED_ANSWER = "Fog on the jetty. Nora waits.\nNORA: You came back.\nSAM: (quietly) Only for the boat.\n" \
                "NORA: Then take it.\nSAM: Not without you.\nNORA: Go.\n"


def lighthouse() -> ToolContext:
    script = parse((FIXTURES / "lighthouse.fountain").read_text(encoding="utf-8"))
    return ToolContext(script=script, bible=extract_bible(script))


# ---- the scaffold tier's grammar ------------------------------------------------------------------------

def test_the_grammar_names_only_the_scenes_cast_as_cues_and_never_one_speaker_twice_running():
    grammar = scene_grammar(("NORA", "SAM"), 4)
    cues = set(re.findall(r'"([A-Z][A-Z .\'-]*): "', grammar))
    assert cues == {"NORA", "SAM"}
    # say2 of NORA may only be followed by SAM's third line, and the last line ends the scene.
    assert re.search(r'^say2-c0 ::= "NORA: " paren\? speech "\\n" \(say3-c1\)$', grammar, re.M)
    assert re.search(r'^say4-c1 ::= "SAM: " paren\? speech "\\n"$', grammar, re.M)
    # Words are letters with a capital only at the start: no digits, brackets, underscores, run-together capitals.
    assert "name ::= [A-Z] [a-z'] [a-z']{0,12}" in grammar and "0-9" not in grammar and "_" not in grammar
    with pytest.raises(ValueError, match="cast"):
        scene_grammar((), 4)


@pytest.fixture(scope="module")
def gguf_vocab():
    """The embedded GGUF's vocabulary alone (no weights): enough for llama.cpp to run a grammar over text."""
    from agent.models.llamacpp import llama_cpp_problem
    from agent.models.store import embedded_gguf_path

    if llama_cpp_problem():
        pytest.skip(f"llama-cpp-python is not usable here: {llama_cpp_problem()}")
    from llama_cpp import Llama

    return Llama(model_path=str(embedded_gguf_path()), vocab_only=True, verbose=False)


def admits(llm, grammar: str, text: str) -> bool:
    """Does llama.cpp's own grammar sampler let the model write ``text``, token by token?"""
    import ctypes

    import llama_cpp
    import numpy as np
    from llama_cpp._internals import LlamaTokenDataArray

    sampler = llama_cpp.llama_sampler_init_grammar(llama_cpp.llama_model_get_vocab(llm.model), grammar.encode(),
                                                   b"root")
    candidates = LlamaTokenDataArray(n_vocab=llm.n_vocab())
    try:
        for token in llm.tokenize(text.encode(), add_bos=False, special=False):
            candidates.copy_logits(np.zeros(llm.n_vocab(), dtype=np.single))
            llama_cpp.llama_sampler_apply(sampler, ctypes.byref(candidates.candidates))
            if not np.isfinite(candidates.candidates_data.logit[token]):
                return False
            llama_cpp.llama_sampler_accept(sampler, token)
        return True
    finally:
        llama_cpp.llama_sampler_free(sampler)


def test_the_grammar_admits_no_action_line_the_reader_would_take_for_a_cue(gguf_vocab):
    """The bench's one repair: the model wrote "A M. E." as the action, the reader took it for a cue (capitals
    and periods on a line of their own) and gave it to the cast. The grammar now admits no such line."""
    grammar = scene_grammar(("NORA", "RUTH"), 2)
    assert "invented names" in " ".join(repair("A M. E.\nRUTH: Go.\nNORA: No.\n", "INT. X - DAY", ("NORA", "RUTH"))[1])
    for text in ("A M. E.\nRUTH: Go.\nNORA: No.\n", "I. A.\nRUTH: Go.\n", "Fog.\nRUTH: A M. E.\n",
                 "fog.\nRUTH: Go.\n", "Fog.\nruth: Go.\n", "Fog.\nTSKIS: Go.\n"):
        assert not admits(gguf_vocab, grammar, text), text
    for text in ("A man waits. I see.\nRUTH: Go.\nNORA: No.\n", "Fog. I'm here.\nRUTH: (low) A man, I think.\n",
                 "Nora's boat, gone.\nNORA: I don't know.\n", "Rain. Nora waits.\nRUTH: Go home, Nora.\n"):
        assert admits(gguf_vocab, grammar, text), text


def test_railed_generation_sends_the_grammar_and_tuned_sampling_and_keeps_the_scene_as_written():
    model = ScriptedChatModel.from_replies([RAILED_ANSWER])
    result = SceneGenerator(model, info=LLAMA).generate({"count": 2, "characters": ["NORA", "SAM"]}, lighthouse())
    kwargs = model.received_kwargs[0]
    assert 'root ::= action line1' in kwargs["grammar"] and '"NORA: "' in kwargs["grammar"]
    assert kwargs["stop"] is None  # the grammar ends the scene
    assert kwargs["min_p"] > 0 and kwargs["repetition_penalty"] > 1 and kwargs["top_k"] > 0
    assert "<<<EXAMPLE" not in model.received[0][-1].content  # the grammar carries the form an example showed
    for option in result.options:
        assert check_scene(option.fountain).valid and option.repairs == []
        assert "SAM\n(quietly)\nOnly for the boat." in option.fountain


def test_no_grammar_off_llama_cpp_or_on_the_free_tier():
    for info in (ModelInfo("local", "hf", False, True, 4096, supports_grammar=False, engine="transformers"),
                 ModelInfo("local", "big", False, True, 4096, supports_grammar=True, engine="llama.cpp",
                           writing_tier="free")):
        model = ScriptedChatModel.from_replies([RAILED_ANSWER])
        SceneGenerator(model, info=info).generate({"count": 1}, lighthouse())
        assert "grammar" not in model.received_kwargs[0]


def test_junk_tokens_are_found_and_words_are_not():
    text = "SMOOTH_SHIFTTPOTTA walks in. [12] ShIFT the car. OK, Nora's fine. TV on. x2 BRICKHOUSEWALL NORA"
    assert junk_words(text, {"NORA"}) == ["SMOOTH_SHIFTTPOTTA", "[12]", "ShIFT", "x2", "BRICKHOUSEWALL"]
    assert junk_words("Don't go. It's well-known, isn't it?") == []
    assert junk_words("Meet me at 9, 10:30 at the latest. $40 for the 3rd time since 1982.") == []


def test_profanity_only_where_the_draft_or_brief_licenses_it():
    assert unlicensed_words("Shit. Does a bear crap in the woods?", {"crap"}) == ["shit"]
    assert unlicensed_words("Scrap the shitake plan.", set()) == []  # whole words only


def test_a_scene_with_an_unlicensed_word_is_refused_and_regenerated():
    rude = "Rain. Nora swears.\nNORA: Shit, the boat.\nSAM: Fix it."
    model = ScriptedChatModel.from_replies([rude, RAILED_ANSWER])
    result = SceneGenerator(model, info=LLAMA, max_attempts=2).generate({"count": 1}, lighthouse())
    assert "shit" not in result.options[0].fountain.lower()
    assert result.data["drafts"][0]["attempts"] == 2


def test_title_cards_povs_and_montages_are_never_places():
    assert not any(is_place(x) for x in ("OPENING TITLES", "SNIPER SCOPE POV", "MONTAGE", "SERIES OF SHOTS",
                                         "TITLE CARD", "BLACK", "FLASHBACK - ROOFTOP"))
    assert all(is_place(x) for x in ("TRAILER HOME", "BRICK'S POOL", "WEST END PUB", "BLACK SWAN INN"))
    draft = parse("EXT. BRICK'S PATIO - DAY\n\nSun.\n\nBRICK\nHi.\n\n.OPENING TITLES\n\nCredits roll.\n\n"
                  ".SNIPER SCOPE POV\n\nCrosshairs.\n\nINT. TRAILER HOME - DAY\n\nMess.\n\nSTEEL\nBeer?\n")
    model = ScriptedChatModel.from_replies([RAILED_ANSWER])
    result = SceneGenerator(model, info=LLAMA).generate({"count": 5}, ToolContext(script=draft))
    headings = [d["heading"] for d in result.data["options"]]
    assert headings and not any("TITLES" in h or "POV" in h for h in headings)
    plans = scaffolds(4, brief="", style=None, locations=["OPENING TITLES", "GARAGE"], known=["A", "B"], required=[])
    assert all("TITLES" not in p.heading for p in plans)


# ---- the free tier --------------------------------------------------------------------------------------

def test_free_tier_asks_for_a_whole_fountain_scene_and_keeps_good_answers_byte_for_byte():
    model = CapableWriter(schedule=(GOOD,))
    result = SceneGenerator(model, tier="free").generate({"count": 3}, lighthouse())
    prompt = model.received[0][-1].content
    assert "Scene heading: " in prompt and "(no one else speaks)" in prompt and "NAME: words" not in prompt
    assert "Fountain" in model.received[0][0].content
    assert [o.fountain for o in result.options] == [text.strip() + "\n" for _, text in model.sent]
    assert all(o.repairs == [] for o in result.options)
    assert "\n(not looking up)\n" in result.options[0].fountain and result.options[0].fountain.endswith("CUT TO:\n")


@pytest.mark.parametrize("kind, repair", [(NO_HEADING, "added the scene heading"), (LOWER_CUES, "made cues upper case"),
                                          (TRUNCATED, "cut an unfinished ending")])
def test_free_tier_repairs_only_what_breaks(kind, repair):
    model = CapableWriter(schedule=(kind,))
    result = SceneGenerator(model, tier="free", max_attempts=1).generate({"count": 1}, lighthouse())
    option = result.options[0]
    assert option.repairs == [repair] and check_scene(option.fountain).valid
    sent = model.sent[0][1]
    if kind == NO_HEADING:
        assert option.fountain == f"{result.data['options'][0]['heading']}\n\n{sent.strip()}\n"
    if kind == LOWER_CUES:
        cast = result.data["options"][0]["cast"]
        assert set(check_scene(option.fountain).characters) == set(cast)
    if kind == TRUNCATED:
        assert "you never" not in option.fountain and sent.startswith(option.fountain.strip())


def test_free_tier_refuses_an_invented_character_with_the_reason():
    model = CapableWriter(schedule=(INVENTED,))
    result = SceneGenerator(model, tier="free", max_attempts=1).generate({"count": 1}, lighthouse())
    assert result.options == []
    assert result.data["refused"][0].startswith("MR. VOSKUIJLEN speaks but is not in the draft")
    assert "a draft was refused: MR. VOSKUIJLEN" in result.summary


def test_free_tier_every_answer_kind_is_kept_repaired_or_refused():
    model = CapableWriter()
    result = SceneGenerator(model, tier="free", max_attempts=1).generate({"count": 10}, lighthouse())
    for (kind, text), draft in zip(model.sent, result.data["drafts"]):
        if kind == GOOD:
            assert draft["fountain"] == text.strip() + "\n" and draft["repairs"] == []
        elif kind == INVENTED:
            assert draft["refused"] and not draft["valid"]
        else:
            assert draft["repairs"] and draft["valid"]
    assert {k for k, _ in model.sent} == set(KINDS)


def test_check_free_cuts_a_second_scene_and_a_dangling_cue():
    text = "INT. A - DAY\n\nRain.\n\nNORA\nGo.\n\nSAM\n\nINT. B - NIGHT\n\nMore.\n"
    scene = check_free(text, "INT. X - DAY", ("NORA", "SAM"))
    assert scene.ok and scene.repairs == ["cut a second scene", "cut an unfinished ending"]
    assert scene.fountain == "INT. A - DAY\n\nRain.\n\nNORA\nGo.\n"


# ---- options as they are written ------------------------------------------------------------------------

def test_with_k_equal_to_n_each_option_is_offered_the_moment_it_is_written():
    model = ScriptedChatModel.from_replies([RAILED_ANSWER])
    steps = list(SceneGenerator(model, info=LLAMA, extra_candidates=0).stream({"count": 3}, lighthouse()))
    kinds = [s.kind for s in steps]
    first_option = kinds.index(StepKind.OPTION)
    assert first_option < kinds.index(StepKind.CANDIDATE, kinds.index(StepKind.CANDIDATE_DONE) + 1)
    offered = [s.option for s in steps if s.kind is StepKind.OPTION]
    assert len(offered) == 3 and steps[-1].result.options == offered  # the very objects the writer saw


def test_with_extra_candidates_options_come_after_the_rerank():
    model = ScriptedChatModel.from_replies([RAILED_ANSWER])
    steps = list(SceneGenerator(model, info=LLAMA, extra_candidates=2).stream({"count": 2}, lighthouse()))
    kinds = [s.kind for s in steps]
    assert kinds.index(StepKind.OPTION) > max(i for i, k in enumerate(kinds) if k is StepKind.CANDIDATE_DONE)
    assert len(steps[-1].result.data["drafts"]) == 4


def test_free_tier_more_like_sends_the_option_as_fountain_and_keeps_the_new_scene_whole():
    model = CapableWriter(schedule=(GOOD,))
    generator = SceneGenerator(model, tier="free")
    first = generator.generate({"count": 1}, lighthouse()).options
    more = generator.revise({"mode": "more_like", "option": 1}, ToolContext(last_options=first))
    prompt = model.received[-1][-1].content
    assert "<<<OPTION\n" + first[0].fountain.split("\n")[0] in prompt and "NORA: " not in prompt
    assert more.options and all(o.repairs == [] for o in more.options)


def test_off_the_grammar_junk_tokens_are_filtered_and_the_filtering_is_reported():
    from tools.generator.repair import repair

    raw = "The pool [12] glitters. SMOOTH_SHIFTTPOTTA\nNORA: We go [3] now.\nTSKIS: ShIFT it.\nSAM: Fine."
    text, repairs = repair(raw, "EXT. POOL - DAY", ("NORA", "SAM"))
    assert "[12]" not in text and "SMOOTH" not in text and "ShIFT" not in text and "TSKIS" not in text
    assert "We go now." in text and check_scene(text).valid
    assert "dropped 4 junk tokens" in repairs


def test_the_bible_lists_places_only_and_an_empty_card_gets_a_real_heading():
    from screenplay.bible import extract_bible
    from screenplay.formats.fountain import parse
    from screenplay.outline import add_card
    from tools.context import ToolContext

    draft = parse("INT. DINER - NIGHT\n\nMaya waits.\n\nMAYA\nLate again.\n\nEXT. OPENING TITLES - DAY\n\nTitles roll.\n\n"
                  "INT. SNIPER SCOPE POV - NIGHT\n\nCrosshairs.\n\nEXT. PARKING LOT - NIGHT\n\nLEO\nKeys?\n")
    carded = add_card(draft, 2, "Maya finds the keys in the snow")
    assert extract_bible(carded).locations == ["DINER", "PARKING LOT"]
    assert not is_place("NEW SCENE")
    model = ScriptedChatModel.from_replies(["Snow falls.\nMAYA: Here they are."])
    result = SceneGenerator(model, extra_candidates=0, max_attempts=1).generate(
        {"count": 1, "scene": 2, "brief": "Maya finds the keys in the snow"},
        ToolContext(script=carded, bible=extract_bible(carded)))
    assert result.options and all(not o.fountain.startswith("NEW SCENE") for o in result.options)
