"""llama.cpp (llama-cpp-python) as the CPU engine for GGUF models, behind the same interface as LocalEngine.

The GGUF runs as it is (no dequantised copy): on this 2-core CPU it decodes about twice as fast as the
transformers int8 loop and loads in a fraction of a second. Consecutive requests that share a prompt prefix
(the K candidates of one scene request) reuse its KV cache: llama-cpp-python evaluates only the tokens after
the longest prefix it already holds.
"""

from __future__ import annotations

import logging
import os
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Iterator

from agent.models.errors import ModelUnavailableError
from agent.models.params import Engine, GenerationParams

log = logging.getLogger(__name__)

# Tokens kept free at the end of the window for the reply when a prompt has to be cut.
MIN_REPLY_TOKENS = 64
# The window each engine allocates up front. 4096 rather than the embedded model's trained 8192: its KV cache
# for two engines (main and scene adapter) measured 448 MB of RSS against 628 MB, the chat history the loop
# keeps (half the window) is prefilled twice as fast, and a 135M model loses the thread well before 4k tokens.
DEFAULT_N_CTX = 4096


def llama_cpp_problem() -> str | None:
    """Why llama-cpp-python cannot be used here, or None when it imports."""
    try:
        import llama_cpp  # noqa: F401
    except Exception as exc:  # an ImportError, or an OSError from a shared library that will not load
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def cpu_threads() -> int:
    """Half the cores this process may run on, as llama.cpp's own default (physical cores, not hyperthreads).

    More is worse on a shared machine: llama.cpp's threads meet at a spinning barrier after every layer, and
    on the 2-core box with other work running, two threads decoded at 1 tok/s where one decoded at 25.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, cores // 2)


@dataclass(kw_only=True)
class LlamaEngine(Engine):
    """A GGUF model loaded in llama.cpp (the adapter: the PEFT folder whose GGUF conversion is applied)."""

    kind: ClassVar[str] = "llama.cpp"
    supports_grammar: ClassVar[bool] = True
    token_limit_param: ClassVar[str] = "max_tokens"

    llama: Any
    gguf: Path

    @classmethod
    def load(
        cls,
        gguf: Path,
        *,
        name: str,
        n_ctx: int = DEFAULT_N_CTX,
        lora_gguf: Path | None = None,
        adapter: str | None = None,
        threads: int | None = None,
    ) -> "LlamaEngine":
        import llama_cpp
        from llama_cpp import Llama

        start = time.perf_counter()
        threads = threads or cpu_threads()
        kwargs: dict[str, Any] = {}
        if lora_gguf is not None:
            kwargs["lora_path"] = str(lora_gguf)
        try:
            llama = Llama(
                model_path=str(gguf), n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads,
                verbose=False, **kwargs,
            )
        except ValueError as exc:  # llama-cpp-python's way of saying the file would not load
            raise ModelUnavailableError(f"llama.cpp could not load {gguf}: {exc}") from None
        trained = int(llama.metadata.get(f"{llama.metadata.get('general.architecture', 'llama')}.context_length", 0)
                      or n_ctx)
        engine = cls(
            llama=llama, name=name, gguf=Path(gguf), context_window=min(n_ctx, trained) if trained else n_ctx,
            n_params=int(llama_cpp.llama_model_n_params(llama.model)),
            adapter=adapter, load_seconds=time.perf_counter() - start,
        )
        # Free the native model while Python is still whole: left to Llama.__del__ at interpreter exit, it
        # runs after llama_cpp's module globals are gone and prints a TypeError.
        weakref.finalize(engine, llama.close)
        return engine

    # ---- prompts ----------------------------------------------------------------------------------------
    def encode_chat(self, messages: list[dict[str, str]], reply_tokens: int) -> list[int]:
        """The chat template applied by the GGUF's own template, as tokens; the oldest context is cut first
        when the conversation and the reply would not fit the window."""
        text = self._template().render(
            messages=messages, add_generation_prompt=True,
            bos_token=self._token_text(self.llama.token_bos()), eos_token=self._token_text(self.llama.token_eos()),
        )
        ids = self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        budget = self.context_window - max(MIN_REPLY_TOKENS, min(reply_tokens, self.context_window // 2))
        return ids[-budget:] if len(ids) > budget else ids

    def _template(self) -> Any:
        cached = getattr(self, "_jinja", None)
        if cached is None:
            from jinja2.sandbox import ImmutableSandboxedEnvironment

            source = self.llama.metadata.get("tokenizer.chat_template")
            if not source:
                raise ModelUnavailableError(f"{self.gguf.name} carries no chat template; use a chat (instruct) GGUF")
            env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
            cached = env.from_string(source)
            object.__setattr__(self, "_jinja", cached)
        return cached

    def _token_text(self, token: int) -> str:
        return self.llama.detokenize([token], special=True).decode("utf-8", errors="ignore") if token >= 0 else ""

    # ---- decoding ---------------------------------------------------------------------------------------
    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        """Yield text pieces as they are decoded."""
        grammar = self._grammar(params)  # checked before the lock: a bad grammar is the caller's error
        with self.lock:
            prompt = self.encode_chat(messages, params.max_new_tokens)
            self._prefill(prompt)
            room = self.context_window - len(prompt)
            pieces = self.llama.create_completion(
                prompt=prompt,
                max_tokens=max(1, min(params.max_new_tokens, room)),
                temperature=max(0.0, params.temperature),
                top_p=params.top_p,
                top_k=params.top_k,
                min_p=params.min_p,
                repeat_penalty=params.repetition_penalty,
                seed=params.seed,
                stop=list(params.stop) or None,
                grammar=grammar,
                stream=True,
            )
            for chunk in pieces:
                text = chunk["choices"][0]["text"]
                if text:
                    yield text

    def _prefill(self, prompt: list[int]) -> None:
        """Have everything but the prompt's last token in the KV cache, reusing the longest cached prefix.

        create_completion then evaluates the last token on its own, whatever was cached before. Without this the
        first logits came from a batched prefill on a cold cache and from a one-token step on a warm one, and
        the two differ in the last bits: greedy output changed with what the previous request was.
        """
        if len(prompt) < 2:
            return
        # llama-cpp-python's generate() does the prefix matching; evaluating starts on its first next().
        tokens = self.llama.generate(prompt[:-1], temp=0.0, reset=True)
        next(tokens)
        tokens.close()

    def _grammar(self, params: GenerationParams) -> Any:
        if not params.constrained:
            return None
        import json

        import llama_cpp
        from llama_cpp import LlamaGrammar

        try:
            if params.grammar is not None:
                grammar = LlamaGrammar.from_string(params.grammar, verbose=False)
            else:
                schema = params.json_schema
                grammar = LlamaGrammar.from_json_schema(schema if isinstance(schema, str) else json.dumps(schema),
                                                        verbose=False)
        except (ValueError, RuntimeError, TypeError, KeyError) as exc:
            raise ValueError(f"the JSON schema did not convert to a grammar ({exc}); pass a JSON schema object "
                             "as json_schema= or GBNF text as grammar=") from None
        # llama-cpp-python hands a grammar that does not parse to the sampler chain as a null pointer, which
        # crashes the process; parse it here first and free the probe.
        vocab = llama_cpp.llama_model_get_vocab(self.llama.model)
        probe = llama_cpp.llama_sampler_init_grammar(vocab, grammar._grammar.encode(), grammar._root.encode())
        if not probe:
            raise ValueError("the grammar did not parse (llama.cpp's message is on stderr); pass GBNF text with a "
                             "root rule, e.g. root ::= \"yes\" | \"no\"")
        llama_cpp.llama_sampler_free(probe)
        return grammar
