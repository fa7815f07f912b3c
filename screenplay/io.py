"""Load any draft a writer has (Fountain, FDX, PDF, Word, text) into a Script, and write one back out."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from screenplay.encoding import decode
from screenplay.errors import ACCEPTED, ScriptExportError, ScriptImportError
from screenplay.files import atomic_write_bytes
from screenplay.model import Script

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Reading stops after this long (see screenplay.parse_worker); a 120-page PDF reads in about a second.
# Under 10 s so that, with the worker's start and handing back a large script, every upload is
# accepted or refused within 10 s on a busy machine.
DEFAULT_DEADLINE_S = 8.0
# A 300-page script has about 15,000 lines; text with far more is no screenplay, and refusing it at
# once keeps a 10 MB file of one-character paragraphs from using the whole deadline.
MAX_TEXT_LINES = 100_000
# Big Fish reads as about 2,800 elements; far more is no screenplay, and handing such a script back
# from the worker (and every tool after it) would cost seconds.
MAX_ELEMENTS = 50_000
# Text drafts up to this size are read in this process: every text reader is linear, and the slowest
# input found for them reads this much in well under a second, cheaper than starting a worker.
# PDF and Word files always go to the worker: their compressed streams bound neither time nor memory.
INLINE_BYTES = 256 * 1024
_CONTAINERS = ("pdf", "docx")

# Extension -> format name; each format's module lives in screenplay.formats.
FORMATS_BY_EXTENSION = {
    ".fountain": "fountain",
    ".spmd": "fountain",
    ".fdx": "fdx",
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "plaintext",
    ".text": "plaintext",
}
EXPORT_FORMATS = ("fountain", "fdx", "pdf")
_EXPORT_EXTENSIONS = {".fountain": "fountain", ".spmd": "fountain", ".fdx": "fdx", ".pdf": "pdf"}


# Formats whose reader and writer are separate modules; the others do both in one module.
_SPLIT_MODULES = {("pdf", "read"): "pdf_import", ("pdf", "written"): "pdf_export"}


def _format_module(name: str, action: str):
    """The format's module, imported only when a file of that kind is read or written."""
    module = f"screenplay.formats.{_SPLIT_MODULES.get((name, action), name)}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise  # a missing dependency inside the module is a bug in the install, not a bad file
        error = ScriptImportError if action == "read" else ScriptExportError
        raise error(f"{name} files cannot be {action} yet: this install has no {name} support") from None


def _human_size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _format_for(filename: str) -> str:
    ext = Path(filename).suffix.lower()
    fmt = FORMATS_BY_EXTENSION.get(ext)
    if fmt is None:
        shown = f"'{ext}'" if ext else "no extension"
        raise ScriptImportError(f"{Path(filename).name} has {shown}; accepted files are {ACCEPTED}")
    return fmt


def loads(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
          deadline_s: float | None = DEFAULT_DEADLINE_S) -> Script:
    """A Script from a draft's bytes; the filename's extension says which format they are in.

    Large text drafts and every PDF or Word file are read in a worker process stopped after
    deadline_s seconds (None reads everything in this process, without a deadline).
    """
    name = Path(filename).name or filename
    fmt = _format_for(filename)
    if len(data) > max_bytes:
        raise ScriptImportError(
            f"{name} is {_human_size(len(data))}, over the {_human_size(max_bytes)} limit for drafts; "
            "raise it with SCRIPTROOM_MAX_UPLOAD_MB (for example SCRIPTROOM_MAX_UPLOAD_MB=50)"
        )
    _refuse_empty(not data.strip(), name)
    if deadline_s is not None and (fmt in _CONTAINERS or len(data) > INLINE_BYTES):
        from screenplay.parse_worker import parse_in_worker

        return parse_in_worker(data, name, fmt, deadline_s)
    return parse_bytes(data, name, fmt)


def _refuse_empty(empty: bool, name: str) -> None:
    if empty:
        raise ScriptImportError(f"{name} is empty; there is no draft to read")


def _has_content(script: Script) -> bool:
    """Any scene, or any text before the first one: a title page alone is no draft."""
    return bool(script.scenes) or any(el.text.strip() for el in script.preamble)


def parse_bytes(data: bytes, name: str, fmt: str) -> Script:
    """Parse in this process, without a deadline: loads' size and deadline checks come first."""
    if fmt in ("fountain", "plaintext"):
        text = decode(data)
        _refuse_empty(not text.strip(), name)
        lines = text.count("\n") + 1
        if lines > MAX_TEXT_LINES:
            raise ScriptImportError(
                f"{name} has {lines:,} lines, more than any screenplay (a 300-page script has about "
                f"15,000); split it, or give the draft itself. Accepted: {ACCEPTED}"
            )
        script = _format_module(fmt, "read").parse(text)
    else:
        script = _format_module(fmt, "read").parse(data)
    # The same words for an empty Final Draft, Word or PDF file as for an empty Fountain one.
    _refuse_empty(not _has_content(script), name)
    elements = len(script.preamble) + sum(1 + len(scene.elements) for scene in script.scenes)
    if elements > MAX_ELEMENTS:
        raise ScriptImportError(
            f"{name} reads as {elements:,} scenes and paragraphs, more than any screenplay (a feature has "
            f"about 3,000); split it, or give the draft itself. Accepted: {ACCEPTED}"
        )
    if not script.source_format:
        script.source_format = "text" if fmt == "plaintext" else fmt
    return script


def load(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES,
         deadline_s: float | None = DEFAULT_DEADLINE_S) -> Script:
    """A Script from a draft on disk (see loads)."""
    p = Path(path)
    _format_for(p.name)  # a wrong extension is reported before the file is even opened
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ScriptImportError(f"no such file: {p}") from None
    if p.is_dir():
        raise ScriptImportError(f"{p} is a folder; give the path of a draft ({ACCEPTED})")
    if size > max_bytes:  # refuse before reading a huge file into memory
        raise ScriptImportError(
            f"{p.name} is {_human_size(size)}, over the {_human_size(max_bytes)} limit for drafts; "
            "raise it with SCRIPTROOM_MAX_UPLOAD_MB (for example SCRIPTROOM_MAX_UPLOAD_MB=50)"
        )
    return loads(p.read_bytes(), p.name, max_bytes=max_bytes, deadline_s=deadline_s)


def render(script: Script, fmt: str) -> bytes:
    """The script as a file's bytes: fmt is fountain, fdx or pdf."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise ScriptExportError(f"cannot export to '{fmt}'; choose one of {', '.join(EXPORT_FORMATS)}")
    out = _format_module(fmt, "written").render(script)
    return out if isinstance(out, bytes) else out.encode("utf-8")


def save(script: Script, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write the script atomically; the format comes from fmt, else from the path's extension."""
    p = Path(path)
    if fmt is None:
        fmt = _EXPORT_EXTENSIONS.get(p.suffix.lower())
        if fmt is None:
            raise ScriptExportError(
                f"cannot tell the format from '{p.name}'; use a .fountain, .fdx or .pdf name or pass fmt"
            )
    return atomic_write_bytes(p, render(script, fmt))
