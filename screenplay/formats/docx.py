"""Word (.docx) import: screenplay paragraph styles when present, else indentation, else Fountain.

Screenplay templates name their styles after Final Draft's elements ("Scene Heading", "Character");
drafts typed in a plain document carry the layout in indents and tabs, or none at all, in which
case the text is read as Fountain (or a stage play) through the plain-text importer.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from screenplay.errors import ACCEPTED, ScriptImportError
from screenplay.formats.layout import Run, ScriptBuilder, runs_to_markup
from screenplay.model import HEADING_PREFIX_RE, ElementType, Script, split_cue

EMU_PER_INCH = 914400
MAX_PARAGRAPHS = 100_000
# A package is refused from its zip directory, before anything inflates. A 300-page script's
# document.xml is a few MB and compresses about 10:1; a member may declare at most this much.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
MAX_RATIO = 100  # inflated / compressed, checked for members over RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_MEMBERS = 2000

_STYLE_TYPES = {
    "scene heading": "heading",
    "slugline": "heading",
    "action": "action",
    "general": "action",
    "shot": "action",
    "character": "cue",
    "dialogue": "dialogue",
    "parenthetical": "paren",
    "transition": "transition",
    "lyrics": "lyrics",
}


def _fail(why: str) -> ScriptImportError:
    return ScriptImportError(f"Cannot read this Word file: {why}. Accepted: {ACCEPTED}.")


@dataclass
class _Para:
    style: str
    indent: float  # inches from the text margin, tabs and leading spaces included
    text: str  # with Fountain emphasis markup
    align: str  # left, center, right


def _style_indent(style) -> float | None:  # noqa: ANN001
    """Left indent a paragraph inherits from its style chain, in inches."""
    while style is not None:
        fmt = getattr(style, "paragraph_format", None)
        if fmt is not None and fmt.left_indent is not None:
            return fmt.left_indent / EMU_PER_INCH
        style = getattr(style, "base_style", None)
    return None


def _human(n: int) -> str:
    return f"{n / 1024**2:.0f} MB"


def check_package(data: bytes) -> None:
    """Refuse a zip whose members would inflate past the limits, reading only its directory.

    zipfile stops inflating a member at its declared size (and fails its CRC if there is more), so
    declared sizes bound the work: checking them all refuses a bomb at once instead of after it.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise _fail(f"it is not a .docx document ({type(exc).__name__})") from exc
    if len(members) > MAX_MEMBERS:
        raise _fail(f"its package holds {len(members)} parts, more than the {MAX_MEMBERS} a document has")
    total = 0
    for m in members:
        total += m.file_size
        if m.file_size > MAX_MEMBER_BYTES:
            raise _fail(f"its part {m.filename[:80]} would inflate to {_human(m.file_size)}, over the "
                        f"{_human(MAX_MEMBER_BYTES)} a script needs")
        if m.file_size > RATIO_FLOOR_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise _fail(f"its part {m.filename[:80]} would inflate {m.file_size // max(m.compress_size, 1)} "
                        f"times over, a compression bomb rather than a document")
    if total > MAX_TOTAL_BYTES:
        raise _fail(f"its parts would inflate to {_human(total)}, over the {_human(MAX_TOTAL_BYTES)} "
                    "a script needs")


def _read(data: bytes) -> list[_Para]:
    check_package(data)
    import docx  # python-docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _fail(f"it is not a .docx document ({type(exc).__name__})") from exc
    except Exception as exc:  # python-docx wraps damaged packages in its own exceptions
        raise _fail(f"the document is damaged ({type(exc).__name__}: {exc})") from exc
    paras: list[_Para] = []
    for i, p in enumerate(document.paragraphs):
        if i >= MAX_PARAGRAPHS:
            raise _fail(f"it has more than {MAX_PARAGRAPHS} paragraphs, longer than any script")
        runs = [Run(r.text, bool(r.bold), bool(r.italic), bool(r.underline)) for r in p.runs]
        markup = runs_to_markup(runs) if runs else p.text
        raw = "".join(r.text for r in runs) if runs else p.text
        lead = raw[: len(raw) - len(raw.lstrip(" \t"))]
        indent = p.paragraph_format.left_indent
        inches = indent / EMU_PER_INCH if indent is not None else (_style_indent(p.style) or 0.0)
        inches += lead.count("\t") * 0.5 + lead.count(" ") * 0.1
        alignment = p.paragraph_format.alignment
        if alignment is None and p.style is not None:
            alignment = p.style.paragraph_format.alignment
        align = ("center" if alignment == WD_ALIGN_PARAGRAPH.CENTER
                 else "right" if alignment == WD_ALIGN_PARAGRAPH.RIGHT else "left")
        paras.append(_Para((p.style.name if p.style is not None else "") or "", inches,
                           markup.strip(), align))
    return paras


def parse(data: bytes) -> Script:
    """Read a .docx draft into a Script."""
    paras = _read(data)
    if not any(p.text for p in paras):
        return Script(source_format="docx")  # screenplay.io refuses it as it refuses an empty Fountain file
    typed = [p for p in paras if p.text and p.style.strip().lower() in _STYLE_TYPES]
    if len(typed) >= 0.5 * sum(1 for p in paras if p.text):
        kinds = [_STYLE_TYPES.get(p.style.strip().lower(), "action") for p in paras]
        return _build(paras, kinds)
    texted = [p for p in paras if p.text]
    base = min(p.indent for p in texted)
    if sum(1 for p in texted if p.indent - base >= 1.0) >= max(2, len(texted) // 10):
        return _build(paras, _kinds_by_indent(paras, base))
    from screenplay.formats import plaintext

    text = "\n".join(("\t" if p.indent - base >= 1.0 else "") + p.text for p in paras)
    script = plaintext.parse(text)
    script.source_format = "docx"
    return script


def _kinds_by_indent(paras: list[_Para], base: float) -> list[str]:
    """Element kinds from indents (inches past the action margin) and capitals."""
    kinds = []
    for i, p in enumerate(paras):
        rel, text = p.indent - base, p.text
        upper = text == text.upper() and any(c.isalpha() for c in text)
        nxt = next((q for q in paras[i + 1:] if q.text), None)
        if p.align == "right" or (upper and text.endswith("TO:") and rel >= 2.5):
            kinds.append("transition")
        elif p.align == "center":
            kinds.append("centered")
        elif rel < 0.5:
            kinds.append("heading" if HEADING_PREFIX_RE.match(text) else "action")
        elif rel < 1.3:
            kinds.append("paren" if text.startswith("(") else "dialogue")
        elif upper and nxt is not None and 0.5 <= nxt.indent - base < 1.8:
            kinds.append("cue")
        elif text.startswith("("):
            kinds.append("paren")
        else:
            kinds.append("transition" if upper else "action")
    return kinds


def _build(paras: list[_Para], kinds: list[str]) -> Script:
    b = ScriptBuilder("docx")
    for p, kind in zip(paras, kinds):
        text = p.text
        if not text:
            continue
        if kind == "heading":
            b.heading(re.sub(r"[*_]", "", text).upper())
        elif kind == "cue":
            name, exts = split_cue(re.sub(r"[*_]", "", text).upper())
            b.add(ElementType.CHARACTER, name, extensions=exts)
        elif kind in ("dialogue", "paren", "lyrics"):
            etype = {"dialogue": ElementType.DIALOGUE, "paren": ElementType.PARENTHETICAL,
                     "lyrics": ElementType.LYRICS}[kind]
            last = b.last
            if kind == "dialogue" and last is not None and last.type is ElementType.DIALOGUE:
                last.text += "\n" + text  # Word breaks a long speech into paragraphs
            else:
                b.add(etype, text)
        elif kind == "transition":
            b.add(ElementType.TRANSITION, text.upper())
        elif kind == "centered":
            b.add(ElementType.CENTERED, text)
        else:
            b.add(ElementType.ACTION, text)
    return b.script
