"""A learned reader for the arguments chosen from a closed list: a statistics question's topic, a critique's focus,
a summary's level. A maximum-entropy classifier (python-crfsuite, one item per message) over the message's words,
whether it names a character and what the rules read; it replaces the rules' choice where it is sure.

Why learned: the rules know the words one author used for a topic ("scene count"), the next author says "how many
scs are set at the dry cleaner's" or "is Delia a convincing lead"; the classifier weighs every word of the request.
"""

from __future__ import annotations

import importlib.resources
import re
from typing import TYPE_CHECKING, Any, Iterable

from agent.routing import crf
from agent.routing.spans import tokens

if TYPE_CHECKING:
    from agent.routing.arguments import Extraction

MODEL = "choices.crfsuite"
# The closed-list argument each intent takes, and the value it has when the writer names none.
CHOICE_KEYS = {"stats": ("topic", "overview"), "critique": ("focus", None), "summarize": ("level", "synopsis")}
NONE = "none"
C1, C2, ITERATIONS = 0.05, 0.1, 150
# Leave-one-author-out over authors7a-d, 9a-f and 10a-f (bench/spans.py): 0.3 to 0.5 scored best (+8 rows, no author
# worse), 0.9 +0; without the rules' choice as a feature it scored lower (+3 at best).
SURE = 0.5  # the probability the classifier's choice needs before it replaces the rules'


def features(intent: str, message: str, ex: Extraction, rule: Any) -> list[dict[str, float]]:
    """One item: the words, word pairs and word starts (each tagged with the intent), whether a character is named,
    and the rules' choice."""
    names = {part for c in ex.characters for part in c.casefold().split()}
    words = [w.casefold() for w, _, _ in tokens(message) if re.match(r"\w", w)]
    f: dict[str, float] = {"bias|" + intent: 1.0, "rule|" + intent + "=" + str(rule or NONE): 1.0,
                           "name|" + intent: float(any(w in names for w in words))}
    for i, w in enumerate(words):
        word = "<name>" if w in names else w
        f[f"w|{intent}={word}"] = 1.0
        f[f"p|{intent}={word[:4]}"] = 1.0
        if i:
            f[f"b|{intent}={words[i - 1]}_{word}"] = 1.0
    return [f]


def _label(intent: str, value: Any) -> str:
    return f"{intent}={value or NONE}"


class ChoiceReader:
    """The trained classifier. Called on the rules' arguments, it replaces their closed-list choice with its own
    where its probability (among that argument's values) is at least ``sure``."""

    def __init__(self, model: bytes, sure: float = SURE) -> None:
        self.sure = sure
        self.model = model  # the tagger reads these bytes in place: they live as long as it
        self._tagger = crf.open_tagger(model)
        self._labels = tuple(self._tagger.labels())

    @classmethod
    def load(cls, sure: float = SURE, name: str = MODEL) -> "ChoiceReader":
        return cls(importlib.resources.files("agent.routing").joinpath(name).read_bytes(), sure)

    def read(self, intent: str, message: str, ex: Extraction, rule: Any) -> tuple[str | None, float]:
        """The value the classifier reads (None: the writer named none) and its probability."""
        mine = [label for label in self._labels if label.startswith(intent + "=")]
        if not mine:
            return None, 0.0
        self._tagger.set(features(intent, message, ex, rule))
        p = {label: self._tagger.marginal(label, 0) for label in mine}
        total = sum(p.values()) or 1.0
        best = max(mine, key=lambda label: p[label])
        value = best.split("=", 1)[1]
        return (None if value == NONE else value), p[best] / total

    def __call__(self, intent: str, message: str, ex: Extraction, args: dict[str, Any]) -> dict[str, Any]:
        from agent.routing.arguments import first_item

        if intent not in CHOICE_KEYS:
            return args
        key, default = CHOICE_KEYS[intent]
        rule = args.get(key, default)
        value, p = self.read(intent, first_item(message), ex, rule)
        if p < self.sure or value == rule:
            return args
        out = {k: v for k, v in args.items() if k != key}
        if value is not None and value != default:
            out[key] = value
        return out


def train(examples: Iterable[tuple[list[dict[str, float]], list[str]]], path: str) -> None:
    crf.train(examples, path, c1=C1, c2=C2, iterations=ITERATIONS, transitions=False)


def examples(rows: Iterable[Any]) -> Iterable[tuple[list[dict[str, float]], list[str]]]:
    """(features, label) for each labelled row of an intent with a closed-list argument, read as the router reads it."""
    from agent.routing.arguments import args_for, extract, first_item
    from agent.routing.text import strip_quoted, strip_role_markers

    for row in rows:
        if row.intent not in CHOICE_KEYS:
            continue
        key, default = CHOICE_KEYS[row.intent]
        message = first_item(strip_quoted(strip_role_markers(row.text)))
        ex = extract(message, row.characters)
        rule = args_for(row.intent, message, ex).get(key, default)
        yield features(row.intent, message, ex, rule), [_label(row.intent, row.args.get(key, default))]
