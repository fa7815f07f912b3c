"""Faithfulness of a summary to its script: named characters exist, cited scenes and pages are real.

A sentence with an unknown name is repaired when the name is a near-miss of a real one (a typo), else
dropped; a citation of a scene or page that does not exist is removed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from screenplay.model import Script
from tools.summarizer.facts import display_name, plain, sentences

_TOKEN_RE = re.compile(r"[A-Z][A-Za-z'’\-]*[A-Za-z]|[A-Z]")
_SENTENCE_START_RE = re.compile(r"^[\s\"'“‘(\[*_-]*")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_SCENE_REF_RE = re.compile(r"\b(?:scenes?|sc\.)\s*#?(\d+[A-Z]?)(?:\s*(?:-|–|to|and|&)\s*#?(\d+[A-Z]?))?", re.IGNORECASE)
_PAGE_REF_RE = re.compile(r"\b(?:pages?|pp?\.)\s*(\d+)(?:\s*(?:-|–|to)\s*(\d+))?", re.IGNORECASE)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    text = files("tools.summarizer").joinpath("common_words.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


def _norm(word: str) -> str:
    w = word.lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


@dataclass
class ScriptFacts:
    """What a summary may mention: the script's own words, its speakers, scene labels and page count."""

    words: frozenset[str]
    name_words: dict[str, str]  # lower-case name word -> its display form ("kovac" -> "Kovac")
    labels: frozenset[str]
    pages: int

    @classmethod
    def of(cls, script: Script, labels: list[str], pages: int) -> "ScriptFacts":
        parts = [plain(s.text) for s in script.scenes] + [plain(e.text) for e in script.preamble]
        parts += list(script.title_page.values())
        words = frozenset(_norm(w) for text in parts for w in _WORD_RE.findall(text))
        name_words = {}
        for name in script.characters:
            for part in display_name(name).split():
                if len(part) > 1:
                    name_words.setdefault(part.lower(), part)
        return cls(words, name_words, frozenset(labels), pages)


@dataclass
class Violation:
    kind: str  # "character", "scene" or "page"
    found: str
    sentence: str


@dataclass
class Repaired:
    text: str
    violations: list[Violation] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # what was changed, in words

    @property
    def clean(self) -> bool:
        return not self.violations


def unknown_names(sentence: str, facts: ScriptFacts, *, any_opening: bool = False) -> list[str]:
    """Capitalised words that read as names but are nowhere in the script.

    A sentence's first word counts only when it is not a common opener; with `any_opening` it never
    counts (a restyle may open a sentence with a new word).
    """
    start = _SENTENCE_START_RE.match(sentence).end()
    out = []
    for m in _TOKEN_RE.finditer(sentence):
        word = _norm(m.group(0))
        if word in facts.words or word in facts.name_words:
            continue
        shouted = m.group(0).isupper() and len(m.group(0)) > 1  # "MARCUS" opens no ordinary sentence
        if m.start() <= start and not shouted and (any_opening or word in common_words()):
            continue  # "Later, ..." opens a sentence without naming anyone
        if len(word) == 1:
            continue
        out.append(m.group(0))
    return out


def bad_refs(sentence: str, facts: ScriptFacts) -> list[tuple[str, str]]:
    out = []
    for m in _SCENE_REF_RE.finditer(sentence):
        if any(g and g.upper() not in facts.labels for g in m.groups()):
            out.append(("scene", m.group(0)))
    for m in _PAGE_REF_RE.finditer(sentence):
        if any(g and not 1 <= int(g) <= max(1, facts.pages) for g in m.groups()):
            out.append(("page", m.group(0)))
    return out


def check(text: str, facts: ScriptFacts) -> list[Violation]:
    found = []
    for sent in sentences(text):
        found += [Violation("character", n, sent) for n in unknown_names(sent, facts)]
        found += [Violation(kind, ref, sent) for kind, ref in bad_refs(sent, facts)]
    return found


def _drop_ref(sentence: str, ref: str) -> str:
    """Remove a citation: "(scene 99)" or "in scene 99" go; the rest of the sentence stays."""
    esc = re.escape(ref)
    for pattern in (r"\s*\(\s*" + esc + r"\s*\)", r"\s*,?\s*\b(?:in|on|at|from|during)\s+" + esc, r"\s*" + esc):
        new = re.sub(pattern, "", sentence, count=1)
        if new != sentence:
            return re.sub(r"\s+([,.;:!?])", r"\1", new).strip()
    return sentence


def repair(text: str, facts: ScriptFacts) -> Repaired:
    """The text with every violation fixed or its sentence dropped; nothing unfaithful is kept."""
    kept: list[str] = []
    result = Repaired(text="")
    for sent in sentences(text):
        for kind, ref in bad_refs(sent, facts):
            result.violations.append(Violation(kind, ref, sent))
            sent = _drop_ref(sent, ref)
            result.repairs.append(f"removed a reference to a {kind} that does not exist ({ref})")
        names = unknown_names(sent, facts)
        dropped = False
        for name in names:
            result.violations.append(Violation("character", name, sent))
            close = difflib.get_close_matches(_norm(name), list(facts.name_words), n=1, cutoff=0.8)
            if close:
                fixed = facts.name_words[close[0]]
                sent = re.sub(r"\b" + re.escape(name) + r"\b", fixed, sent)
                result.repairs.append(f"corrected the name {name} to {fixed}")
            else:
                result.repairs.append(f"dropped a sentence naming {name}, who is not in the script")
                dropped = True
                break
        if not dropped and sent:
            kept.append(sent)
    result.text = " ".join(kept)
    return result
