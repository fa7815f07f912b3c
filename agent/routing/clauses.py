"""A learned reader for a brief said in a clause of its own ("give me three, where Nora lies to Ben", "alts for sc 22
x3. the blackout has to fall sooner"): a CRF over the message's clauses (python-crfsuite) that marks the clause that
says what should happen. It speaks only where the rules and the span tagger found no free text at all.

Why a second reader: the span tagger reads word by word and, on a new author's clause after the count, is confidently
empty (68 of its 233 free-text misses leave-one-author-out, session 11); a clause read whole, with where it sits
against the request and the count, is the unit a writer's aside or brief actually comes in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from agent.routing import crf
from agent.routing.spans import IN, SPAN_KEYS, gold_tags, tokens
from agent.routing.text import clean_free_text

if TYPE_CHECKING:
    from agent.routing.arguments import Extraction

MODEL = "clauses.crfsuite"
BRIEF, OTHER = "B", "O"
C1, C2, ITERATIONS = 0.1, 0.1, 150
# The marginal probability a clause needs to be read as the brief. Six-fold by session over authors7a-13d (generate
# rows, after the span tagger): 411 of 569 briefs right without the reader; 416, 417, 418, 418, 415 at 0.4 to 0.8.
SURE = 0.7
# What ends a clause; a comma too, since "2 takes, one funny one bleak" puts the brief after one.
_CUT = re.compile(r"^[.;:!?,\u2014\u2013-]$")
# A clause in which the writer talks about themselves or the draft as it stands ("I've written myself into a corner",
# "it plays like a radio drama at the minute") is context, however it scores: in the session-fold runs every such
# clause the reader marked was an aside, none a brief.
_ASIDE = re.compile(r"^(?:i|i'\w+|we|we'\w+|it|it'?s|its|there'?s|there (?:is|are|was))\b", re.I)
# Words that open a brief clause but are no part of it ("..., with a real revelation", "ones that get a laugh").
_OPENING = re.compile(r"^(?:(?:with|and|but|so|where|ones? that|ones? where|something|something that)\s+)+", re.I)


@dataclass(frozen=True)
class Clause:
    start: int  # character offsets in the message
    end: int
    words: tuple[str, ...]  # casefolded word tokens
    before: str  # the punctuation that opened it ("" at the start)
    after: str  # ... and closed it ("" at the end)


def clauses(message: str) -> list[Clause]:
    out: list[Clause] = []
    run: list[tuple[str, int, int]] = []
    before = ""
    for word, start, end in tokens(message) + [("", len(message), len(message))]:
        if word == "" or _CUT.match(word):
            if run:
                out.append(Clause(run[0][1], run[-1][2], tuple(w.casefold() for w, _, _ in run if re.match(r"\w", w)),
                                  before, word))
            run, before = [], word or before
        else:
            run.append((word, start, end))
    return [c for c in out if c.words]


def features(intent: str, message: str, ex: Extraction) -> list[dict[str, float]]:
    """Per clause: its words and first words, its place and size, the punctuation around it, whether it holds or
    follows a reference or the count, whether it names a character (each tagged with the intent)."""
    parts = clauses(message)
    names = {part for c in ex.characters for part in c.casefold().split()}
    count_end = ex.count_span[1] if ex.count_span else None
    refs_end = max((b for _, b in ex.spans), default=None)
    out = []
    for i, c in enumerate(parts):
        words = ["<name>" if w in names else w for w in c.words]
        f: dict[str, float] = {"bias": 1.0, "intent=" + intent: 1.0, f"pos={min(i, 3)}|{intent}": 1.0,
                               f"last={i == len(parts) - 1}": 1.0, f"size={min(len(words), 8) // 2}": 1.0,
                               "before=" + c.before: 1.0, "after=" + c.after: 1.0,
                               "first=" + words[0]: 1.0, "first2=" + " ".join(words[:2]): 1.0, "end=" + words[-1]: 1.0,
                               "ref": float(any(c.start <= a < c.end for a, _ in ex.spans)),
                               "count": float(ex.count_span is not None and c.start <= ex.count_span[0] < c.end),
                               "after_count": float(count_end is not None and c.start >= count_end),
                               "after_refs": float(refs_end is not None and c.start >= refs_end),
                               "name": float("<name>" in words), "only": float(len(parts) == 1),
                               # a clause before the count or the request is context ("I have rewritten it twice.
                               # Five new endings")
                               "before_count": float(count_end is not None and c.end <= ex.count_span[0]),
                               "before_refs": float(bool(ex.spans) and c.end <= min(a for a, _ in ex.spans)),
                               "question": float(c.after == "?")}
        for w in words:
            f["w=" + w] = 1.0
        for a, b in zip(words, words[1:]):
            f["b=" + a + "_" + b] = 1.0
        out.append(f)
    return out


class ClauseReader:
    """The trained clause reader. Called on the arguments the rules and the span tagger read, it fills an empty
    free-text argument with the clauses it marks as that argument, where each is at least ``sure``."""

    def __init__(self, model: bytes, sure: float = SURE) -> None:
        self.sure = sure
        self.model = model  # the tagger reads these bytes in place: they live as long as it
        self._tagger = crf.open_tagger(model)

    @classmethod
    def load(cls, sure: float = SURE, name: str = MODEL) -> "ClauseReader":
        return cls(crf.packaged(name), sure)

    def read(self, intent: str, message: str, ex: Extraction) -> str:
        """The clauses read as the free-text argument, joined, or "" when none is sure enough."""
        feats = features(intent, message, ex)
        if not feats:
            return ""
        self._tagger.set(feats)
        runs: list[list[Clause]] = []
        previous: Clause | None = None
        for i, c in enumerate(clauses(message)):
            if self._tagger.marginal(BRIEF, i) >= self.sure and not _ASIDE.match(message[c.start: c.end]):
                if runs and runs[-1][-1] is previous and c.before == ",":
                    runs[-1].append(c)  # neighbours stay one stretch of the writer's words ("at 2 a.m., ringing")
                else:
                    runs.append([c])
            previous = c
        return clean_free_text(_OPENING.sub("", ", ".join(message[r[0].start: r[-1].end] for r in runs)))

    def __call__(self, intent: str, message: str, ex: Extraction, args: dict[str, Any]) -> dict[str, Any]:
        from agent.routing.arguments import first_item

        key = SPAN_KEYS["generate"]
        if intent != "generate" or args.get(key):
            return args
        value = self.read(intent, first_item(message), ex)
        return {**args, key: value} if value else args


def train(examples: Iterable[tuple[list[dict[str, float]], list[str]]], path: str) -> None:
    crf.train(examples, path, c1=C1, c2=C2, iterations=ITERATIONS)


def examples(rows: Iterable[Any]) -> Iterable[tuple[list[dict[str, float]], list[str]]]:
    """(features, labels) for each labelled generate row whose brief is the message's own words: a clause is the
    brief when most of its words are; the message read as the router reads it."""
    from agent.routing.arguments import extract, first_item
    from agent.routing.text import strip_quoted, strip_role_markers

    for row in rows:
        if row.intent != "generate":
            continue
        message = first_item(strip_quoted(strip_role_markers(row.text)))
        tags = gold_tags(message, row.args.get("brief", ""))
        parts = clauses(message)
        if tags is None or not parts:
            continue
        toks = tokens(message)
        labels = []
        for c in parts:
            inside = [tag == IN for (w, start, _), tag in zip(toks, tags) if c.start <= start < c.end and re.match(r"\w", w)]
            labels.append(BRIEF if inside and sum(inside) * 2 >= len(inside) else OTHER)
        yield features(row.intent, message, extract(message, row.characters)), labels
