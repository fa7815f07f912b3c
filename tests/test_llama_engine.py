"""The llama.cpp engine on the real embedded GGUF: streaming, sampling, stop, grammars, prefix reuse, LoRA."""

from __future__ import annotations

import json
import logging

import pytest

from agent.models.errors import ModelUnavailableError
from agent.models.factory import choose_engine, load_engine, model_info
from agent.models.local import GenerationParams, LocalChatModel
from agent.settings import SHIPPED_ADAPTER, Settings

pytestmark = pytest.mark.slow

COLOURS = [{"role": "user", "content": "Name three colours."}]


def test_the_embedded_gguf_runs_on_llama_cpp_as_shipped(llama_engine, models_home, tmp_path):
    assert llama_engine.kind == "llama.cpp" and llama_engine.gguf.suffix == ".gguf"
    assert llama_engine.context_window == 4096 and 100e6 < llama_engine.n_params < 200e6
    # A data directory of its own: the shared one may hold a transformers conversion made by other tests.
    fresh = load_engine(Settings(home=tmp_path, engine="llama.cpp"))
    assert fresh.kind == "llama.cpp"
    assert not (tmp_path / "models" / "smollm2-135m-instruct").exists()  # no dequantised copy was made
    info = model_info(Settings(home=models_home), LocalChatModel(engine=llama_engine))
    assert (info.engine, info.supports_grammar, info.token_limit_param, info.writing_tier) == (
        "llama.cpp", True, "max_tokens", "scaffold")


def test_greedy_is_repeatable_stops_and_counts_tokens(llama_engine):
    chat = LocalChatModel(engine=llama_engine, max_new_tokens=30, temperature=0.0)
    a, b = chat.invoke("Name three colours.").content, chat.invoke("Name three colours.").content
    assert a == b and a
    word = a.split()[min(3, len(a.split()) - 1)]
    stopped = chat.invoke("Name three colours.", stop=[word]).content
    assert word not in stopped and len(stopped) < len(a)
    short = chat.invoke("Name three colours.", max_tokens=3).content
    assert 0 < len(llama_engine.llama.tokenize(short.encode(), add_bos=False)) <= 3


def test_seed_min_p_and_top_k_reach_the_sampler(llama_engine):
    params = GenerationParams(max_new_tokens=24, temperature=1.2, seed=5, min_p=0.05, top_k=40)
    first = "".join(llama_engine.stream(COLOURS, params))
    assert first == "".join(llama_engine.stream(COLOURS, params))
    others = {"".join(llama_engine.stream(COLOURS, GenerationParams(max_new_tokens=24, temperature=1.2, seed=s)))
              for s in (6, 7, 8)}
    assert len(others | {first}) > 1
    # top_k=1 is greedy whatever the temperature.
    greedy = "".join(llama_engine.stream(COLOURS, GenerationParams(max_new_tokens=16, temperature=0)))
    assert "".join(llama_engine.stream(COLOURS, GenerationParams(max_new_tokens=16, temperature=1.5, top_k=1,
                                                                 seed=9))) == greedy


def test_a_grammar_or_json_schema_constrains_one_call(llama_engine):
    chat = LocalChatModel(engine=llama_engine, max_new_tokens=40, temperature=0.8, seed=1)
    answer = chat.invoke("Is the sky green? Answer yes or no.", grammar='root ::= "yes" | "no"').content
    assert answer in ("yes", "no")
    schema = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 12},
                                               "age": {"type": "integer"}}, "required": ["name", "age"]}
    raw = chat.bind(json_schema=schema).invoke("Invent a pirate captain as JSON with a name and an age.").content
    record = json.loads(raw)
    assert isinstance(record["name"], str) and isinstance(record["age"], int)
    with pytest.raises(ValueError, match="grammar did not parse"):
        chat.invoke("hi", grammar="root ::= ???")


def test_candidates_with_a_common_prompt_reuse_its_prefill(llama_engine):
    """The K candidates of one request share the long prompt head: the second pays only for what differs."""
    head = "Here is a draft scene.\n" + "MAYA: We need to go. LEO: Not yet.\n" * 60
    first = [{"role": "user", "content": head + "Write a line for MAYA."}]
    second = [{"role": "user", "content": head + "Write a line for LEO."}]
    import llama_cpp

    params = GenerationParams(max_new_tokens=1, temperature=0)
    "".join(llama_engine.stream(first, params))
    llama_cpp.llama_perf_context_reset(llama_engine.llama.ctx)
    "".join(llama_engine.stream(second, params))
    evaluated = llama_cpp.llama_perf_context(llama_engine.llama.ctx).n_p_eval  # llama.cpp's own count
    prompt = len(llama_engine.encode_chat(second, 1))
    assert prompt > 500 and evaluated < 0.1 * prompt


def test_a_kept_chat_prefix_survives_other_prompts_and_changes_no_greedy_word(llama_engine):
    """A chat question after tool calls restores its system prompt and history and prefills only itself; its
    greedy answer is the one a cold prefill gives (the restored cells are the ones that prefill wrote)."""
    import llama_cpp

    so_far = [{"role": "system", "content": "You help screenwriters. Keep names and facts. " * 12},
              {"role": "user", "content": "give me three openings for act two"},
              {"role": "assistant", "content": "Here are 3 openings for act two."}]
    question = [*so_far, {"role": "user", "content": "What makes a good antagonist?"}]
    greedy = GenerationParams(max_new_tokens=24, temperature=0)
    other = [{"role": "user", "content": "Write a scene in a diner. " * 30}]
    llama_engine.kept.clear()
    "".join(llama_engine.stream(other, GenerationParams(max_new_tokens=1, temperature=0)))
    cold = "".join(llama_engine.stream(question, greedy))
    llama_engine.keep(so_far)
    assert llama_engine.settle(120)
    "".join(llama_engine.stream(other, GenerationParams(max_new_tokens=1, temperature=0)))  # a tool's call
    llama_cpp.llama_perf_context_reset(llama_engine.llama.ctx)
    warm = "".join(llama_engine.stream(question, greedy))
    evaluated = llama_cpp.llama_perf_context(llama_engine.llama.ctx).n_p_eval
    prompt = len(llama_engine.encode_chat(question, 24))
    assert prompt > 150 and evaluated < 20, (prompt, evaluated)
    assert warm == cold and warm


def test_a_request_never_waits_for_a_keep_and_the_keep_is_done_after_it(llama_engine):
    """Keeping the chat prefix runs in the background: keep() returns at once, and a request that comes while the
    prefix is being prefilled stops it and starts at once; the keep is done afterwards (it used to run inside the
    turn under the engine lock, and the next request waited for the whole prefill)."""
    import threading
    import time

    conversation = [{"role": "system", "content": "You help screenwriters. Keep names, places and facts. " * 30},
                    {"role": "user", "content": "give me three openings for act two"}]
    question = [{"role": "user", "content": "Name three colours."}]
    one = GenerationParams(max_new_tokens=1, temperature=0)
    llama_engine.kept.clear()
    with llama_engine.lock:  # a request holds the engine: keep() does not wait for it
        keeping = threading.Thread(target=llama_engine.keep, args=(conversation,), daemon=True)
        keeping.start()
        keeping.join(2.0)
        assert not keeping.is_alive()
    started = time.perf_counter()
    assert llama_engine.settle(120)
    alone = time.perf_counter() - started  # the quiet wait and the whole prefill
    assert len(llama_engine.kept.states) == 1
    llama_engine.kept.clear()
    "".join(llama_engine.stream(question, one))  # the KV cache holds something else
    llama_engine.keep(conversation)
    deadline = time.monotonic() + 30
    while not llama_engine.lock.locked() and time.monotonic() < deadline:
        time.sleep(0.005)  # the keep has begun prefilling
    started = time.perf_counter()
    "".join(llama_engine.stream(question, one))
    waited = time.perf_counter() - started
    assert waited < alone / 3, (waited, alone)
    assert llama_engine.settle(120) and len(llama_engine.kept.states) == 1  # kept once the engine was free


def test_the_shipped_adapter_runs_on_llama_cpp_and_matches_transformers(llama_engine, embedded_engine, models_home):
    settings = Settings(home=models_home, adapter=str(SHIPPED_ADAPTER))
    adapted = load_engine(settings.with_(engine="llama.cpp"))
    assert adapted.kind == "llama.cpp" and adapted.adapter == str(SHIPPED_ADAPTER)
    cached = list((models_home / "cache" / "lora-gguf").glob("*.gguf"))
    assert len(cached) == 1
    prompt = [{"role": "user", "content": "Write a short scene in a diner at night between MAYA and LEO."}]
    greedy = GenerationParams(max_new_tokens=24, temperature=0, repetition_penalty=1.0)
    base = "".join(llama_engine.stream(prompt, greedy))
    lora = "".join(adapted.stream(prompt, greedy))
    assert lora != base  # the adapter changes what the model writes
    hf = load_engine(settings.with_(engine="transformers", cpu_int8=False))
    reference = "".join(hf.stream(prompt, greedy))
    # Same adapter, same weights (Q4_1, dequantised for transformers): the greedy words agree at the start.
    assert lora.split()[:6] == reference.split()[:6], (lora, reference)
    again = load_engine(settings.with_(engine="llama.cpp"))  # the conversion is cached
    assert list((models_home / "cache" / "lora-gguf").glob("*.gguf")) == cached and again.adapter


def test_without_llama_cpp_the_engine_is_transformers_with_one_log_line(monkeypatch, tmp_path, models_home,
                                                                       embedded_engine, caplog):
    import agent.models.llamacpp as llamacpp

    monkeypatch.setattr(llamacpp, "llama_cpp_problem", lambda: "ImportError: no llama_cpp")
    with caplog.at_level(logging.WARNING, logger="agent.models.factory"):
        engine = load_engine(Settings(home=models_home))  # converted already by the embedded_engine fixture
    assert engine.kind == "transformers"
    assert len([r for r in caplog.records if "runs on transformers" in r.getMessage()]) == 1
    choice = choose_engine(Settings(home=tmp_path))
    assert choice.engine == "transformers" and "llama-cpp-python is not usable" in choice.reason
    with pytest.raises(ModelUnavailableError, match="SCRIPTROOM_ENGINE=llama.cpp cannot serve"):
        choose_engine(Settings(home=tmp_path, engine="llama.cpp"))
    assert choose_engine(Settings(home=tmp_path, model="Qwen/Qwen2.5-7B-Instruct")).reason.endswith("no GGUF file")
    assert choose_engine(Settings(home=tmp_path, load_in_4bit=True)).engine == "transformers"


def test_prepare_makes_the_scene_adapter_ready_before_any_request(tmp_path):
    from agent.models.llamacpp import llama_cpp_problem
    from agent.prepare import prepare

    if llama_cpp_problem():
        pytest.skip(f"llama-cpp-python is not usable here: {llama_cpp_problem()}")
    lines: list[str] = []
    report = prepare(Settings(home=tmp_path), report=lines.append, library=False)
    assert report.engine == "llama.cpp" and any("adapter" in step for step in report.steps)
    cached = list((tmp_path / "cache" / "lora-gguf").glob("*.gguf"))
    assert len(cached) == 1 and lines[0].startswith("preparing adapter")
    prepare(Settings(home=tmp_path), library=False)  # a second run finds it done
    assert list((tmp_path / "cache" / "lora-gguf").glob("*.gguf")) == cached
    assert not (tmp_path / "models").exists()  # llama.cpp needs no safetensors copy
