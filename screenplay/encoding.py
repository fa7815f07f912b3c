"""Bytes to text for drafts from any editor: BOMs, UTF-16 without a BOM, UTF-8, cp1252; LF line endings."""

from __future__ import annotations

import codecs
import re

from screenplay.errors import ScriptImportError

# Longest BOMs first: the UTF-32 LE BOM begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of files people upload by mistake under a text extension, named in the error.
_MAGIC = (
    (b"%PDF", "a PDF"),
    (b"PK\x03\x04", "a zip archive (a .docx or other Office file?)"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office document (.doc)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)

# Control characters that never appear in a typed draft (tab, LF, FF, CR are fine).
_JUNK_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_JUNK_LIMIT = 0.02
_SAMPLE = 65536


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly Latin script has a NUL in every other byte; which half says the order."""
    sample = data[: _SAMPLE - (_SAMPLE % 2)]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _binary_error(data: bytes) -> ScriptImportError:
    head = data[:8]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return ScriptImportError(
                f"this file is {what}, not screenplay text: give it its own extension "
                "(.pdf, .docx...) or export the draft as Fountain or plain text"
            )
    return ScriptImportError(
        "this file looks like binary data, not screenplay text; "
        "upload the draft itself as Fountain, Final Draft, PDF, Word or plain text"
    )


def normalize_newlines(text: str) -> str:
    """CRLF, lone CR and mixtures of them all become LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes) -> str:
    """Text of a draft's bytes, with LF line endings; ScriptImportError for binary junk."""
    if not data:
        return ""
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, data = name, data[len(bom):]
            break
    if encoding is None:
        encoding = _utf16_without_bom(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ScriptImportError(
                f"this file starts like {encoding.upper()} text but is not valid {encoding.upper()} "
                f"({exc.reason} at byte {exc.start}); re-save it as UTF-8"
            ) from None
    else:
        if b"\x00" in data:
            raise _binary_error(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Not UTF-8: almost always a Windows editor's cp1252; its five unused bytes fall back to Latin-1.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    sample = text[:_SAMPLE]
    if sample and len(_JUNK_RE.findall(sample)) > _JUNK_LIMIT * len(sample):
        raise _binary_error(data)
    return normalize_newlines(text.lstrip("\ufeff"))

