"""Decode-time rejection on the scaffold tier (tools/generator/guard.py): a speech said before and a lower-case
non-word are refused token by token, what the grammar cannot forbid."""

from __future__ import annotations

import pytest

from tools.generator.guard import LineGuard, english_words, scene_words, trigrams, word_pairs

SO_FAR = "Fog on the jetty.\nNORA: You came back.\nSAM: (quietly) Only for the boat.\nNORA: "


def refused(guard: LineGuard, text: str, pieces: list[str]) -> list[str]:
    return [pieces[i] for i in guard(text, pieces)]


def test_a_speech_said_before_cannot_be_finished_again_but_can_go_on_or_end_otherwise():
    guard = LineGuard(("NORA", "SAM"))
    so_far = SO_FAR + "Go home.\nSAM: Why?\nNORA: "
    pieces = [".", ".\n", "!", "?", " now", ".\nSAM", ","]
    # NORA is about to say "Go home." again, word for word (case ignored), which the repair used to drop.
    assert refused(guard, so_far + "go home", pieces) == [".", ".\n", ".\nSAM"]
    assert guard.dropped["repeat"] == 3
    # A parenthetical does not make it a new line; a different ending or a longer line is fine.
    assert refused(guard, so_far + "(sadly) Go home", pieces) == [".", ".\n", ".\nSAM"]
    assert refused(guard, so_far + "Go homeward", pieces) == []
    # A whole-word piece that ends the sentence is caught too.
    assert refused(guard, so_far + "Go", [" home.", " home", " home!"]) == [" home."]
    # The action line and a cue still being spelt are not speeches.
    assert refused(guard, "Fog on the jetty", ["."]) == []
    assert refused(guard, SO_FAR[:-6] + "NO", ["RA: "]) == []


def test_lower_case_non_words_are_refused_and_real_words_names_and_the_drafts_words_are_not():
    guard = LineGuard(("NORA", "SAM"), known=frozenset({"keeper's", "fresnel"}))
    text = SO_FAR + "I"
    pieces = [" ia", " know", " don", " xq", " fresnel", " Zorblat", "'m", " the"]
    # " ia" is not refused at once: "iamb" starts that way; " xq" starts no English word at all.
    assert refused(guard, text, pieces) == [" xq"]
    # Ending "ia" as a word is refused; "don" may go on to "don't"; a capital is a name or a sentence start.
    assert refused(guard, SO_FAR + "I ia", [".", " go", "mb."]) == [".", " go"]
    assert refused(guard, SO_FAR + "I don", ["'t", "e.", "x."]) == ["x."]
    assert refused(guard, SO_FAR + "The keeper", ["'s lamp."]) == []
    assert refused(guard, SO_FAR + "I saw Zorbl", ["at."]) == []
    assert guard.dropped["nonword"] == 4


def test_a_word_trigram_is_not_used_twice_in_a_scene_nor_again_after_an_earlier_option():
    guard = LineGuard(("NORA", "SAM"))
    # "for the boat" is in SAM's line already; "the boat" alone, or another word, is fine.
    assert refused(guard, SO_FAR + "Not for the", [" boat.", " boat", " boats.", " sea."]) == [" boat."]
    # Cues are the program's, not words: "NORA: You" is no trigram.
    assert scene_words("Fog.\nNORA: You came.\nSAM: (sad) Go.") == ["fog", "you", "came", "sad", "go"]
    earlier = LineGuard(("NORA", "SAM"), avoid=frozenset(trigrams(["take", "the", "lamp"])))
    assert refused(earlier, SO_FAR + "Take the", [" lamp.", " lamp", " light."]) == [" lamp."]


def test_a_word_pair_used_before_is_made_less_likely_not_refused():
    """distinct-2 counts word pairs across a request's options, cues included: the pair said again most is a
    cue and its speech's first word ("NORA: I"). Those pieces lose logit; none is refused."""
    guard = LineGuard(("NORA", "SAM"), avoid_pairs=frozenset(word_pairs("NORA\nI know the way.")))
    pieces = [" I", "I", "You", " know", ".", " Then", " the"]
    penalty = -guard.pair_penalty
    assert guard.pair_penalty > 0
    # After NORA's cue: "I" (an earlier option's pair) and "You" (this scene's "NORA: You came back.").
    assert guard.bias(SO_FAR, pieces) == {0: penalty, 1: penalty, 2: penalty}
    assert guard.bias(SO_FAR + "I", pieces) == {3: penalty}  # "i know"; the space only ends "I"
    assert guard.bias(SO_FAR + "Not for", [".", " the", " a"]) == {1: penalty}  # "for the": SAM's line
    # A piece extending a word makes the pair ("the boat"); one that only ends it changes nothing.
    assert guard.bias(SO_FAR + "Not for the bo", ["at", "at.", "ats", "x"]) == {0: penalty, 1: penalty}
    assert guard.bias(SO_FAR + "Not for the boat", [".", " now"]) == {}
    assert guard(SO_FAR, pieces) == []  # soft: nothing refused
    assert LineGuard(("NORA", "SAM"), pair_penalty=0).bias(SO_FAR, pieces) == {}


def test_the_sentence_can_always_end_so_llama_cpp_is_never_left_without_a_token():
    """At a sentence's last word the grammar allows only [.?!]; refusing them all made llama.cpp abort
    ("Unexpected empty grammar stack") on the bench. The guard then lets the ends through."""
    guard = LineGuard(("NORA", "SAM"))
    line = "Go on and on and on and on and then on and"
    so_far = SO_FAR + f"{line}.\nSAM: Why?\nNORA: {line}!\nSAM: No.\nNORA: {line}?\nSAM: Stop.\nNORA: "
    assert len(line.split()) == 12
    assert refused(guard, so_far + line, [".", "!", "?", ".\n"]) == []
    # Before the last word the sentence can go on, so the ends stay refused.
    assert refused(guard, SO_FAR + "I ia", [".", "!", "?"]) == [".", "!", "?"]
    # A word at the grammar's longest must end, word or not; cues spelt by the grammar are never refused.
    assert refused(guard, SO_FAR + "I " + "q" * 14, [".", " go"]) == []
    tri = LineGuard(("NORA", "SAM"), avoid=frozenset(trigrams(["for", "the", "nora"])))
    assert refused(tri, SO_FAR + "Not for the boat.\n", ["NORA", "NOR"]) == []


def test_a_sentence_at_its_last_whole_word_must_end_and_a_word_already_off_the_list_may_end():
    guard = LineGuard(("NORA", "SAM"))
    twelve = "As she stood on the edge of the cliff, the sound of"
    assert guard.must_end("NORA: " + twelve) and guard.must_end(twelve)
    assert not guard.must_end("NORA: " + twelve[:-3])  # eleven words: it may go on
    assert not guard.must_end("NORA: " + twelve + " bo")  # a word being spelt: it may finish ("boats")
    assert not guard.must_end("NORA: " + twelve + ".")
    # "ofbo" starts no English word: refusing every ending would only push the sampler further down the tail.
    assert refused(guard, SO_FAR + "The sound ofbo", [".", " go", "ats"]) == []


def test_the_word_list_keeps_common_words_and_drops_rare_two_letter_ones():
    words = set(english_words())
    assert {"the", "lighthouse", "don't", "gonna", "ok", "a", "i"} <= words
    assert not {"ia", "th", "sh", "q"} & words


def test_railed_generation_hands_the_guard_to_the_engine_with_the_grammar():
    from tests.test_generator_tiers import LLAMA, RAILED_ANSWER, lighthouse
    from agent.models.fake import ScriptedChatModel
    from tools.generator import SceneGenerator

    model = ScriptedChatModel.from_replies([RAILED_ANSWER])
    SceneGenerator(model, info=LLAMA).generate({"count": 2, "characters": ["NORA", "SAM"]}, lighthouse())
    guard = model.received_kwargs[0]["token_filter"]
    assert isinstance(guard, LineGuard) and guard.cast == ("NORA", "SAM")
    assert "nora" in guard.known and "lighthouse" in guard.known  # the cast and the draft's own words
    # The second option is told what the first said: its trigrams (refused) and word pairs, cues included.
    second = model.received_kwargs[1]["token_filter"]
    assert not guard.avoid_pairs and {("nora", "you"), ("came", "back")} <= second.avoid_pairs
    assert ("for", "the", "boat") in second.avoid


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_llama_cpp_never_samples_a_token_the_filter_refuses(llama_engine):
    """The engine's side: the real GGUF, greedy; refusing every piece with a space changes what it writes,
    and no refused piece appears."""
    from agent.models.params import GenerationParams

    messages = [{"role": "user", "content": "Say hello to the world."}]
    plain = "".join(llama_engine.stream(messages, GenerationParams(max_new_tokens=12, temperature=0)))
    asked = []

    def no_spaces(text, pieces):
        asked.append(len(pieces))
        return [i for i, p in enumerate(pieces) if " " in p]

    guarded = "".join(llama_engine.stream(messages, GenerationParams(max_new_tokens=12, temperature=0,
                                                                     token_filter=no_spaces)))
    assert " " in plain and " " not in guarded and guarded
    assert asked and all(n == 128 for n in asked)

    class Ends:
        def __call__(self, text, pieces):
            return []

        def must_end(self, text):
            return True

    ended = "".join(llama_engine.stream(messages, GenerationParams(max_new_tokens=1, temperature=0,
                                                                   token_filter=Ends())))
    assert ended and set(ended) <= set(".?!") | {" ", "\n"}, ended

    class Lower:
        """Lowers (does not refuse) the greedy first token: the engine adds the bias to the logit."""

        def __call__(self, text, pieces):
            return []

        def bias(self, text, pieces):
            return {i: -50.0 for i, p in enumerate(pieces) if not text and plain.startswith(p) and p.strip()}

    lowered = "".join(llama_engine.stream(messages, GenerationParams(max_new_tokens=12, temperature=0,
                                                                     token_filter=Lower())))
    assert lowered and not lowered.startswith(plain[:3]), (plain, lowered)


def test_the_apps_warm_up_reads_the_word_list_before_the_first_railed_request(tmp_path):
    """Reading pyspellchecker's list took 0.5-1 s inside the writer's first scene request; the app's background
    warm-up (Runtime.warm) now reads it, on the scaffold tier under a grammar."""
    from agent.loop import Agent
    from agent.runtime import Runtime
    from agent.settings import Settings
    from tests.test_generator_tiers import LLAMA

    class Library:
        def needs_starter(self):
            return False

    english_words.cache_clear()
    runtime = Runtime(settings=Settings(home=tmp_path), library=Library(),
                      agent=Agent(chat_model=None, info=LLAMA, tools={"generate_scenes": object()}))
    runtime.warm(report=lambda line: None)
    assert english_words.cache_info().currsize == 1
