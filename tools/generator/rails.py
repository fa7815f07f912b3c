"""Rails for the scaffold tier: a GBNF grammar per request, and the word checks every scene passes.

On llama.cpp the grammar makes a bad scene impossible rather than repaired: one line of action, then exactly
the asked-for number of ``NAME: words`` lines whose cues are the scene's cast and nothing else, a speaker never
twice in a row, optional lower-case parentheticals, and words made only of letters (a capital only at the
start), so bracketed numbers, underscores, digits and run-together capitals such as SMOOTH_SHIFTTPOTTA cannot
be sampled. The grammar ends after the last line, so the model stops there instead of rambling to its budget.

Engines without grammars (transformers, served models) get the same checks after the fact: ``junk_words`` and
``unlicensed_words`` find what the grammar would have prevented.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# Words longer than this are run-together junk from a 135M model, not English.
MAX_WORD = 14
# Words a sentence may hold: long enough for a real line, short enough that one line cannot ramble.
MAX_SENTENCE_WORDS = 12


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scene_grammar(cast: tuple[str, ...] | list[str], lines: int, *, action_sentences: int = 2) -> str:
    """GBNF for one scene body: action, then ``lines`` speeches by ``cast`` (upper-case cues) in turn."""
    names = [c for c in dict.fromkeys(cast) if c.strip()]
    if not names:
        raise ValueError("a scene grammar needs at least one cast member")
    if lines < 1:
        raise ValueError("a scene grammar needs at least one line of dialogue")
    ids = {name: f"c{i}" for i, name in enumerate(names)}
    rules = [
        "root ::= action line1",
        f'action ::= opening (" " sentence){{0,{max(0, action_sentences - 1)}}} "\\n"',
    ]
    # line{i} picks any speaker; say{i}-{c} is speaker c's line i, followed by a line of someone else.
    first = " | ".join(f"say1-{ids[n]}" for n in names)
    rules.append(f"line1 ::= {first}")
    for i in range(1, lines + 1):
        for name in names:
            others = [n for n in names if n != name] or [name]
            after = "" if i == lines else " (" + " | ".join(f"say{i + 1}-{ids[o]}" for o in others) + ")"
            rules.append(f'say{i}-{ids[name]} ::= {_literal(name + ": ")} paren? speech "\\n"{after}')
    rules += [
        'paren ::= "(" lword (" " lword){0,3} ") "',
        'speech ::= sentence (" " sentence)?',
        f'sentence ::= cword (","? " " word){{0,{MAX_SENTENCE_WORDS - 1}}} [.?!]',
        # The action line holds a lower-case letter, so the reader never takes it for a cue ("A M. E." was
        # read as one, then repaired): it opens on a word of two letters or more, or on "A" or "I" and a word.
        f'opening ::= name (","? " " word){{0,{MAX_SENTENCE_WORDS - 1}}} [.?!]'
        f' | [AI] " " (low | name) (","? " " word){{0,{MAX_SENTENCE_WORDS - 2}}} [.?!]',
        'cword ::= name | [AI]',
        # A capital alone is no word but "I" ("M.", "E."): a capital starts a word of two letters or more.
        'word ::= low | name | "I"',
        f"name ::= [A-Z] [a-z'] [a-z']{{0,{MAX_WORD - 2}}}",
        f"low ::= [a-z] [a-z']{{0,{MAX_WORD - 1}}}",
        f"lword ::= [a-z]{{1,{MAX_WORD}}}",
    ]
    return "\n".join(rules) + "\n"


# ---- word checks ------------------------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"\S+")
_WORD_RE = re.compile(r"^[\"'“‘(]*(?P<word>.*?)[\"'”’).,!?;:—-]*$")
_PLAIN_RE = re.compile(r"^[A-Za-z][a-z]*(?:['’][a-z]+)*(?:-[A-Za-z][a-z]*)*$")
# Numbers are words in dialogue ("at 9", "1982", "$40", "10:30", "3rd", "90%"); a bracketed one ("[12]") is not.
_NUMBER_RE = re.compile(r"^[$£€]?\d+(?:[.,:]\d+)*(?:st|nd|rd|th|s|am|pm|%)?$")


def junk_words(text: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Tokens of ``text`` that are not words: bracketed numbers ("[12]"), underscores, run-together or mixed
    capitals ("SMOOTH_SHIFTTPOTTA", "ShIFT"), and over-long letter runs. Upper-case words in ``known`` (the
    cast, the draft's places) and short all-capital words ("OK", "TV") are words."""
    out = []
    for token in _TOKEN_RE.findall(text):
        word = _WORD_RE.match(token).group("word")  # type: ignore[union-attr]
        if not word or _NUMBER_RE.match(word):
            continue
        if word.upper() == word and word.isalpha():
            if len(word) <= 3 or word in known:
                continue
            out.append(token)
            continue
        if not _PLAIN_RE.match(word) or len(word) > MAX_WORD + 4:
            out.append(token)
    return out


def scrub(text: str, known: set[str] | frozenset[str] = frozenset()) -> tuple[str, int]:
    """``text`` without its junk tokens, and how many went."""
    junk = set(junk_words(text, known))
    if not junk:
        return text, 0
    kept = [t for t in _TOKEN_RE.findall(text) if t not in junk]
    return " ".join(kept), len(_TOKEN_RE.findall(text)) - len(kept)


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower())


@lru_cache(maxsize=1)
def profanity() -> frozenset[str]:
    """The package's list of words a scene may use only when the writer's own draft or brief does."""
    text = resources.files("tools.generator").joinpath("profanity.txt").read_text("utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def unlicensed_words(text: str, licensed: set[str] | frozenset[str]) -> list[str]:
    """Profane words in ``text`` that ``licensed`` (the words of the draft and brief) does not contain."""
    banned = profanity()
    return list(dict.fromkeys(w for w in words_of(text) if w in banned and w not in licensed))
