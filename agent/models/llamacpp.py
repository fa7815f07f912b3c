"""llama.cpp (llama-cpp-python) as the CPU engine for GGUF models, behind the same interface as LocalEngine.

The GGUF runs as it is (no dequantised copy): on this 2-core CPU it decodes about twice as fast as the
transformers int8 loop and loads in a fraction of a second. Consecutive requests that share a prompt prefix
(the K candidates of one scene request) reuse its KV cache: llama-cpp-python evaluates only the tokens after
the longest prefix it already holds. A chat's prefix (system prompt and history) is also kept as a saved KV state
(KeptStates), so a chat question after tool calls that evicted it restores it instead of prefilling it again.
"""

from __future__ import annotations

import ctypes
import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Iterator

from agent.models.errors import ModelUnavailableError
from agent.models.keeping import PendingKeeps, RequestLock, close_when_free, shared_prefix
from agent.models.params import Engine, GenerationParams

log = logging.getLogger(__name__)

# Tokens kept free at the end of the window for the reply when a prompt has to be cut.
MIN_REPLY_TOKENS = 64
# The window each engine allocates up front. 4096 rather than the embedded model's trained 8192: its KV cache
# for two engines (main and scene adapter) measured 448 MB of RSS against 628 MB, the chat history the loop
# keeps (half the window) is prefilled twice as fast, and a 135M model loses the thread well before 4k tokens.
DEFAULT_N_CTX = 4096
# Saved chat prefixes per engine, every session's together: about 23 KB per token for the embedded model, so a
# 350-token chat prefix is 8 MB and this keeps six of them.
KEPT_STATE_BYTES = 48 << 20
# A kept state is restored only when it covers this many more tokens than the KV cache already holds: below
# that, prefilling them costs about what the copy does.
MIN_RESTORE_GAIN = 8
# A keep prefills this many tokens per decode, so a request that stops it mid-way loses at most one chunk: what
# is done stays in the KV cache, where a question that starts with the same prefix finds it.
KEEP_CHUNK = 64
# How many of the likeliest next tokens a token filter (GenerationParams.token_filter) is asked about per step.
FILTER_TOP = 128


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
    return max(1, _cores() // 2)


def prefill_threads(decode_threads: int) -> int:
    """Threads for a prompt's prefill: every core when the machine is about idle, else the decode count.

    A prefill is one big batch, so on the quiet 2-core box two threads took 352 tokens from 2.0 s to 1.25 s; but
    with the cores busy the same two threads wait at llama.cpp's barrier (466 tokens: 7.7 s on one thread, 22 s
    on two, load 18). The one-minute load average decides; it lags, which errs towards the decode count.
    """
    cores = _cores()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows
        return decode_threads
    return cores if load < cores - 0.5 else decode_threads


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


@dataclass
class KeptStates:
    """KV states of chat prefixes, keyed by their tokens, least recently used dropped first past a byte budget."""

    capacity_bytes: int = KEPT_STATE_BYTES
    states: OrderedDict[tuple[int, ...], Any] = field(default_factory=OrderedDict)

    def best(self, tokens: list[int]) -> tuple[tuple[int, ...], Any, int] | None:
        """(key, state, tokens it shares with ``tokens``) of the kept state sharing the longest prefix."""
        found = None
        for key, state in self.states.items():
            shared = shared_prefix(key, tokens)
            if shared and (found is None or shared > found[2]):
                found = (key, state, shared)
        if found is not None:
            self.states.move_to_end(found[0])
        return found

    def put(self, tokens: list[int], state: Any) -> None:
        key = tuple(tokens)
        for old in [k for k in self.states if shared_prefix(k, key) == len(k)]:
            del self.states[old]  # a prefix of this one: everything it could restore, this one restores
        self.states[key] = state
        while len(self.states) > 1 and sum(len(v) for v in self.states.values()) > self.capacity_bytes:
            self.states.popitem(last=False)

    def clear(self) -> None:
        self.states.clear()


@dataclass(kw_only=True)
class LlamaEngine(Engine):
    """A GGUF model loaded in llama.cpp (the adapter: the PEFT folder whose GGUF conversion is applied)."""

    kind: ClassVar[str] = "llama.cpp"
    supports_grammar: ClassVar[bool] = True
    keeps_prefix: ClassVar[bool] = True
    token_limit_param: ClassVar[str] = "max_tokens"

    llama: Any
    gguf: Path
    threads: int = 1  # decode threads; prefill takes more when the cores are free (prefill_threads)
    batch_threads: int | None = None  # a fixed prefill thread count (benches); None: prefill_threads decides
    kept: KeptStates = field(default_factory=KeptStates, repr=False)
    lock: RequestLock = field(default_factory=RequestLock, repr=False)
    pending: PendingKeeps = field(default_factory=PendingKeeps, repr=False)

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
            adapter=adapter, load_seconds=time.perf_counter() - start, threads=threads,
        )
        # Free the native model while Python is still whole: left to Llama.__del__ at interpreter exit, it
        # runs after llama_cpp's module globals are gone and prints a TypeError.
        weakref.finalize(engine, close_when_free, llama, engine.lock, engine.pending)
        return engine

    # ---- prompts ----------------------------------------------------------------------------------------
    def encode_chat(self, messages: list[dict[str, str]], reply_tokens: int) -> list[int]:
        """The chat template applied by the GGUF's own template, as tokens; the oldest context is cut first
        when the conversation and the reply would not fit the window."""
        ids = self._render(messages, reply=True)
        budget = self.context_window - max(MIN_REPLY_TOKENS, min(reply_tokens, self.context_window // 2))
        return ids[-budget:] if len(ids) > budget else ids

    def _render(self, messages: list[dict[str, str]], *, reply: bool) -> list[int]:
        text = self._template().render(
            messages=messages, add_generation_prompt=reply,
            bos_token=self._token_text(self.llama.token_bos()), eos_token=self._token_text(self.llama.token_eos()),
        )
        return self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)

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
                logits_processor=self._token_filter(params.token_filter, len(prompt)),
                stream=True,
            )
            for chunk in pieces:
                text = chunk["choices"][0]["text"]
                if text:
                    yield text

    def keep(self, messages: list[dict[str, str]]) -> None:
        """Keep a conversation's (no reply) KV state, so that a later prompt starting with it restores it, even
        after other prompts have taken the KV cache: the chat keeps its system prompt and history this way between
        turns, so a question after tool calls prefills only itself.

        Returns at once: a background thread prefills once the engine has been free for KEEP_QUIET_S, and stops
        the moment a request waits for the engine (it was inside the turn before, and a writer's next message,
        or another writer's request, waited 2-12 s for it under load)."""
        ids = self._render(messages, reply=False)
        if len(ids) < 2 or len(ids) > self.context_window // 2:
            return
        if self.pending.add(ids):
            threading.Thread(target=self._keep_pending, name="keep-prefix", daemon=True).start()

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until no keep is pending (benches and tests); False on timeout."""
        return self.pending.idle.wait(timeout)

    def _keep_pending(self) -> None:
        while (ids := self.pending.next()) is not None:
            while not self.lock.take_idle():
                time.sleep(0.05)
            try:
                if self.pending.closed:
                    continue
                self.pending.done(ids, kept=self._keep_now(ids))
            finally:
                self.lock.release()

    def _keep_now(self, ids: list[int]) -> bool:
        """Prefill ``ids`` in chunks and save their state; False when a waiting request stopped it."""
        import llama_cpp

        key = tuple(ids)
        if key in self.kept.states:
            self.kept.states.move_to_end(key)
            return True
        self._restore(ids)
        llama = self.llama
        done = min(shared_prefix(llama.input_ids[: llama.n_tokens].tolist(), ids), len(ids) - 1)
        llama.n_tokens = done  # eval() drops the cells past this first
        llama_cpp.llama_set_n_threads(llama.ctx, self.threads, self.batch_threads or prefill_threads(self.threads))
        # llama.cpp asks this between the graph's nodes, so a request stops the keep within a millisecond or so.
        stop = llama_cpp.ggml_abort_callback(lambda _data: self.lock.waiting > 0)
        llama_cpp.llama_set_abort_callback(llama.ctx, stop, None)
        try:
            while llama.n_tokens < len(ids):
                if self.lock.waiting:
                    return False
                llama.eval(ids[llama.n_tokens: llama.n_tokens + KEEP_CHUNK])
        except RuntimeError:  # llama_decode returned 2: aborted; the chunks before it stay in the cache
            return False
        finally:
            llama_cpp.llama_set_abort_callback(llama.ctx, llama_cpp.ggml_abort_callback(), None)
        size = llama_cpp.llama_state_seq_get_size(llama.ctx, 0)
        state = (ctypes.c_uint8 * size)()
        llama_cpp.llama_state_seq_get_data(llama.ctx, state, size, 0)
        self.kept.put(ids, state)
        return True

    def _prefill(self, prompt: list[int]) -> None:
        """Have everything but the prompt's last token in the KV cache, reusing the longest cached prefix.

        create_completion then evaluates the last token on its own, whatever was cached before. Without this the
        first logits came from a batched prefill on a cold cache and from a one-token step on a warm one, and
        the two differ in the last bits: greedy output changed with what the previous request was.
        """
        if len(prompt) >= 2:
            self._evaluate(prompt[:-1])

    def _evaluate(self, tokens: list[int]) -> None:
        """Put ``tokens`` in the KV cache: from a kept state when one covers more of them than the cache does,
        then by prefill on prefill_threads; llama-cpp-python's generate() matches the cached prefix, and
        evaluating starts on its first next()."""
        import llama_cpp

        self._restore(tokens)
        batch = self.batch_threads or prefill_threads(self.threads)
        llama_cpp.llama_set_n_threads(self.llama.ctx, self.threads, batch)
        stepping = self.llama.generate(tokens, temp=0.0, reset=True)
        next(stepping)
        stepping.close()

    def _restore(self, tokens: list[int]) -> None:
        import llama_cpp

        found = self.kept.best(tokens)
        cached = shared_prefix(self.llama.input_ids[: self.llama.n_tokens].tolist(), tokens)
        if found is None or found[2] < cached + MIN_RESTORE_GAIN:
            return
        _, state, shared = found
        if not llama_cpp.llama_state_seq_set_data(self.llama.ctx, state, len(state), 0):
            self.llama.n_tokens = 0  # the cache is in an unknown state: prefill everything
            return
        # Tell llama-cpp-python what the cache now holds, one token short of the whole prompt at most, so that
        # generate() always evaluates at least one token (and drops the restored cells past that point).
        usable = min(shared, len(tokens) - 1)
        self.llama.input_ids[:usable] = tokens[:usable]
        self.llama.n_tokens = usable

    def _token_filter(self, token_filter: Any, prompt_len: int) -> Any:
        """A logits processor that asks ``token_filter`` about the likeliest FILTER_TOP tokens at each step and
        takes out the ones it refuses; a filter with ``must_end(text)`` can also leave only sentence ends, and one
        with ``bias(text, pieces) -> {index: amount}`` adds to those tokens' logits (a soft penalty, not a
        refusal). Only the head is asked: a Python check of all 49k tokens would cost more than the step, and
        min-p/top-k sample from far fewer than FILTER_TOP anyway. The reply's text is kept from step to step
        (each step decodes only the new token): decoding the whole reply at every step grew with its length."""
        if token_filter is None:
            return None
        import codecs

        import numpy as np
        from llama_cpp import LogitsProcessorList

        pieces = self._pieces()
        must_end = getattr(token_filter, "must_end", None)
        bias = getattr(token_filter, "bias", None)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        state = {"seen": prompt_len, "text": ""}

        def drop(input_ids: Any, scores: Any) -> Any:
            new = input_ids[state["seen"]:]
            if len(new):
                state["text"] += decoder.decode(self.llama.detokenize([int(t) for t in new]))
                state["seen"] = len(input_ids)
            text = state["text"]
            if must_end is not None and must_end(text):
                scores[~self._sentence_ends()] = -np.inf  # the whole vocabulary, not only the head
            top = np.argpartition(scores, -FILTER_TOP)[-FILTER_TOP:]
            heads = [pieces[i] for i in top]
            refused = token_filter(text, heads)
            if bias is not None:
                for i, amount in bias(text, heads).items():
                    scores[top[i]] += amount
            if len(refused):
                scores[top[list(refused)]] = -np.inf
            return scores

        return LogitsProcessorList([drop])

    def _sentence_ends(self) -> Any:
        """Which tokens end a sentence: a mark (.?!) and no letters."""
        cached = getattr(self, "_end_mask", None)
        if cached is None:
            import numpy as np

            cached = np.array([any(c in ".?!" for c in p) and not any(c.isalpha() for c in p)
                               for p in self._pieces()])
            object.__setattr__(self, "_end_mask", cached)
        return cached

    def _pieces(self) -> list[str]:
        """Every token's text, decoded once per engine (about 49k for the embedded model)."""
        cached = getattr(self, "_piece_texts", None)
        if cached is None:
            cached = [self.llama.detokenize([i]).decode("utf-8", errors="ignore") for i in range(self.llama.n_vocab())]
            object.__setattr__(self, "_piece_texts", cached)
        return cached

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
