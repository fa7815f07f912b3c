"""Drafts saved by any editor decode to the same text: BOMs, UTF-16, cp1252, any line endings; junk is refused."""

from __future__ import annotations

import codecs
import random

import pytest

from screenplay.encoding import decode
from screenplay.errors import ScriptImportError

TEXT = "INT. CAFÉ – NIGHT\n\nZOË\n“Déjà vu,” she says.\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
        codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"),
        TEXT.encode("utf-16-le"),  # no BOM: told apart by where the NULs fall
        TEXT.encode("utf-16-be"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf32be-bom", "utf16le", "utf16be", "cp1252"],
)
def test_every_encoding_gives_the_same_text(data):
    assert decode(data) == TEXT


def test_latin1_bytes_outside_cp1252():
    # 0x81 is unassigned in cp1252, so the whole file is read as Latin-1.
    assert decode("Señor\x81".encode("latin-1")) == "Señor\x81"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_become_lf(newline):
    assert decode(TEXT.replace("\n", newline).encode("utf-8")) == TEXT


def test_mixed_line_endings():
    assert decode(b"A\r\nB\nC\rD\r\n\r\nE") == "A\nB\nC\nD\n\nE"


def test_empty_is_empty():
    assert decode(b"") == ""


@pytest.mark.parametrize(
    "data, words",
    [
        (b"%PDF-1.4\n\x00\x01\x02binary", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "zip"),
        (b"Hello\x00world", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_binary_junk_is_refused_with_a_reason(data, words):
    with pytest.raises(ScriptImportError, match=words):
        decode(data)


def test_random_bytes_are_refused():
    data = random.Random(0).randbytes(4096)
    with pytest.raises(ScriptImportError):
        decode(data)
