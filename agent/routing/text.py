"""Text clean-up shared by the routing layers: accent folding, role markers, quoted passages."""

from __future__ import annotations

import re
import unicodedata

# Chat-template markers a pasted draft (or a prankster) may carry; they are not the writer's words.
# Injected system/assistant turns are dropped whole; a fake user turn keeps its words.
_ROLE_BLOCK_RE = re.compile(
    r"<\|im_start\|>\s*(?:system|assistant|tool)\b.*?(?:<\|im_end\|>|\Z)|<<SYS>>.*?(?:<</SYS>>|\Z)", re.S | re.I
)
_ROLE_LINE_RE = re.compile(r"^\s*(?:system|assistant|tool)\s*:.*$", re.I | re.M)
_ROLE_MARKER_RE = re.compile(r"<\|im_start\|>\s*user\b|<\|[^|>]{0,40}\|>|\[/?INST\]|<</?SYS>>|</?s>", re.I)
# A quoted passage: the opening quote follows no letter, so "what's" and "kids'" are not quotes.
_QUOTED_RE = re.compile(r"(?<![\w])(['\"‘“«])(.+?)(['\"’”»])(?![\w])", re.S)


def fold(text: str) -> str:
    """Lower case without accents, one character per input character (so match offsets line up)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base[0] if base else ch)
    return "".join(out).replace("’", "'").replace("‘", "'")


def strip_role_markers(text: str) -> str:
    """Drop injected chat turns and stray role markers; the writer's own words stay."""
    text = _ROLE_BLOCK_RE.sub(" ", text)
    text = _ROLE_LINE_RE.sub(" ", text)
    text = _ROLE_MARKER_RE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def strip_quoted(text: str) -> str:
    """The message without quoted passages: a quoted draft line never decides the route."""
    stripped = _QUOTED_RE.sub(" ", text)
    stripped = re.sub(r"\s+", " ", stripped).strip()
    return stripped if re.search(r"\w", stripped) else text


# Punctuation a dictating writer says aloud at either end ("comma something at the grain elevator", "make dalland
# angrier at the end period"), and sign-offs. "period" stays where it is a noun ("set it in another period").
_EDGES = re.compile(r"^[\s,.;:!?\-–—'\"]+|[\s,.;:!?\-–—'\"]+$")
_SPOKEN_START = re.compile(r"^(?:(?:comma|period)\s+)+", re.I)
_SPOKEN_END = re.compile(r"(?<!\ba)(?<!\ban)(?<!\bthe)(?<!\bthis)(?<!\bthat)(?<!\bsame)(?<!\bother)"
                         r"(?<!\banother)(?<!\bdifferent)(?<!\btime)(?<!\bhistorical)\s+(?:comma|period)$"
                         r"|\s+(?:please|pls|plz|thanks|lol|lmao)$", re.I)


def clean_free_text(text: str) -> str:
    """Trim punctuation, filler and dictated punctuation from the ends of a free-text argument (brief, query,
    instruction)."""
    text = _EDGES.sub("", re.sub(r"\s+", " ", text).strip())
    while True:
        trimmed = _EDGES.sub("", _SPOKEN_END.sub("", _SPOKEN_START.sub("", text)))
        if trimmed == text:
            return text
        text = trimmed


# Words whose misspelling would lose a request's class ("crtique", "isnert", "serch", "unod"); long enough
# that one slip cannot land on another common word.
KEY_WORDS = (
    "critique", "review", "summarize", "summarise", "summary", "synopsis", "insert", "search", "generate",
    "rewrite", "restyle", "brainstorm", "similar", "revert", "examples", "evaluate", "feedback", "library",
    "continue", "version", "versions", "undo",
)
# Short key words mended only when two neighbouring letters are swapped ("wirte"): one changed letter would
# turn "white" or "wrote" into "write".
SWAPPED_WORDS = ("write", "help", "notes", "scene")


def one_slip(word: str, key: str) -> bool:
    """``word`` is ``key`` with one letter added, dropped, changed, or two neighbours swapped."""
    if word == key or abs(len(word) - len(key)) > 1:
        return False
    if len(word) == len(key):
        diff = [i for i, (a, b) in enumerate(zip(word, key)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == key[diff[1]] and word[diff[1]] == key[diff[0]])
    short, long_ = (word, key) if len(word) < len(key) else (key, word)
    i = next((n for n, (a, b) in enumerate(zip(short, long_)) if a != b), len(short))
    return short[i:] == long_[i + 1:]


def correct_typos(folded: str) -> str:
    """The folded message with slips of the keyboard in the request's key words put right."""
    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in KEY_WORDS:
            return word
        for key in KEY_WORDS:
            # Short words only by a swap ("unod"): one changed letter turns too many into others.
            if (len(key) >= 6 or len(word) == len(key)) and one_slip(word, key):
                return key
        for key in SWAPPED_WORDS:
            if len(word) == len(key) and sorted(word) == sorted(key) and one_slip(word, key):
                return key
        return word

    return re.sub(r"[a-z]{4,}", fix, folded)
