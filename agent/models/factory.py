"""Build the configured chat model: local transformers, an OpenAI-compatible server, or the fake."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.models.errors import ModelUnavailableError
from agent.settings import EMBEDDED_MODEL, SHIPPED_ADAPTER, Settings
from tools.embeddings import offline_models
from screenplay.record import Record

log = logging.getLogger(__name__)


TOKEN_LIMIT_PARAMS = ("max_tokens", "max_completion_tokens", "max_new_tokens")
ENGINES = ("llama.cpp", "transformers", "openai", "fake")
WRITING_TIERS = ("scaffold", "free")
# Below this many parameters a model cannot hold a scene's structure on its own: tools build it in code.
FREE_WRITING_MIN_PARAMS = 1_000_000_000


@dataclass(frozen=True)
class ModelInfo(Record):
    """What the rest of Scriptroom may rely on: capability flags, never model-name checks.

    token_limit_param is the keyword a tool passes to limit a reply's length (``model.invoke(msgs, **{info.
    token_limit_param: 200})``); writing_tier says whether tools scaffold a scene in code ("scaffold") or let the
    model write it ("free").
    """

    backend: str
    name: str
    supports_tool_calling: bool
    streaming: bool
    context_window: int
    token_limit_param: str = "max_new_tokens"
    supports_stop: bool = True
    supports_grammar: bool = False
    engine: str = "transformers"
    writing_tier: str = "scaffold"
    supports_adapters: bool = False  # a LoRA adapter loads into this process's model (the local engines)
    supports_sampling: bool = False  # takes top_k, min_p and repetition_penalty per call (the local engines)
    supports_perplexity: bool = False  # chat_model.perplexity(texts) scores fluency (the transformers engine)
    keeps_prefix: bool = False  # chat_model.keep_prefix(messages) saves the chat's prefill between turns (llama.cpp)


def build_chat_model(settings: Settings, *, engine: Any = None):
    """A LangChain BaseChatModel for `settings`. Pass a loaded `engine` to share one across sessions."""
    offline_models()
    if settings.backend == "fake":
        from agent.models.fake import ScriptedChatModel

        return ScriptedChatModel()
    if settings.backend == "openai":
        try:
            from agent.models.served import ServedChatModel
        except ImportError:
            raise ModelUnavailableError("the openai backend needs langchain-openai: pip install langchain-openai") from None
        return ServedChatModel(
            base_url=settings.base_url,
            api_key=settings.api_key,
            model=settings.model,
            temperature=settings.temperature,
            top_p=0.9,  # as the local engines sample
            max_tokens=settings.max_new_tokens,
            seed=settings.seed,
            # No streaming=True: then invoke() makes one plain request and only stream() streams. llama-cpp-python's
            # server repeats a streamed tool call's name in every chunk ("generategenerate..."), and the router's
            # tool calls come by invoke().
        )
    from agent.models.local import LocalChatModel

    if engine is None:
        engine = load_engine(settings)
    return LocalChatModel(
        engine=engine,
        max_new_tokens=settings.max_new_tokens,
        temperature=settings.temperature,
        seed=settings.seed,
    )


@dataclass(frozen=True)
class EngineChoice:
    """Which engine serves the configured model, and why; decided without loading anything."""

    engine: str  # "llama.cpp" | "transformers" | "openai" | "fake"
    reason: str
    gguf: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"engine": self.engine, "reason": self.reason, "gguf": str(self.gguf) if self.gguf else None}


def choose_engine(settings: Settings) -> EngineChoice:
    """llama.cpp for a model with a GGUF on CPU when llama-cpp-python loads; transformers otherwise (training,
    4-bit GPU, models without a GGUF), or when SCRIPTROOM_ENGINE=transformers says so."""
    if settings.backend in ("openai", "fake"):
        return EngineChoice(settings.backend, f"the {settings.backend} backend")
    if settings.engine == "transformers":
        return EngineChoice("transformers", "SCRIPTROOM_ENGINE=transformers")
    from agent.models.store import find_gguf

    gguf = find_gguf(settings.model)
    blocker = None
    if settings.load_in_4bit or settings.device == "cuda":
        blocker = "4-bit and CUDA run on transformers"
    elif gguf is None:
        blocker = f"{settings.model} has no GGUF file"
    else:
        from agent.models.llamacpp import llama_cpp_problem

        problem = llama_cpp_problem()
        if problem:
            blocker = f"llama-cpp-python is not usable here ({problem}); `make install` builds it"
    if blocker is None:
        return EngineChoice("llama.cpp", f"GGUF model on CPU: {gguf.name}", gguf)
    if settings.engine == "llama.cpp":
        raise ModelUnavailableError(f"SCRIPTROOM_ENGINE=llama.cpp cannot serve {settings.model}: {blocker}; "
                                    "use SCRIPTROOM_ENGINE=auto or transformers")
    return EngineChoice("transformers", blocker, gguf)


def load_engine(settings: Settings):
    """Load the local model named by settings on the engine choose_engine picks."""
    choice = choose_engine(settings)
    if choice.engine == "llama.cpp":
        try:
            return _load_llama(settings, choice.gguf)
        except ModelUnavailableError as exc:
            if settings.engine == "llama.cpp":
                raise
            log.warning("llama.cpp cannot serve %s (%s); using transformers", settings.model, exc)
    elif settings.engine == "auto" and settings.backend == "local" and "llama-cpp-python" in choice.reason:
        # The one line an operator needs when the native build is missing: everything still works, slower.
        log.warning("Scriptroom runs on transformers: %s", choice.reason)
    return _load_transformers(settings)


def _load_llama(settings: Settings, gguf: Path):
    from agent.models.llamacpp import LlamaEngine

    lora = None
    if settings.adapter:
        from agent.models.lora_gguf import cached_gguf_lora

        lora = cached_gguf_lora(settings.adapter, gguf, settings.home / "cache" / "lora-gguf")
    return LlamaEngine.load(gguf, name=settings.model, lora_gguf=lora, adapter=settings.adapter)


def _load_transformers(settings: Settings):
    """Load (and on first use convert) the model as a transformers checkpoint."""
    from agent.models.local import LocalEngine
    from agent.models.store import resolve_model_dir

    model_dir = resolve_model_dir(settings.model, settings.models_dir)
    return LocalEngine.load(
        model_dir,
        name=settings.model,
        device=settings.device,
        load_in_4bit=settings.load_in_4bit,
        adapter=settings.adapter,
        cpu_int8=settings.cpu_int8,
    )


def scene_adapter(settings: Settings) -> str | None:
    """The adapter folder the scene generator should write with, or None to use the main model.

    Only for the local backend with no adapter on the main model (a writer's own choice wins). "auto" means the
    shipped adapter, and only on the embedded model it was trained for.
    """
    choice = (settings.scene_adapter or "none").strip()
    if settings.backend != "local" or settings.adapter or choice.lower() == "none":
        return None
    if choice.lower() == "auto":
        on_disk = (SHIPPED_ADAPTER / "adapter_config.json").is_file()
        return str(SHIPPED_ADAPTER) if settings.model == EMBEDDED_MODEL and on_disk else None
    return choice


def scene_settings(settings: Settings) -> Settings:
    """The settings of the scene generator's model: ``settings`` with the scene adapter attached, when one applies.

    In the app the generator then gets a second copy of the 135M model (about 0.34 GB measured), which keeps the
    adapter, trained on the generator's own prompts, away from the other tools' prompts.
    """
    adapter = scene_adapter(settings)
    return settings.with_(adapter=adapter) if adapter else settings


def is_openai_itself(base_url: str | None) -> bool:
    """True for OpenAI's own API, the only server that wants max_completion_tokens (others ignore it)."""
    return not base_url or "api.openai.com" in base_url


def writing_tier(settings: Settings, n_params: int | None) -> str:
    """The settings' explicit choice, else "free" only for models known to be at least ~1B parameters."""
    if settings.writing != "auto":
        return settings.writing
    return "free" if n_params is not None and n_params >= FREE_WRITING_MIN_PARAMS else "scaffold"


def model_info(settings: Settings, chat_model: Any = None) -> ModelInfo:
    if settings.backend == "fake":
        return ModelInfo(
            # No tool calling: its bind_tools() returns the same scripted replies, so the router stays semantic.
            "fake", "scripted", supports_tool_calling=False, streaming=True, context_window=8192,
            token_limit_param="max_tokens", supports_stop=True, supports_grammar=False, engine="fake",
            # Scripted replies stand in for the embedded model in tests, so the default follows it.
            writing_tier=writing_tier(settings, None),
        )
    if settings.backend == "openai":
        return ModelInfo(
            "openai", settings.model, supports_tool_calling=True, streaming=True, context_window=8192,
            token_limit_param="max_completion_tokens" if is_openai_itself(settings.base_url) else "max_tokens",
            supports_stop=True, supports_grammar=False, engine="openai",
            # A served model is how a team shares a capable one: free unless the settings say otherwise.
            writing_tier=settings.writing if settings.writing != "auto" else "free",
        )
    name = settings.model if settings.model != EMBEDDED_MODEL else f"{EMBEDDED_MODEL} (embedded)"
    # The engine (LlamaEngine or LocalEngine) declares its capabilities; a model this factory did not build
    # (a test's scripted stand-in) gets the embedded model's defaults.
    engine = getattr(chat_model, "engine", None)
    if engine is None:
        return ModelInfo("local", name, supports_tool_calling=False, streaming=True, context_window=2048,
                         writing_tier=writing_tier(settings, None), supports_adapters=True, supports_sampling=True)
    return ModelInfo(
        "local", name, supports_tool_calling=False, streaming=True, context_window=engine.context_window,
        token_limit_param=engine.token_limit_param, supports_stop=True, supports_grammar=engine.supports_grammar,
        engine=engine.kind, writing_tier=writing_tier(settings, engine.n_params), supports_adapters=True,
        supports_sampling=True, supports_perplexity=engine.supports_perplexity, keeps_prefix=engine.keeps_prefix,
    )
