"""A learned tagger for the free-text arguments: which words of the message are the brief, the query or the
instruction. A linear-chain CRF (python-crfsuite) over simple word features, trained on the labelled rows'
free-text arguments; the rules in ``arguments.py`` answer wherever it is unsure.

Why learned: rules written from one author's misses fixed that author and not the next (session 8), while the
tagger, measured leave-one-author-out, reads a new author's span edges at least as well (route9's notes).
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from agent.routing import crf
from agent.routing.text import clean_free_text

if TYPE_CHECKING:  # arguments.py asks this module for spans
    from agent.routing.arguments import Extraction

# The free-text argument each intent's span fills.
SPAN_KEYS = {"generate": "brief", "similar": "query", "revise": "instruction"}
MODEL = "spans.crfsuite"
IN, OUT = "S", "O"
C1, C2, ITERATIONS = 0.05, 0.1, 150  # crfsuite's L-BFGS with elastic net; settings of the leave-one-author-out runs
# Below this probability of its labelling the tagger gives way to the rules. With the clause features, leave-one-author-
# out over authors7a-d, 9a-f, 10a-f (with the number and choice readers) scored 2302 / 2707 at 0.5 and 2294 at 0.8;
# without them 2293 and 2288 (session 10). Trained on twice the authors, over authors7a-d and 9a-12f it scored
# 3772 / 4373 at 0.3 and 0.4, 3765 at 0.5 (session 11).
SURE = 0.4
_TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Span:
    text: str  # "" when the tagger reads no such argument in the message
    probability: float  # the tagger's probability of its whole labelling


def tokens(message: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(message)]


def _shape(word: str) -> str:
    shape = re.sub(r"\d", "9", re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", word)))
    return re.sub(r"(.)\1+", r"\1\1", shape)


_BOUNDARY = re.compile(r"^[.;:!?,\u2014\u2013-]$")  # what ends a clause: a brief often is one ("2 takes; X")


def features(intent: str, message: str, ex: Extraction) -> list[dict[str, float]]:
    """Per token: the word, its shape and ending, its neighbours, the intent, whether a reference (scene,
    option, count...) was read there and whether it names a character; and where it sits among the clauses:
    which clause, whether that clause holds a reference, whether it comes after the count and every reference."""
    toks = tokens(message)
    names = {part for c in ex.characters for part in c.casefold().split()}
    words = [w.casefold() for w, _, _ in toks]
    clauses, clause = [], 0
    for word, _, _ in toks:
        clause += bool(_BOUNDARY.match(word))
        clauses.append(clause)
    referred = {clauses[i] for i, (_, start, _) in enumerate(toks) if any(a <= start < b for a, b in ex.spans)}
    count_end = ex.count_span[1] if ex.count_span else None
    refs_end = max((b for _, b in ex.spans), default=None)
    out = []
    for i, (word, start, _) in enumerate(toks):
        lw = words[i]
        before = words[i - 1] if i else "<s>"
        f = {"bias": 1.0, "w=" + lw: 1.0, "shape=" + _shape(word): 1.0, "suffix=" + lw[-3:]: 1.0,
             "intent=" + intent: 1.0, "wi=" + lw + "|" + intent: 1.0, "w-1i=" + before + "|" + intent: 1.0,
             "bigram=" + before + "|" + lw: 1.0, "pos=" + str(min(i, 5)): 1.0,
             "ref": float(any(a <= start < b for a, b in ex.spans)), "name": float(lw in names),
             "clause=" + str(min(clauses[i], 3)) + "|" + intent: 1.0, "clause_ref": float(clauses[i] in referred),
             "after_count": float(count_end is not None and start >= count_end),
             "after_refs": float(refs_end is not None and start >= refs_end),
             "clause_first": float(i == 0 or bool(_BOUNDARY.match(toks[i - 1][0]))),
             "last_clause": float(clauses[i] == clauses[-1])}
        for d in (-2, -1, 1, 2):
            j = i + d
            f[f"w{d:+d}=" + (words[j] if 0 <= j < len(toks) else "<s>")] = 1.0
        out.append(f)
    return out


def gold_tags(message: str, value: str) -> list[str] | None:
    """The tags that mark ``value`` in the message (word for word, case and punctuation aside), all OUT when
    there is no value; None when the value is not the message's own words."""
    from agent.routing.evaluation import _norm

    toks = tokens(message)
    if not value:
        return [OUT] * len(toks)
    want = _norm(value).split()
    words = [(i, _norm(w)) for i, (w, _, _) in enumerate(toks)]
    words = [(i, w) for i, w in words if w]
    inside: list[int] = []
    for start in range(len(words)):
        if [w for _, w in words[start: start + len(want)]] == want:
            inside = [i for i, _ in words[start: start + len(want)]]
            break
    else:  # a reference cut from the middle ("make scene 4's ending darker" -> "make ending darker")
        at = 0
        for i, w in words:
            if at < len(want) and w == want[at]:
                inside.append(i)
                at += 1
        if at < len(want) or not inside or inside[-1] - inside[0] > len(want) + 4:
            return None
    # Punctuation between two of the value's words is inside it: the tagger learns that a comma may end a span.
    marked = set(inside) | {i for a, b in zip(inside, inside[1:]) if all(not _norm(toks[j][0]) for j in range(a + 1, b))
                            for i in range(a + 1, b)}
    return [IN if i in marked else OUT for i in range(len(toks))]


class SpanTagger:
    """The trained tagger. Called on the rules' arguments, it replaces their free-text argument with its own
    span where its probability is at least ``sure``."""

    def __init__(self, model: bytes, sure: float = SURE) -> None:
        self.sure = sure
        self.model = model  # the tagger reads these bytes in place: they live as long as it
        self._tagger = crf.open_tagger(model)

    @classmethod
    def load(cls, sure: float = SURE, name: str = MODEL) -> "SpanTagger":
        return cls(importlib.resources.files("agent.routing").joinpath(name).read_bytes(), sure)

    def __call__(self, intent: str, message: str, ex: Extraction, args: dict[str, Any]) -> dict[str, Any]:
        """The rules' ``args`` (arguments.args_for) with the free-text argument read by the tagger, where
        it is sure."""
        from agent.routing.arguments import first_item

        key = SPAN_KEYS.get(intent)
        if key is None or (intent == "revise" and args.get("mode") != "edit"):
            return args
        span = self.read(intent, first_item(message), ex)
        if span.probability < self.sure:
            return args
        out = {k: v for k, v in args.items() if k != key}
        value = span.text or (ex.genre or "" if intent == "similar" else "")  # a genre alone is also a query
        if value:
            out[key] = value
        return out

    def read(self, intent: str, message: str, ex: Extraction) -> Span:
        feats = features(intent, message, ex)
        if not feats:
            return Span("", 1.0)
        tags = self._tagger.tag(feats)
        probability = self._tagger.probability(tags)
        toks = tokens(message)
        runs: list[list[int]] = []
        for i, tag in enumerate(tags):
            if tag == IN:
                if runs and runs[-1][-1] == i - 1:
                    runs[-1].append(i)
                else:
                    runs.append([i])
        text = " ".join(message[toks[r[0]][1]: toks[r[-1]][2]] for r in runs)
        return Span(clean_free_text(text), probability)


def train(examples: Iterable[tuple[list[dict[str, float]], list[str]]], path: str) -> None:
    crf.train(examples, path, c1=C1, c2=C2, iterations=ITERATIONS)


def examples(rows: Iterable[Any]) -> Iterable[tuple[list[dict[str, float]], list[str]]]:
    """(features, tags) for each labelled row of a span intent whose argument is the message's own words; the
    message read as the router reads it."""
    from agent.routing.arguments import extract, first_item
    from agent.routing.text import strip_quoted, strip_role_markers

    for row in rows:
        key = SPAN_KEYS.get(row.intent)
        if key is None or (row.intent == "revise" and row.args.get("mode", "edit") != "edit"):
            continue
        message = first_item(strip_quoted(strip_role_markers(row.text)))
        tags = gold_tags(message, row.args.get(key, ""))
        if tags:
            yield features(row.intent, message, extract(message, row.characters)), tags
