"""Helpers shared by the non-Fountain importers and exporters: emphasis runs and a script builder."""

from __future__ import annotations

import re
from dataclasses import dataclass

from screenplay.model import Element, ElementType, Scene, Script, parse_heading


@dataclass(frozen=True)
class Run:
    """A stretch of text with one inline style."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


_MARKER_RE = re.compile(r"\\[*_]|\*\*\*|\*\*|\*|_")


def parse_emphasis(text: str) -> list[Run]:
    """Split Fountain emphasis markup into styled runs.

    A marker counts only when the same marker closes it later in the text, so a lone ``*``
    (a footnote, a rating) stays literal.
    """
    runs: list[Run] = []
    bold = italic = underline = False
    buf: list[str] = []
    pos = 0
    # Where each marker last occurs: "closed later" is one comparison, not a rescan of the rest.
    last = {tok: text.rfind(tok) for tok in ("***", "**", "*", "_")}
    for m in _MARKER_RE.finditer(text):
        buf.append(text[pos:m.start()])
        pos = m.end()
        tok = m.group(0)
        if tok.startswith("\\"):
            buf.append(tok[1:])
            continue
        opening = {"***": bold and italic, "**": bold, "*": italic, "_": underline}[tok]
        if not opening and last[tok] < m.end():
            buf.append(tok)
            continue
        if buf and "".join(buf):
            runs.append(Run("".join(buf), bold, italic, underline))
        buf = []
        if tok == "***":
            bold = italic = not (bold and italic)
        elif tok == "**":
            bold = not bold
        elif tok == "*":
            italic = not italic
        else:
            underline = not underline
    buf.append(text[pos:])
    if "".join(buf):
        runs.append(Run("".join(buf), bold, italic, underline))
    return runs


def plain_text(text: str) -> str:
    """Text with emphasis markup removed."""
    return "".join(r.text for r in parse_emphasis(text))


def runs_to_markup(runs: list[Run]) -> str:
    """Join styled runs into Fountain markup, merging neighbours that share a style."""
    merged: list[Run] = []
    for r in runs:
        if not r.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].underline) == (
            r.bold, r.italic, r.underline
        ):
            merged[-1] = Run(merged[-1].text + r.text, r.bold, r.italic, r.underline)
        else:
            merged.append(r)
    out: list[str] = []
    for r in merged:
        core = r.text.strip()
        if not core or not (r.bold or r.italic or r.underline):
            out.append(r.text)
            continue
        # Markers must hug the text: "*word*", never "*word *".
        lead = r.text[: len(r.text) - len(r.text.lstrip())]
        trail = r.text[len(r.text.rstrip()):]
        stars = "***" if r.bold and r.italic else "**" if r.bold else "*" if r.italic else ""
        under = "_" if r.underline else ""
        out.append(f"{lead}{under}{stars}{core}{stars}{under}{trail}")
    return "".join(out)


class ScriptBuilder:
    """Collects headings and elements in reading order and files them into scenes."""

    def __init__(self, source_format: str) -> None:
        self.script = Script(source_format=source_format)
        self._current: list[Element] = self.script.preamble

    def heading(self, text: str, *, number: str | None = None, page: int | None = None,
                forced: bool = False) -> Scene:
        scene = Scene(heading=parse_heading(text, forced=forced, number=number), page=page)
        self.script.scenes.append(scene)
        self._current = scene.elements
        return scene

    def add(self, type_: ElementType, text: str = "", **fields: object) -> Element:
        el = Element(type=type_, text=text, **fields)  # type: ignore[arg-type]
        self._current.append(el)
        return el

    @property
    def last(self) -> Element | None:
        return self._current[-1] if self._current else None


_CREDIT_RE = re.compile(r"^(written|screenplay|teleplay|story)?\s*(and\s+)?by:?$|^written by", re.I)
_COPYRIGHT_RE = re.compile(r"©|\(c\)|copyright", re.I)


def title_fields(lines: list[tuple[str, str]]) -> dict[str, str]:
    """Map a free-form title page (alignment, text) onto Fountain's title keys.

    Final Draft and PDF title pages carry no keys, only position: the first centred line is the
    title, a "written by" line is the credit and the next centred line the author; right-aligned
    lines are the draft, left-aligned ones the contact.
    """
    fields: dict[str, list[str]] = {}
    expect_author = False
    for align, text in lines:
        if not text:
            continue
        if _COPYRIGHT_RE.search(text):
            key = "Copyright"
        elif align == "Center" and "Title" not in fields:
            key = "Title"
        elif align == "Center" and _CREDIT_RE.match(text):
            key, expect_author = "Credit", True
        elif align == "Center" and expect_author:
            key, expect_author = "Author", False
        elif align == "Center" and re.match(r"based on|from the", text, re.I):
            key = "Source"
        elif align == "Center":
            key = "Notes"
        elif align == "Right":
            key = "Draft date"
        else:
            key = "Contact"
        fields.setdefault(key, []).append(text)
    return {k: "\n".join(v) for k, v in fields.items()}


def cue_text(el: Element) -> str:
    """A CHARACTER element as printed: name then each extension in parentheses."""
    return " ".join([el.text.strip(), *(f"({e})" for e in el.extensions)])
