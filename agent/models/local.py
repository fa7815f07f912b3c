"""A local transformers model as a LangChain chat model, with token streaming.

Decoding is a hand-written loop over the model's forward pass with a KV cache rather than
`generate()`: on a 2-core CPU most of generate()'s per-token time is Python bookkeeping, and a
135M model spends more time there than in the matmuls (see bench/llm_speed.py for the figures).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Iterator, Sequence

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from agent.models.errors import ModelUnavailableError
from agent.models.gpu import on_gpu
from agent.models.params import Engine, GenerationParams

__all__ = ["GenerationParams", "LocalChatModel", "LocalEngine"]

ROLE_NAMES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


@dataclass(kw_only=True)
class LocalEngine(Engine):
    """A loaded transformers model and tokenizer (n_params is counted before int8 packing hides the Linear
    weights from parameters(); the adapter is merged into the weights)."""

    kind: ClassVar[str] = "transformers"
    supports_perplexity: ClassVar[bool] = True

    model: Any
    tokenizer: Any

    @classmethod
    def load(
        cls,
        model_dir: Path,
        *,
        name: str,
        device: str = "auto",
        load_in_4bit: bool = False,
        adapter: str | None = None,
        cpu_int8: bool = True,
    ) -> "LocalEngine":
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        start = time.perf_counter()
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        kwargs: dict[str, Any] = {}
        if load_in_4bit:
            if device != "cuda":
                raise ModelUnavailableError(
                    "4-bit loading (bitsandbytes NF4) needs a CUDA GPU; drop --load-in-4bit on this machine"
                )
            try:
                from transformers import BitsAndBytesConfig
                import bitsandbytes  # noqa: F401
            except ImportError:
                raise ModelUnavailableError(
                    "4-bit loading needs bitsandbytes (a regular dependency): pip install 'bitsandbytes>=0.50'"
                ) from None
            kwargs["quantization_config"] = BitsAndBytesConfig(
                load_in_4bit=True,
                bnb_4bit_quant_type="nf4",
                bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=torch.bfloat16,
            )
            kwargs["device_map"] = {"": 0}
        elif device == "cuda":
            kwargs["dtype"] = torch.bfloat16
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        model = AutoModelForCausalLM.from_pretrained(str(model_dir), **kwargs)
        if not load_in_4bit:
            model.to(device)
        if adapter:
            model = attach_adapter(model, adapter)
        model.eval()
        n_params = sum(p.numel() for p in model.parameters())
        if device == "cpu" and cpu_int8 and not load_in_4bit:
            model = quantize_int8(model)
        window = int(getattr(model.config, "max_position_embeddings", 2048) or 2048)
        engine = cls(
            model=model,
            tokenizer=tokenizer,
            name=name,
            device=device,
            context_window=window,
            load_seconds=time.perf_counter() - start,
            adapter=str(adapter) if adapter else None,
            n_params=n_params,
        )
        # One short pass now, so the writer's first request does not pay for kernel warm-up.
        for _ in engine.stream([{"role": "user", "content": "Hi"}], GenerationParams(max_new_tokens=2, temperature=0)):
            pass
        engine.load_seconds = time.perf_counter() - start
        return engine

    def stop_token_ids(self) -> set[int]:
        ids = {self.tokenizer.eos_token_id}
        for token in ("<|im_end|>", "<|endoftext|>", "<|eot_id|>"):
            tid = self.tokenizer.convert_tokens_to_ids(token)
            if isinstance(tid, int) and tid != self.tokenizer.unk_token_id:
                ids.add(tid)
        gen_eos = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        if isinstance(gen_eos, int):
            ids.add(gen_eos)
        elif isinstance(gen_eos, (list, tuple)):
            ids.update(gen_eos)
        return {i for i in ids if i is not None}

    def perplexity(self, texts: list[str]) -> list[float]:
        """Perplexity of each text under this model: style transfer's fluency measure."""
        from tools.style.metrics import transformers_perplexity

        with self.lock:  # one forward pass at a time, as decoding
            return transformers_perplexity(self.model, self.tokenizer)(texts)

    def encode_chat(self, messages: list[dict[str, str]]) -> Any:
        ids = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )["input_ids"]
        # Keep the most recent context when a conversation outgrows the window.
        budget = self.context_window - 64
        if ids.shape[1] > budget:
            ids = ids[:, -budget:]
        return ids.to(self.device)

    @on_gpu
    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        """Yield text pieces as they are decoded."""
        import torch
        from transformers import (
            LogitsProcessorList,
            MinPLogitsWarper,
            RepetitionPenaltyLogitsProcessor,
            TemperatureLogitsWarper,
            TopKLogitsWarper,
            TopPLogitsWarper,
        )

        if params.constrained:
            raise ValueError("grammars and JSON schemas need the llama.cpp engine (ModelInfo.supports_grammar); "
                             "this model runs on transformers")
        processors = LogitsProcessorList()
        if params.repetition_penalty and params.repetition_penalty != 1.0:
            processors.append(RepetitionPenaltyLogitsProcessor(params.repetition_penalty))
        greedy = params.temperature <= 0
        if not greedy:
            processors.append(TemperatureLogitsWarper(params.temperature))
            if params.top_k > 0:
                processors.append(TopKLogitsWarper(params.top_k))
            if params.top_p < 1.0:
                processors.append(TopPLogitsWarper(params.top_p))
            if params.min_p > 0:
                processors.append(MinPLogitsWarper(params.min_p))
        stops = self.stop_token_ids()
        with self.lock, torch.inference_mode():
            generator = None
            if params.seed is not None:
                generator = torch.Generator(device=self.device).manual_seed(params.seed)
            ids = self.encode_chat(messages)
            seen = ids
            # logits_to_keep=1: the prompt's other positions need no vocabulary projection.
            out = self.model(input_ids=ids, use_cache=True, logits_to_keep=1)
            past = _cache_of(out)
            logits = out.logits[:, -1, :]
            produced: list[int] = []
            emitted = ""
            for _ in range(params.max_new_tokens):
                scores = processors(seen, logits.float())
                if greedy:
                    next_id = int(torch.argmax(scores, dim=-1))
                else:
                    probs = torch.softmax(scores, dim=-1)
                    next_id = int(torch.multinomial(probs, 1, generator=generator))
                if next_id in stops:
                    break
                produced.append(next_id)
                text = self.tokenizer.decode(produced, skip_special_tokens=True)
                # Hold back a partial multi-byte character until its remaining bytes arrive.
                if not text.endswith("\ufffd") and len(text) > len(emitted):
                    piece, emitted = text[len(emitted):], text
                    yield piece
                    if params.stop and any(s in emitted for s in params.stop):
                        break
                step = torch.tensor([[next_id]], device=self.device)
                seen = torch.cat([seen, step], dim=1)
                out = self.model(input_ids=step, cache=past, use_cache=True)
                past = _cache_of(out)
                logits = out.logits[:, -1, :]


def _cache_of(out: Any) -> Any:
    cache = getattr(out, "cache", None)
    return cache if cache is not None else out.past_key_values


def attach_adapter(model: Any, adapter: str) -> Any:
    """Attach a PEFT LoRA adapter folder (the standard format from `PeftModel.save_pretrained`)."""
    path = Path(adapter).expanduser()
    if not (path / "adapter_config.json").exists():
        raise ModelUnavailableError(
            f"{path} is not a LoRA adapter folder (no adapter_config.json); "
            "use a folder written by `scriptroom finetune sft`"
        )
    from peft import PeftModel

    return PeftModel.from_pretrained(model, str(path))


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 (per-channel weights) for CPU decoding.

    Decoding one token reads every weight once, so on a CPU it is memory-bound: int8 weights move a
    quarter of fp32's bytes and decode about 1.7x faster here, with the same greedy tokens on our
    checks. A LoRA adapter is merged first so the quantized layers are plain Linear ones.
    """
    import warnings

    import torch

    if hasattr(model, "merge_and_unload"):
        model = model.merge_and_unload()
    with warnings.catch_warnings():
        # torch.ao's dynamic quantization is deprecated in favour of torchao, which is not a
        # dependency we want for one call; it still works on torch 2.x.
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(
            model,
            {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig},
            dtype=torch.qint8,
        )


def to_chat_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    out = []
    for m in messages:
        role = ROLE_NAMES.get(m.type, "user")
        content = m.content if isinstance(m.content, str) else str(m.content)
        out.append({"role": role, "content": content})
    return out


def _cut_at_stop(text: str, stop: Sequence[str]) -> str:
    cut = min((text.find(s) for s in stop if s in text), default=-1)
    return text[:cut] if cut >= 0 else text


# The reply-length keyword each backend family uses; every local model accepts all of them.
TOKEN_LIMIT_ALIASES = ("max_new_tokens", "max_tokens", "max_completion_tokens")


class LocalChatModel(BaseChatModel):
    """BaseChatModel over a local engine (LlamaEngine or LocalEngine); the engine is shared, the parameters are
    per instance. Any call may pass sampling (temperature, top_p, top_k, min_p, repetition_penalty, seed), a
    token limit under any of TOKEN_LIMIT_ALIASES, and on llama.cpp a ``grammar`` (GBNF) or ``json_schema``;
    ``model.bind(grammar=...)`` fixes one for a chain.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    engine: Any
    max_new_tokens: int = 384
    temperature: float = 0.7
    top_p: float = 0.9
    top_k: int = 0
    min_p: float = 0.0
    repetition_penalty: float = 1.1
    seed: int | None = None

    @property
    def _llm_type(self) -> str:
        return f"scriptroom-local-{self.engine.kind}"

    def perplexity(self, texts: list[str]) -> list[float]:
        """Where ModelInfo.supports_perplexity says the engine can score fluency."""
        return self.engine.perplexity(texts)

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": self.engine.name, "temperature": self.temperature}

    def keep_prefix(self, messages: list[BaseMessage]) -> None:
        """Prefill ``messages`` (a conversation so far, no reply) so that the next call starting with them
        prefills only what follows; see the engine's ``keep``."""
        self.engine.keep(to_chat_dicts(messages))

    def _params(self, stop: list[str] | None, **kwargs: Any) -> GenerationParams:
        limit = next((kwargs[k] for k in TOKEN_LIMIT_ALIASES if kwargs.get(k) is not None), self.max_new_tokens)
        return GenerationParams(
            max_new_tokens=int(limit),
            temperature=float(kwargs.get("temperature", self.temperature)),
            top_p=float(kwargs.get("top_p", self.top_p)),
            top_k=int(kwargs.get("top_k", self.top_k)),
            min_p=float(kwargs.get("min_p", self.min_p)),
            repetition_penalty=float(kwargs.get("repetition_penalty", self.repetition_penalty)),
            seed=kwargs.get("seed", self.seed),
            stop=tuple(stop or ()),
            grammar=kwargs.get("grammar"),
            json_schema=kwargs.get("json_schema"),
            token_filter=kwargs.get("token_filter"),
        )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        params = self._params(stop, **kwargs)
        text = ""
        for piece in self.engine.stream(to_chat_dicts(messages), params):
            if params.stop:
                # Never stream past a stop string, even when it arrives split across pieces.
                new = _cut_at_stop(text + piece, params.stop)
                piece, text = new[len(text):], new
                if not piece:
                    break
            else:
                text += piece
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.message.content for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
