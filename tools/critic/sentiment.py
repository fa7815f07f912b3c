"""Emotional arc: a VADER sentiment score per scene, plus where the scene starts and ends emotionally."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from screenplay.model import ElementType, Scene, Script

_MARKUP_RE = re.compile(r"[*_\\]")
_SCORED = (ElementType.ACTION, ElementType.DIALOGUE)


@dataclass(frozen=True)
class SceneSentiment:
    mean: float  # mean VADER compound over the scene's action and dialogue, -1..1
    start: float  # mean over the first third of those elements
    end: float  # mean over the last third

    @property
    def shift(self) -> float:
        return self.end - self.start

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 3) for k, v in asdict(self).items()}


def make_analyzer() -> Any:
    """A VADER analyzer (loads its bundled lexicon, ~0.1 s); build one per critique and pass it on."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def scene_sentiment(scene: Scene, analyzer: Any) -> SceneSentiment:
    # One VADER call per element: per sentence is slower and per scene blurs start and end.
    scores = [
        analyzer.polarity_scores(_MARKUP_RE.sub("", el.text))["compound"]
        for el in scene.elements
        if el.type in _SCORED and el.text.strip()
    ]
    if not scores:
        return SceneSentiment(0.0, 0.0, 0.0)
    third = max(1, len(scores) // 3)
    return SceneSentiment(_mean(scores), _mean(scores[:third]), _mean(scores[-third:]))


def script_sentiment(script: Script, analyzer: Any) -> list[SceneSentiment]:
    return [scene_sentiment(s, analyzer) for s in script.scenes]


def smooth(values: list[float], window: int) -> list[float]:
    """Centred moving average; the window shrinks at the ends."""
    if window <= 1 or not values:
        return list(values)
    half = window // 2
    out = []
    for i in range(len(values)):
        part = values[max(0, i - half): i + half + 1]
        out.append(sum(part) / len(part))
    return out
