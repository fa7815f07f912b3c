"""Checks a model's words about the draft against the draft: nothing it adds may be unfounded.

Scaffold tier: a phrasing must keep every name and number of the program's fact and add none.
Free tier: every scene it cites must exist, every name it uses must be in the draft, and the program's
fact (when there is one) must survive.
"""

from __future__ import annotations

import re

from agent.grounding.draft import Draft
from agent.grounding.facts import Fact

_SCENE_REF_RE = re.compile(r"\bscenes?\s+(\d+[A-Za-z]?)(?:\s*(?:-|–|to|and|,)\s*(\d+[A-Za-z]?))?", re.IGNORECASE)
_NUMBER_RE = re.compile(r"(?<![\w/])\d+(?:\.\d+)?(?![\w/])")
_CAPITAL_RE = re.compile(r"\b[A-Z][A-Za-z'’]+\b")
# Capitalised words any sentence may start with; anything else capitalised must come from the draft.
_COMMON = set("""a an the he she it they we you i his her their its this that these those there here in on at
by to of for from with and but or so yes no not act acts scene scenes page pages first last lead protagonist main
character characters story script draft screenplay who what where when why how which both then also after before
while as is are was were be one two three four five six seven eight nine ten int ext day night speaks says said
line lines speech speeches sure well great okay ok answer meets meet share shares together appears appear
interior exterior the our your my me us them him hero heroine""".split())


def _has_word(text: str, word: str) -> bool:
    return re.search(r"\b" + re.escape(word.lower()) + r"\b", text.lower()) is not None


def _names_kept(draft: Draft, fact: Fact, text: str) -> str:
    for name in fact.names:
        if not any(_has_word(text, w) for w in [name, *draft.name_words(name)]):
            return f"drops {name}"
    return ""


def _invented_words(draft: Draft, text: str, allowed: str) -> list[str]:
    known = draft.vocabulary | {w.lower() for w in re.findall(r"[A-Za-z0-9']+", allowed)}
    return [w for w in _CAPITAL_RE.findall(text) if w.lower().strip("'’") not in known and w.lower() not in _COMMON
            and w.lower().removesuffix("'s").removesuffix("’s") not in known]


def check_phrasing(draft: Draft, fact: Fact, question: str, text: str) -> str:
    """'' when the phrasing states the fact faithfully, else why not."""
    if not text.strip():
        return "empty"
    if len(text) > 1.3 * len(fact.text) + 40:
        return "longer than the fact: it adds what the draft does not say"
    why = _names_kept(draft, fact, text)
    if why:
        return why
    numbers = set(_NUMBER_RE.findall(text))
    for n in fact.numbers:
        if n not in numbers:
            return f"drops the number {n}"
    for phrase in fact.keep:
        if phrase.lower() not in text.lower():
            return f"drops '{phrase}'"
    extra = numbers - set(_NUMBER_RE.findall(fact.text))
    if extra:
        return f"adds the number {sorted(extra)[0]}"
    others = [n for n in draft.characters_in(text) if n not in draft.characters_in(fact.text)]
    if others:
        return f"adds {others[0]}"
    invented = _invented_words(draft, text, fact.text + " " + question)
    if invented:
        return f"uses {invented[0]}, which is not in the draft"
    added = _added_words(text, fact.text + " " + question)
    return f"adds '{added[0]}', which the fact does not say" if added else ""


def _added_words(text: str, allowed: str) -> list[str]:
    """Content words of a phrasing found neither in the fact nor the question (compared by their first five letters,
    so "appears" matches "appear"): a phrasing may reorder the fact, not add to it."""
    stems = {w[:5] for w in re.findall(r"[a-z0-9']+", allowed.lower())}
    return [w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 3 and w[:5] not in stems and w not in _COMMON]


def cited_scenes(draft: Draft, text: str) -> tuple[list[int], list[str]]:
    """(indices of existing scenes the text cites, cited numbers that do not exist)."""
    numbers = {c.number: c.index for c in draft.citations}
    found, missing = [], []
    for m in _SCENE_REF_RE.finditer(text):
        for ref in filter(None, m.groups()):
            if ref in numbers:
                found.append(numbers[ref])
            else:
                missing.append(ref)
    return list(dict.fromkeys(found)), missing


def check_answer(draft: Draft, fact: Fact, question: str, text: str) -> str:
    """'' when a free-tier answer is grounded (cites existing scenes, names only the draft's people), else why not."""
    if not text.strip():
        return "empty"
    found, missing = cited_scenes(draft, text)
    if missing:
        return f"cites scene {missing[0]}, which the draft does not have"
    if not found:
        return "cites no scene"
    invented = _invented_words(draft, text, question)
    if invented:
        return f"names {invented[0]}, who is not in the draft"
    if fact.kind != "retrieval":
        why = _names_kept(draft, fact, text)
        if why:
            return why
        numbers = set(_NUMBER_RE.findall(text))
        lost = [n for n in fact.numbers if n not in numbers] + [p for p in fact.keep if p.lower() not in text.lower()]
        if lost:
            return f"drops the number {lost[0]}"
    return ""
