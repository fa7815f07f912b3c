"""Sampling parameters one generation call takes, shared by the local engines (llama.cpp and transformers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence


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

    @property
    def constrained(self) -> bool:
        return self.grammar is not None or self.json_schema is not None
