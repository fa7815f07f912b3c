"""A learned tagger for what each number in a message is: how many to write, an act, a scene, an option, where
new material goes. A linear-chain CRF (python-crfsuite) over the number-like words and their neighbours, trained
on the labelled rows' numeric arguments; the rules in ``arguments.py`` answer first, the tagger fills in what they
missed, and corrects them where it is sure.

Why learned: every new author names an option or a scene in words the rules never saw ("alt 3", "variant 2",
"exhibit B", "option to after seen eleven"), and the rules read none of it; the tagger reads the number's place in
the request (the first number of an insert that no scene word claims is the option) as well as its words.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from agent.routing import crf
from agent.routing.spans import tokens

if TYPE_CHECKING:
    from agent.routing.arguments import Extraction

MODEL = "roles.crfsuite"
OUT = "O"
# The numeric arguments each intent takes (the tool's argument name).
ROLE_KEYS = {
    "generate": ("count", "act", "scene"),
    "critique": ("act", "scene"),
    "summarize": ("act", "scene"),
    "similar": ("k", "scene"),
    "style": ("act", "scene", "option"),
    "insert": ("option", "after_scene", "before_scene"),
    "revise": ("option",),
}
C1, C2, ITERATIONS = 0.05, 0.1, 150
# Leave-one-author-out over authors7a-d, 9a-f and 10a-f (bench/spans.py): filling at 0.3 scored best of 0.1 to 0.7,
# and replacing a number the rules read at 0.9 a little better than never.
FILL = 0.3  # the marginal probability a number needs before it fills an argument the rules left empty
OVERRIDE = 0.9  # ... before it replaces one the rules read
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# Dictation writes numbers as their sound-alikes ("option to", "pitch me for ideas"); letters number exhibits.
_SOUND_ALIKES = {"to": 2, "too": 2, "for": 4, "won": 1}
_LETTERS = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}


@dataclass(frozen=True)
class Number:
    index: int  # token index
    value: int
    kind: str  # digit, word, ordinal, sound, letter


def numbers(toks: list[tuple[str, int, int]]) -> list[Number]:
    """The tokens that may stand for a number, with the number ("thirty one" read at "thirty")."""
    from agent.routing.arguments import NUMBER_WORDS, ORDINALS, parse_number

    out: list[Number] = []
    skip = -1
    for i, (word, _, _) in enumerate(toks):
        if i == skip:
            continue
        low = word.casefold()
        if low in _TENS:
            value = _TENS[low]
            nxt = toks[i + 1][0].casefold() if i + 1 < len(toks) else ""
            if NUMBER_WORDS.get(nxt, 0) in range(1, 10):
                value += NUMBER_WORDS[nxt]
                skip = i + 1
            out.append(Number(i, value, "word"))
            continue
        n = parse_number(low)
        if n is not None and n >= 0:
            kind = "digit" if low[:1].isdigit() and low.isdigit() else "ordinal" if low in ORDINALS or not low.isalpha() else "word"
            out.append(Number(i, n, kind))
        elif low in _SOUND_ALIKES:
            out.append(Number(i, _SOUND_ALIKES[low], "sound"))
        elif low in _LETTERS and (word.isupper() or low != "a") and len(word) == 1:
            out.append(Number(i, _LETTERS[low], "letter"))
    return out


def _bucket(value: int) -> str:
    return "0" if value == 0 else "1" if value == 1 else "2-5" if value <= 5 else "6-10" if value <= 10 else "11+"


_PLACE = {"after", "before", "following", "ahead", "preceding", "between", "front", "aftr", "behind"}


def features(intent: str, message: str, ex: Extraction) -> tuple[list[tuple[str, int, int]], list[Number], list[dict[str, float]]]:
    """Per token: a bias only, unless it may be a number; a number gets its form, size, neighbours, the intent, and
    the role the rules gave it."""
    from agent.routing.arguments import _first_step
    from agent.routing.text import fold

    toks = tokens(message)
    nums = numbers(toks)
    step_end = len(_first_step(fold(message)))  # "logline, then notes on act 1": a later step's numbers are its own
    words = [w.casefold() for w, _, _ in toks]
    rule_role = _rule_roles(ex, toks)
    feats: list[dict[str, float]] = [{"bias": 1.0} for _ in toks]
    for order, num in enumerate(nums):
        i = num.index
        w = lambda d: words[i + d] if 0 <= i + d < len(words) else "<s>"  # noqa: E731
        near = {words[j] for j in range(max(0, i - 4), i)}
        f = {"num": 1.0, "kind=" + num.kind: 1.0, "val=" + _bucket(num.value): 1.0, "intent=" + intent: 1.0,
             "ki=" + num.kind + "|" + intent: 1.0, "vi=" + _bucket(num.value) + "|" + intent: 1.0,
             "w-1=" + w(-1): 1.0, "w-2=" + w(-2): 1.0, "w+1=" + w(1): 1.0, "w+2=" + w(2): 1.0,
             "w-1i=" + w(-1) + "|" + intent: 1.0, "w+1i=" + w(1) + "|" + intent: 1.0,
             "order=" + str(min(order, 2)): 1.0, "oi=" + str(min(order, 2)) + "|" + intent: 1.0,
             "last": float(order == len(nums) - 1), "first_token": float(i == 0),
             "place_near": float(bool(near & _PLACE)), "pi=" + str(bool(near & _PLACE)) + "|" + intent: 1.0,
             "plural_next": float(w(1).endswith("s") and len(w(1)) > 3),
             "placement": float(ex.placement), "later_step": float(toks[i][1] >= step_end), "rule=" + rule_role.get(i, OUT): 1.0, "ri=" + rule_role.get(i, OUT) + "|" + intent: 1.0}
        feats[i] = f
    return toks, nums, feats


def _rule_roles(ex: Extraction, toks: list[tuple[str, int, int]]) -> dict[int, str]:
    """Token index -> what the rules read there: an argument, or "ref" for a reference they consumed (a place for
    new material, a page range) that fills no argument."""
    from agent.routing.arguments import parse_number

    def inside(span: tuple[int, int] | None, start: int) -> bool:
        return span is not None and span[0] <= start < span[1]

    roles: dict[int, str] = {}
    for i, (word, s, _) in enumerate(toks):
        if inside(ex.count_span, s):
            roles[i] = "count"
        elif inside(ex.option_span, s):
            roles[i] = "option"
        elif any(inside(span, s) for span in ex.spans):
            value = parse_number(word.casefold())
            roles[i] = next((key for key in ("after_scene", "before_scene", "act", "scene")
                             if value is not None and getattr(ex, key) == value), "ref")
    return roles


def gold_tags(intent: str, message: str, args: dict[str, Any], ex: Extraction) -> list[str] | None:
    """Each number token tagged with the argument it gives; None where a value is found at
    two places or two arguments share a value (no telling which is which)."""
    toks, nums, _ = features(intent, message, ex)
    tags = [OUT] * len(toks)
    for key in ROLE_KEYS.get(intent, ()):
        value = args.get(key)
        if not isinstance(value, int):
            continue
        at = [n for n in nums if n.value == value and n.kind not in ("sound", "letter")] or [n for n in nums if n.value == value]
        if len(at) > 1 or (at and tags[at[0].index] != OUT):
            return None
        if at:
            tags[at[0].index] = key
    return tags


class RoleTagger:
    """The trained tagger. Called on the rules' arguments, it adds a numeric argument the rules left empty where
    its marginal probability is at least ``fill``, and replaces one they read where at least ``override``."""

    def __init__(self, model: bytes, fill: float = FILL, override: float = OVERRIDE) -> None:
        self.fill = fill
        self.override = override
        self.model = model  # the tagger reads these bytes in place: they live as long as it
        self._tagger = crf.open_tagger(model)
        self._labels = set(self._tagger.labels())

    @classmethod
    def load(cls, fill: float = FILL, override: float = OVERRIDE, name: str = MODEL) -> "RoleTagger":
        return cls(importlib.resources.files("agent.routing").joinpath(name).read_bytes(), fill, override)

    def read(self, intent: str, message: str, ex: Extraction) -> dict[str, tuple[int, float]]:
        """Argument -> (number, marginal probability) for every number the tagger gives a role."""
        toks, nums, feats = features(intent, message, ex)
        if not nums:
            return {}
        self._tagger.set(feats)
        out: dict[str, tuple[int, float]] = {}
        for num in nums:
            for key in ROLE_KEYS.get(intent, ()):
                if key not in self._labels:  # a role no training row gave
                    continue
                p = self._tagger.marginal(key, num.index)
                if p > out.get(key, (0, 0.0))[1]:
                    out[key] = (num.value, p)
        return out

    def __call__(self, intent: str, message: str, ex: Extraction, args: dict[str, Any]) -> dict[str, Any]:
        from agent.routing.arguments import first_item

        keys = ROLE_KEYS.get(intent)
        if not keys or (self.override > 1 and all(k in args for k in keys)):
            return args
        read = self.read(intent, first_item(message), ex)
        used = {v for k, v in args.items() if k in keys}
        out = dict(args)
        for key in keys:
            if key not in read:
                continue
            value, p = read[key]
            if key in out:
                if value != out[key] and p >= self.override and value not in used:
                    used.discard(out[key])
                    out[key] = value
                    used.add(value)
                continue
            if p >= self.fill and value not in used and (key != "count" or value >= 1):
                out[key] = value
                used.add(value)
        return out


def train(examples: Iterable[tuple[list[dict[str, float]], list[str]]], path: str) -> None:
    crf.train(examples, path, c1=C1, c2=C2, iterations=ITERATIONS)


def examples(rows: Iterable[Any]) -> Iterable[tuple[list[dict[str, float]], list[str]]]:
    """(features, tags) for each labelled row of an intent with numeric arguments, read as the router reads it."""
    from agent.routing.arguments import extract, first_item
    from agent.routing.text import strip_quoted, strip_role_markers

    for row in rows:
        if row.intent not in ROLE_KEYS:
            continue
        message = first_item(strip_quoted(strip_role_markers(row.text)))
        ex = extract(message, row.characters)
        tags = gold_tags(row.intent, message, row.args, ex)
        if tags is not None:
            yield features(row.intent, message, ex)[2], tags
