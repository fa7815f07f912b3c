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


def clean_free_text(text: str) -> str:
    """Trim punctuation and filler from the ends of a free-text argument (brief, query, instruction)."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^[\s,.;:!?\-–—'\"]+|[\s,.;:!?\-–—'\"]+$", "", text)
    text = re.sub(r"\s+(?:please|pls|plz|thanks)$", "", text, flags=re.I)
    return text.strip()
