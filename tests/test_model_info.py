"""Capability flags per backend: what tools read instead of sniffing backend names."""

from types import SimpleNamespace

import pytest

from agent.models.factory import model_info
from agent.settings import Settings


def _local(engine):
    return SimpleNamespace(engine=engine)


def test_served_models_get_max_tokens_except_openai_itself():
    vllm = model_info(Settings(backend="openai", base_url="http://127.0.0.1:8000/v1", model="m"))
    openai = model_info(Settings(backend="openai", base_url="https://api.openai.com/v1", model="gpt-x"))
    assert vllm.token_limit_param == "max_tokens" and vllm.engine == "openai"
    assert openai.token_limit_param == "max_completion_tokens"
    assert vllm.writing_tier == "free" and vllm.supports_tool_calling and not vllm.supports_grammar


def test_local_engines_report_their_kind_and_tier():
    small = SimpleNamespace(kind="llama.cpp", context_window=8192, n_params=134_000_000,
                            supports_grammar=True, token_limit_param="max_tokens", supports_perplexity=False,
                            keeps_prefix=True)
    big = SimpleNamespace(kind="transformers", context_window=32768, n_params=7_000_000_000,
                          supports_grammar=False, token_limit_param="max_new_tokens", supports_perplexity=True,
                            keeps_prefix=False)
    llama = model_info(Settings(), _local(small))
    hf = model_info(Settings(model="some/model"), _local(big))
    assert (llama.engine, llama.token_limit_param, llama.supports_grammar, llama.writing_tier) == (
        "llama.cpp", "max_tokens", True, "scaffold")
    assert (hf.engine, hf.token_limit_param, hf.supports_grammar, hf.writing_tier) == (
        "transformers", "max_new_tokens", False, "free")
    assert llama.context_window == 8192 and not llama.supports_tool_calling
    # Sampling knobs (the generator's scaffold sampling) and fluency scoring (style) are flags too.
    assert llama.supports_sampling and hf.supports_sampling and hf.supports_perplexity and not llama.supports_perplexity
    # Only llama.cpp keeps a chat's prefill between turns (agent.loop reads the flag, not the engine's name).
    assert llama.keeps_prefix and not hf.keeps_prefix
    from agent.models.llamacpp import LlamaEngine
    from agent.models.local import LocalEngine
    assert LlamaEngine.keeps_prefix and not LocalEngine.keeps_prefix


@pytest.mark.parametrize("writing", ["scaffold", "free"])
def test_writing_tier_is_overridable(writing):
    settings = Settings.from_env({"SCRIPTROOM_WRITING": writing})
    engine = SimpleNamespace(kind="llama.cpp", context_window=2048, n_params=134_000_000,
                             supports_grammar=True, token_limit_param="max_tokens", supports_perplexity=False,
                            keeps_prefix=True)
    assert model_info(settings, _local(engine)).writing_tier == writing
    assert model_info(settings.with_(backend="fake")).writing_tier == writing
    assert model_info(settings.with_(backend="openai", base_url="http://x/v1")).writing_tier == writing


def test_fake_model_flags():
    info = model_info(Settings(backend="fake"))
    assert info.engine == "fake" and info.writing_tier == "scaffold" and info.to_dict()["supports_stop"]
    assert not info.supports_tool_calling and not info.supports_adapters  # scripted replies: no native routing


def test_adapters_are_a_flag_of_the_local_engines():
    served = model_info(Settings(backend="openai", base_url="http://127.0.0.1:8000/v1", model="m"))
    engine = SimpleNamespace(kind="transformers", context_window=2048, n_params=None,
                             supports_grammar=False, token_limit_param="max_new_tokens", supports_perplexity=True,
                            keeps_prefix=False)
    assert not served.supports_adapters and model_info(Settings(), _local(engine)).supports_adapters
    assert not (served.supports_sampling or served.supports_perplexity)
