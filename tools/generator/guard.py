"""Decode-time rejection for the scaffold grammar: the tokens a grammar cannot forbid are dropped as they are
sampled, so the scene never needs the repair afterwards.

A GBNF grammar is context-free: it cannot say "not a line spoken before" or "a real English word". The engine
asks a ``LineGuard`` at every step which of the likeliest next tokens to drop (agent.models.params
GenerationParams.token_filter), and the sampler then picks among the rest, still under the grammar:

- a token that would finish a speech word for word like an earlier speech of the scene (the repair used to drop
  such a line after the fact: "dropped a repeated line");
- a token that would finish a lower-case word that is not English ("ia"), or start one that no English word
  begins with; capitalised words are names or sentence starts, and the grammar already keeps them letters-only.

Softer, through ``bias``: a token that makes a word pair already used in the scene or in an earlier option of the
request (cues included: "NORA: I" is the pair most often said again) has its logit lowered, not removed. The
options then share fewer pairs (the bench's distinct-2) while a common pair the sentence needs can still come.

The word list is pyspellchecker's English dictionary (MIT), with short entries held to common ones: it carries
rare abbreviations and foreign two-letter words ("ia", "th") that a scene should not. Words of the draft, the
brief and the cast are always allowed.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Sequence

from tools.generator.rails import MAX_SENTENCE_WORDS, MAX_WORD

# pyspellchecker counts: 50 is a dictionary word seen nowhere else; a two-letter word must be common to count.
_MIN_COUNT = 50
_MIN_COUNT_SHORT = 1000
_ONE_LETTER = frozenset({"a", "i"})
_ENDS = ".?!"
_LETTERS = re.compile(r"[A-Za-z']+")
# Logit taken off a token that makes a word pair used before (before temperature): tuned on bench/generation.py.
PAIR_PENALTY = 2.0
_TRAILING_WORD = re.compile(r"[A-Za-z']+$")


@lru_cache(maxsize=1)
def english_words() -> tuple[str, ...]:
    """Sorted lower-case English words (pyspellchecker's list), for membership and prefix look-ups."""
    raw = resources.files("spellchecker").joinpath("resources/en.json.gz").read_bytes()
    counts: dict[str, int] = json.loads(gzip.decompress(raw))
    keep = (w for w, c in counts.items()
            if c >= _MIN_COUNT and (len(w) > 2 or (len(w) == 2 and c >= _MIN_COUNT_SHORT) or w in _ONE_LETTER))
    return tuple(sorted(keep))


def scene_words(text: str) -> list[str]:
    """A railed scene's words in order, lower case, without its cues (``NAME:`` at a line start)."""
    text = re.sub(r"(?m)^[A-Z][A-Z0-9 .'-]*: ", " ", text)
    return [w.lower().strip("'") for w in _LETTERS.findall(text) if w.strip("'")]


def trigrams(words: list[str]) -> list[tuple[str, str, str]]:
    return list(zip(words, words[1:], words[2:]))


def word_pairs(text: str) -> set[tuple[str, str]]:
    """Consecutive word pairs of a scene, cues and parentheticals included (lower case, as distinct-2 counts)."""
    words = re.findall(r"[a-z']+", text.lower())
    return set(zip(words, words[1:]))


def _speech_key(text: str) -> str:
    # The repair's own comparison (tools/generator/repair.py _add_speech): whitespace collapsed, case ignored.
    return " ".join(text.split()).lower()


@dataclass
class LineGuard:
    """Which candidate tokens to drop, given the scene text so far. ``cast``: the scene's cues (the grammar's
    literals); ``known``: words always allowed (the draft's, the brief's, the cast's)."""

    cast: tuple[str, ...]
    known: frozenset[str] = frozenset()
    words: tuple[str, ...] = field(default_factory=english_words, repr=False)
    # Word trigrams the scene may not use again: the request's earlier options' (so the options differ); the
    # scene's own are added as it is written (so it does not loop).
    avoid: frozenset[tuple[str, str, str]] = frozenset()
    # Word pairs the earlier options used (cues included), which ``bias`` makes less likely to come again.
    avoid_pairs: frozenset[tuple[str, str]] = frozenset()
    pair_penalty: float = PAIR_PENALTY
    dropped: dict[str, int] = field(default_factory=lambda: {"repeat": 0, "nonword": 0, "trigram": 0})
    _done: tuple[str, tuple[set[str], list[str], set[tuple[str, str, str]]]] | None = field(default=None, repr=False)
    _paired: tuple[str, tuple[set[tuple[str, str]], str | None]] | None = field(default=None, repr=False)

    def __call__(self, text: str, pieces: Sequence[str]) -> list[int]:
        """Indexes of ``pieces`` (candidate next tokens' text) that must not follow ``text``."""
        done, _, line = text.rpartition("\n")
        speech = self._speech(line)
        earlier, said_before, used_before = self._lines(done)
        if speech is None:  # the action line, or a cue the grammar is still spelling out
            earlier = set()
        tail = _TRAILING_WORD.search(line)
        partial = tail.group(0) if tail else ""
        said = said_before + scene_words(line[: len(line) - len(partial)])
        used = used_before | set(trigrams(said[-(len(said) - len(said_before) + 2):]))
        drop = []
        for i, piece in enumerate(pieces):
            if speech is not None and earlier and self._repeats(speech, piece, earlier):
                self.dropped["repeat"] += 1
                drop.append(i)
            elif self._bad_word(partial, piece):
                self.dropped["nonword"] += 1
                drop.append(i)
            elif used and self._said_again(said[-2:], partial, piece, used):
                self.dropped["trigram"] += 1
                drop.append(i)
        if len(_LETTERS.findall(re.split(r"[.?!:)]", line)[-1])) >= MAX_SENTENCE_WORDS:
            return self._leave_a_way_out(pieces, drop)
        return drop

    def bias(self, text: str, pieces: Sequence[str]) -> dict[int, float]:
        """Logit changes for ``pieces``: each word pair a piece would make that the scene or an earlier option
        has already used costs ``pair_penalty``. Only the word a piece starts or extends is judged: a piece that
        only ends a word (a space, a mark) changes no pair, since the word was chosen by the letters before."""
        if not self.pair_penalty:
            return {}
        done, _, line = text.rpartition("\n")
        used, last = self._pairs(done)
        words = [w.lower() for w in _LETTERS.findall(line)]
        partial = ""
        if text[-1:].isalpha() or text[-1:] == "'":
            partial, words = _LETTERS.findall(line)[-1], words[:-1]
        line_pairs = set(zip(([last] if last else []) + words, words))
        before = words[-1] if words else last
        out: dict[int, float] = {}
        for i, piece in enumerate(pieces):
            if not any(c.isalpha() for c in piece):
                continue
            prev, hits = before, 0
            for k, m in enumerate(_LETTERS.finditer(partial + piece)):
                word = m.group(0)
                if len(word) > 1 and word.isupper():  # a cue the grammar spells out: the pair after it counts
                    prev = word.lower()
                    continue
                word = word.lower()
                extends = k > 0 or not partial or piece[0].isalpha() or piece[0] == "'"
                if extends and prev is not None and ((prev, word) in used or (prev, word) in line_pairs):
                    hits += 1
                prev = word
            if hits:
                out[i] = -self.pair_penalty * hits
        return out

    def _pairs(self, done: str) -> tuple[set[tuple[str, str]], str | None]:
        """(pairs to avoid, last word) after the finished lines, kept until the next line break."""
        if self._paired is None or self._paired[0] != done:
            words = re.findall(r"[a-z']+", done.lower())
            self._paired = (done, (set(self.avoid_pairs) | set(zip(words, words[1:])), words[-1] if words else None))
        return self._paired[1]

    def must_end(self, text: str) -> bool:
        """Only a sentence end may come next: the sentence has its last word and that word is whole. The grammar
        would still let letters run on into the word ("sound of" + "boats" = "ofboats"), which is where a small
        model goes when the words it wants (" boats") are past the grammar's length; the engine masks all but
        [.?!] over the whole vocabulary."""
        line = text.rpartition("\n")[2]
        words = _LETTERS.findall(re.split(r"[.?!:)]", line)[-1])
        if len(words) < MAX_SENTENCE_WORDS or not text[-1:].isalpha():
            return False
        last = words[-1].strip("'")
        return not last.islower() or last in self.known or self._is_word(last)

    @staticmethod
    def _leave_a_way_out(pieces: Sequence[str], drop: list[int]) -> list[int]:
        """Never refuse every way to end a sentence at its last word: the grammar then allows only [.?!], and
        refusing them all leaves the sampler nothing it may pick (llama.cpp aborts). Before the last word the
        sentence can go on instead. The repair
        after the fact still sees whatever then slips through."""
        ends = {i for i, p in enumerate(pieces) if not any(c.isalpha() for c in p) and any(c in _ENDS for c in p)}
        if ends and ends <= set(drop):
            return [i for i in drop if i not in ends]
        return drop

    @staticmethod
    def _said_again(before: list[str], partial: str, piece: str, used: set[tuple[str, str, str]] | frozenset) -> bool:
        """Would ``piece`` finish a word that makes a trigram already used?"""
        if not any(c.isalpha() for c in piece):
            return False  # the word was chosen by the letters before; a mark only ends it (see _leave_a_way_out)
        joined = partial + piece
        words = list(before)
        for m in _LETTERS.finditer(joined):
            if m.end() == len(joined):
                break  # still being spelt
            if m.group(0).isupper():
                return False  # a cue the grammar spells out ("NORA: "), not a word of the scene
            word = m.group(0).lower().strip("'")
            if not word:
                continue
            words.append(word)
            if len(words) >= 3 and tuple(words[-3:]) in used:
                return True
        return False

    def _lines(self, done: str) -> tuple[set[str], list[str], set[tuple[str, str, str]]]:
        """(earlier speeches, words, trigrams to avoid) of the finished lines: they change only at a line
        break, so they are kept from one step to the next rather than counted again for every token."""
        if self._done is None or self._done[0] != done:
            speeches = {_speech_key(s) for s in (self._speech(x) for x in done.split("\n")) if s}
            words = scene_words(done + "\n") if done else []
            self._done = (done, (speeches, words, set(self.avoid) | set(trigrams(words))))
        return self._done[1]

    def _speech(self, line: str) -> str | None:
        """The words of a dialogue line after its cue and parenthetical; None for action or a cue in progress."""
        for name in self.cast:
            if line.startswith(name + ": "):
                rest = line[len(name) + 2:]
                if rest.startswith("("):
                    close = rest.find(") ")
                    return rest[close + 2:] if close >= 0 else None
                return rest
        return None

    @staticmethod
    def _repeats(speech: str, piece: str, earlier: set[str]) -> bool:
        """Would ``piece`` end the speech (a sentence end, then nothing or the line break) as an earlier one?
        Caught at the sentence end, not the line break: after a second sentence the grammar allows only the
        break, so refusing it there would leave the sampler nothing to pick."""
        for k, ch in enumerate(piece):
            if ch in _ENDS and (k + 1 == len(piece) or piece[k + 1] == "\n"):
                if _speech_key(speech + piece[: k + 1]) in earlier:
                    return True
            if ch == "\n":
                break
        return False

    def _bad_word(self, partial: str, piece: str) -> bool:
        """Does ``piece`` finish a lower-case non-word, or leave one that no English word starts with?"""
        stem = partial.strip("'")
        if stem.islower() and stem not in self.known and not self._is_prefix(stem):
            # Already off the list (a token from below the checked head): refusing every way on would only push
            # the sampler further down the tail, so let the word end.
            return False
        joined = partial + piece
        for m in _LETTERS.finditer(joined):
            word = m.group(0).strip("'")
            if not word or not word.islower() or word in self.known:
                continue
            if m.end() < len(joined):  # followed by a space or a mark: the word is whole
                if len(m.group(0)) >= MAX_WORD:
                    continue  # the grammar allows no longer word: it must end here, word or not
                if not self._is_word(word):
                    return True
            elif not self._is_prefix(word):  # still being spelt: some English word must start this way
                return True
        return False

    def _is_word(self, word: str) -> bool:
        i = bisect.bisect_left(self.words, word)
        return i < len(self.words) and self.words[i] == word

    def _is_prefix(self, stem: str) -> bool:
        i = bisect.bisect_left(self.words, stem)
        return i < len(self.words) and self.words[i].startswith(stem)
