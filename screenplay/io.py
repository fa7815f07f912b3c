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


def _format_module(name: str, action: str):
    """The format's module, imported only when a file of that kind is read or written."""
    try:
        return importlib.import_module(f"screenplay.formats.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"screenplay.formats.{name}":
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


def loads(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Script:
    """A Script from a draft's bytes; the filename's extension says which format they are in."""
    name = Path(filename).name or filename
    fmt = _format_for(filename)
    if len(data) > max_bytes:
        raise ScriptImportError(
            f"{name} is {_human_size(len(data))}, over the {_human_size(max_bytes)} limit for drafts; "
            "raise it with SCRIPTROOM_MAX_UPLOAD_MB (for example SCRIPTROOM_MAX_UPLOAD_MB=50)"
        )
    if not data.strip():
        raise ScriptImportError(f"{name} is empty; there is no draft to read")
    if fmt in ("fountain", "plaintext"):
        text = decode(data)
        if not text.strip():
            raise ScriptImportError(f"{name} is empty; there is no draft to read")
        module = _format_module(fmt, "read")
        script = module.parse(text)
    else:
        script = _format_module(fmt, "read").parse(data)
    if not script.source_format:
        script.source_format = "text" if fmt == "plaintext" else fmt
    return script


def load(path: str | os.PathLike, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Script:
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
    return loads(p.read_bytes(), p.name, max_bytes=max_bytes)


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
