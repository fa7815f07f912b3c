"""Scoring a router against labeled utterances: intent accuracy, argument exact match, latency."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from agent.routing.decision import RoutingDecision
from agent.registry import INTENT_ARGS

FREE_TEXT = {"brief", "query", "instruction", "scene_ref"}


@dataclass(frozen=True)
class Labeled:
    text: str
    intent: str  # an intent, or "clarify" when the router should ask
    args: dict[str, Any]
    characters: tuple[str, ...] = ()
    split: str = "dev"  # "holdout" rows were written after the first run and are not tuned on
    has_draft: bool | None = None  # False: routed as if no draft were loaded


@dataclass
class Miss:
    text: str
    expected: str
    got: str
    expected_args: dict[str, Any]
    got_args: dict[str, Any]


@dataclass
class Report:
    total: int
    intent_correct: int
    args_total: int
    args_correct: int
    latencies_ms: list[float]
    confusion: Counter = field(default_factory=Counter)  # (expected, got) -> count
    intent_misses: list[Miss] = field(default_factory=list)
    arg_misses: list[Miss] = field(default_factory=list)
    # Per utterance: (confidence, intent right, asked a question instead), for calibration.
    routes: list[tuple[float, bool, bool]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # per utterance, the expected label

    @property
    def intent_accuracy(self) -> float:
        return self.intent_correct / self.total if self.total else 0.0

    @property
    def args_exact(self) -> float:
        return self.args_correct / self.args_total if self.args_total else 0.0

    def percentile_ms(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def load_labeled(path: Path) -> list[Labeled]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: not JSON ({exc})") from None
        rows.append(Labeled(d["text"], d["intent"], d.get("args", {}), tuple(d.get("characters", ())),
                            d.get("split", "dev"), d.get("draft")))
    return rows


def predicted_label(decision: RoutingDecision) -> str:
    return "clarify" if decision.clarify else decision.intent


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        text = value.casefold().strip()
        text = re.sub(r"[^\w\s'-]", " ", text)
        text = re.sub(r"^(?:a|an|the)\s+", "", text.strip())
        return re.sub(r"\s+", " ", text).strip()
    if isinstance(value, list):
        return sorted(_norm(v) for v in value)
    return value


def args_match(intent: str, got: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Labeled keys equal (free text compared case- and punctuation-blind), and no other non-default arg."""
    for key, want in expected.items():
        if _norm(got.get(key)) != _norm(want):
            return False
    schema = INTENT_ARGS.get(intent)
    for key, value in got.items():
        if key in expected:
            continue
        default = schema.model_fields[key].get_default(call_default_factory=True) if schema and key in schema.model_fields else None
        if value != default:
            return False
    return True


def evaluate(route: Callable[..., RoutingDecision], rows: Sequence[Labeled]) -> Report:
    report = Report(total=len(rows), intent_correct=0, args_total=0, args_correct=0, latencies_ms=[])
    for row in rows:
        start = time.perf_counter()
        extra = {} if row.has_draft is None else {"has_draft": row.has_draft}
        decision = route(row.text, characters=row.characters, **extra)
        report.latencies_ms.append((time.perf_counter() - start) * 1000)
        got = predicted_label(decision)
        report.routes.append((decision.confidence, decision.intent == row.intent, decision.clarify is not None))
        report.texts.append(row.text)
        report.labels.append(row.intent)
        report.confusion[(row.intent, got)] += 1
        if got == row.intent:
            report.intent_correct += 1
        else:
            report.intent_misses.append(Miss(row.text, row.intent, got, row.args, decision.args))
        # Argument match counts over every row that names a tool; a wrong intent is a wrong call.
        if row.intent != "clarify":
            report.args_total += 1
            if got == row.intent and args_match(row.intent, decision.args, row.args):
                report.args_correct += 1
            elif got == row.intent:
                report.arg_misses.append(Miss(row.text, row.intent, got, row.args, decision.args))
    return report
