"""The routing decision handed from the router to the agent loop."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from agent.registry import INTENTS, TOOL_INTENTS

__all__ = ["INTENTS", "TOOL_INTENTS", "Layer", "RoutingDecision"]

Layer = Literal["slash", "semantic", "native", "fallback"]


@dataclass
class RoutingDecision:
    intent: str
    args: dict[str, Any]
    confidence: float
    layer: Layer
    # When set, the loop asks this one question instead of running anything.
    clarify: str | None = None
    # The best-scoring intents with their scores, best first (for logs and the clarify question).
    candidates: list[tuple[str, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.intent not in INTENTS:
            raise ValueError(f"unknown intent {self.intent!r}; expected one of {', '.join(INTENTS)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "args": dict(self.args),
            "confidence": round(float(self.confidence), 4),
            "layer": self.layer,
            "clarify": self.clarify,
            "candidates": [[name, round(float(score), 4)] for name, score in self.candidates],
        }
