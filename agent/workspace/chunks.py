"""A revision's text as scene-sized chunks, stored once per project and shared by every revision that has them.

A typing save changes one scene of a 120-page draft; storing the whole text (even compressed) for every pause grows
the database by tens of kilobytes a save. Split at scene headings, a revision is a manifest of chunk digests and only
the chunks it changed are new. Every revision still reads back on its own (no delta chains to replay or corrupt).
"""

from __future__ import annotations

import hashlib
import re
import zlib

DIGEST_BYTES = 16
# A new chunk starts at a line that looks like a scene heading (Fountain's forced "." included) ...
_HEADING_RE = re.compile(r"^(?:\.[^.\s]|(?:INT|EXT|EST|I/E|E/I)[./ ])", re.IGNORECASE)
# ... or, in a long stretch without headings (a stage play, notes), at a blank line after this many lines.
MAX_LINES = 120


def split(text: str) -> list[str]:
    """The text in chunks whose concatenation is exactly the text."""
    pieces: list[str] = []
    current: list[str] = []
    for line in text.splitlines(keepends=True):
        if current and (_HEADING_RE.match(line) or (len(current) >= MAX_LINES and not current[-1].strip())):
            pieces.append("".join(current))
            current = []
        current.append(line)
    if current:
        pieces.append("".join(current))
    return pieces


def is_heading(piece: str) -> bool:
    return bool(_HEADING_RE.match(piece))


def digest(piece: str) -> bytes:
    return hashlib.blake2b(piece.encode("utf-8"), digest_size=DIGEST_BYTES).digest()


def text_digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST_BYTES).hexdigest()


def pack(piece: str) -> bytes:
    return zlib.compress(piece.encode("utf-8"), 6)


def unpack(body: bytes) -> str:
    return zlib.decompress(body).decode("utf-8")


def manifest(digests: list[bytes]) -> bytes:
    return b"".join(digests)


def digests_of(manifest_blob: bytes) -> list[bytes]:
    return [manifest_blob[i:i + DIGEST_BYTES] for i in range(0, len(manifest_blob), DIGEST_BYTES)]
