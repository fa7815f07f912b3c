"""What the local engines (llama.cpp and transformers) share: the sampling parameters of one generation call, and
the fields and capabilities every loaded engine declares."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Sequence


@dataclass(kw_only=True)
class Engine:
    """A loaded local model; one per process and adapter, shared by every session.

    The class attributes are its capabilities: agent.models.factory.model_info reports them in ModelInfo, so
    nothing else checks which engine it is.
    """

    kind: ClassVar[str]
    supports_grammar: ClassVar[bool] = False
    token_limit_param: ClassVar[str] = "max_new_tokens"
    supports_perplexity: ClassVar[bool] = False  # perplexity(texts) can score fluency
    keeps_prefix: ClassVar[bool] = False  # keep(messages) saves a conversation's prefill for its next question

    name: str
    context_window: int = 2048
    n_params: int | None = None
    adapter: str | None = None  # the LoRA adapter applied, if any
    load_seconds: float = 0.0
    device: str = "cpu"
    # One model decodes one sequence at a time: concurrent sessions take turns.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def keep(self, messages: list[dict[str, str]]) -> None:
        """Prefill a conversation's prefix now so a later prompt starting with it skips that work; an engine
        that cannot keep it (transformers) does nothing."""


@dataclass
class GenerationParams:
    max_new_tokens: int = 384
    temperature: float = 0.7
    top_p: float = 0.9
    top_k: int = 0  # 0: off
    min_p: float = 0.0  # 0: off; llama.cpp's own default is 0.05
    repetition_penalty: float = 1.1
    seed: int | None = None
    stop: Sequence[str] = ()
    # Constrained decoding (llama.cpp only): GBNF text, or a JSON schema (dict or JSON text).
    grammar: str | None = None
    json_schema: dict[str, Any] | str | None = None
    # Decode-time rejection (llama.cpp only): given the reply so far and the likeliest next tokens' text, the
    # indexes of those tokens that must not come next (what a grammar cannot say, e.g. tools/generator/guard.py).
    # A filter with a ``must_end(text) -> bool`` method can also say that only a sentence end (.?!) may come next,
    # and one with ``bias(text, pieces) -> {index: amount}`` adds to those tokens' logits (a soft penalty).
    token_filter: Callable[[str, Sequence[str]], Sequence[int]] | None = None

    @property
    def constrained(self) -> bool:
        return self.grammar is not None or self.json_schema is not None
