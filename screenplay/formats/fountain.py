"""Fountain 1.1 (fountain.io/syntax) to the Script model and back; render(parse(x)) is a fixed point.

Written here rather than on the `fountain-parser` package: that package has no notes, centered
text or lyrics, and mapping its tree onto ours costs as much code as reading the lines directly,
which also keeps a 120-page import at a few tens of milliseconds.

Notes ([[...]]) become NOTE elements placed after the line that held them. A lone "[[" or "]]" stays
literal text; Fountain has no escape for it, so such text may pair with a later note when re-read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from screenplay.model import (
    CUE_EXTENSION_RE,
    Element,
    ElementType,
    Scene,
    SceneHeading,
    Script,
    parse_heading,
    split_cue,
)

ET = ElementType

_BONEYARD_LINE_RE = re.compile(r"^[ \t]*/\*.*?\*/[ \t]*(?:\n|$)", re.S | re.M)
_BONEYARD_RE = re.compile(r"/\*.*?\*/", re.S)
# A note may run over several lines but not over a blank one (a line of two spaces is not blank).
_NOTE_RE = re.compile(r"\[\[((?:[^\n]|\n(?=[ \t]*\S)|\n(?=  \n))*?)\]\]")
_INLINE_NOTE_RE = re.compile(r"[ \t]*\[\[([^\n]*?)\]\]")
# The spec's list exactly: "EXT/INT." is not on it, so such lines are action unless forced with ".".
_HEADING_RE = re.compile(r"^(?:INT\.?/EXT|INT|EXT|EST|I/E)[. ]", re.I)
_FORCED_HEADING_RE = re.compile(r"^\.[^\W_]")
_PAGE_BREAK_RE = re.compile(r"^={3,}$")
_CENTERED_RE = re.compile(r"^>(.*)<$")
_TITLE_KEY_RE = re.compile(r"^([^\s:][^:\n]*?):[ \t]*(.*)$")
_KNOWN_TITLE_KEYS = {
    "title", "credit", "author", "authors", "source", "notes", "draft date", "date", "contact",
    "contact info", "copyright", "revision", "watermark", "font", "tl", "tc", "tr", "cc", "br", "bl",
    "header", "footer",
}
# A newline inside a [[note]] is hidden behind this private-use character while lines are split.
_NL = "\ue000"


# ---------------------------------------------------------------------------- line classification


def _is_title_key(line: str) -> bool:
    """A title page must open with a known key, so "FADE IN:" or "Los Angeles: 1985" stay in the body."""
    m = _TITLE_KEY_RE.match(line)
    return bool(m) and m.group(1).strip().lower() in _KNOWN_TITLE_KEYS


def _is_cue(s: str) -> bool:
    """Shape of a character cue: all caps (extensions aside), a letter, or forced with @."""
    if s.startswith("@"):
        return len(s) > 1 and s[1:].strip() not in ("", "^")
    if s[0] in "!.#=>~[(":
        return False
    name = CUE_EXTENSION_RE.sub("", s).replace("^", "").strip()
    return bool(name) and name == name.upper() and any(c.isalpha() for c in name)


def _is_transition(s: str, has_next: bool) -> bool:
    return not has_next and s.endswith("TO:") and s == s.upper()


def line_kind(s: str, has_next: bool) -> str:
    """What a stripped first-of-paragraph line starts; has_next: a non-blank line follows it."""
    if not s:
        return "action"
    c = s[0]
    if c == "!":
        return "forced_action"
    if _PAGE_BREAK_RE.match(s):
        return "page_break"
    if c == "#":
        return "section"
    if c == "=":
        return "synopsis"
    if c == "." and _FORCED_HEADING_RE.match(s):
        return "heading"
    if _HEADING_RE.match(s):
        return "heading"
    if c == ">":
        return "centered" if _CENTERED_RE.match(s) else "transition"
    if c == "~":
        return "lyrics"
    if _is_transition(s, has_next):
        return "transition"
    if has_next and _is_cue(s):
        return "character"
    return "action"


# ---------------------------------------------------------------------------- parsing


@dataclass
class _Line:
    raw: str  # rstripped, leading whitespace kept (action keeps its indentation)
    text: str  # stripped, inline notes removed
    notes: list[str]  # inline notes found on the line
    only_note: bool  # the line was nothing but [[notes]]


def _line(raw: str) -> _Line:
    notes: list[str] = []
    if "[[" in raw:
        notes = [n.replace(_NL, "\n").strip() for n in _INLINE_NOTE_RE.findall(raw)]
        stripped = _INLINE_NOTE_RE.sub("", raw).rstrip()
        return _Line(stripped, stripped.strip(), notes, bool(notes) and not stripped.strip())
    return _Line(raw, raw.strip(), notes, False)


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Blank lines separate paragraphs; a line of exactly two spaces is an intentional empty line."""
    paras: list[list[str]] = []
    cur: list[str] = []
    for raw in lines:
        if raw.strip():
            cur.append(raw.rstrip())
        elif raw == "  " and cur:
            cur.append("")
        elif cur:
            while cur and not cur[-1]:
                cur.pop()
            paras.append(cur)
            cur = []
    if cur:
        while cur and not cur[-1]:
            cur.pop()
        paras.append(cur)
    return paras


def _title_page(lines: list[str]) -> tuple[dict[str, str], int]:
    """Key: value pairs at the very top (values may continue on indented lines); lines consumed."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or not _is_title_key(lines[i]):
        return {}, 0
    page: dict[str, str] = {}
    key = None
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        if key is not None and line[:1] in ("\t", " "):
            extra = line.strip()
            page[key] = f"{page[key]}\n{extra}" if page[key] else extra
        else:
            m = _TITLE_KEY_RE.match(line)
            if not m:
                break  # a non-key line ends the title page; the body starts here
            key = m.group(1).strip()
            page[key] = m.group(2).strip()
        i += 1
    return page, i


def _notes(notes: list[str]) -> list[Element]:
    return [Element(ET.NOTE, n) for n in notes]


def _parse_paragraph(raws: list[str]) -> list[Element | SceneHeading]:
    """Elements of one paragraph; a SceneHeading among them starts a new scene."""
    lines = [_line(r) for r in raws]
    out: list = []
    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        if not ln.text and not ln.notes:  # an intentional empty line cannot start an element
            i += 1
            continue
        if ln.only_note:
            out.extend(_notes(ln.notes))
            i += 1
            continue
        s = ln.text
        kind = line_kind(s, i + 1 < n)
        if kind == "page_break":
            out.append(Element(ET.PAGE_BREAK))
            out.extend(_notes(ln.notes))
            i += 1
        elif kind == "section":
            level = len(s) - len(s.lstrip("#"))
            out.append(Element(ET.SECTION, s[level:].strip(), level=level))
            out.extend(_notes(ln.notes))
            i += 1
        elif kind == "synopsis":
            out.append(Element(ET.SYNOPSIS, s[1:].strip()))
            out.extend(_notes(ln.notes))
            i += 1
        elif kind == "heading":
            forced = s.startswith(".")
            out.append(parse_heading(s[1:] if forced else s, forced=forced))
            out.extend(_notes(ln.notes))
            i += 1
        elif kind == "transition":
            forced = s.startswith(">")
            out.append(Element(ET.TRANSITION, s[1:].strip() if forced else s, forced=forced))
            out.extend(_notes(ln.notes))
            i += 1
        elif kind in ("centered", "lyrics"):
            i = _parse_run(lines, i, kind, out)
        elif kind == "character":
            i = _parse_dialogue(lines, i, out)
        else:
            i = _parse_action(lines, i, kind == "forced_action", out)
    return out


def _parse_run(lines: list[_Line], i: int, kind: str, out: list[Element]) -> int:
    """Consecutive >centered< or ~lyric lines make one element of several lines."""
    texts, notes = [], []
    while i < len(lines) and not lines[i].only_note and line_kind(lines[i].text, True) == kind:
        s = lines[i].text
        texts.append(s[1:-1].strip() if kind == "centered" else s[1:].strip())
        notes.extend(lines[i].notes)
        i += 1
    etype = ET.CENTERED if kind == "centered" else ET.LYRICS
    out.append(Element(etype, "\n".join(texts), forced=etype is ET.LYRICS))
    out.extend(_notes(notes))
    return i


def _parse_dialogue(lines: list[_Line], i: int, out: list[Element]) -> int:
    s = lines[i].text
    forced = s.startswith("@")
    body = s[1:].strip() if forced else s
    dual = body.endswith("^")
    name, exts = split_cue(body[:-1] if dual else body)
    cue = Element(ET.CHARACTER, name, extensions=exts, dual=dual, forced=forced)
    # Normalising the cue ("^ BOB" -> "BOB") can leave a shape that only @ keeps a cue.
    cue.forced = forced or line_kind(_cue_line(cue), True) != "character"
    out.append(cue)
    out.extend(_notes(lines[i].notes))
    i += 1
    speech: list[str] = []

    def flush() -> None:
        if speech:
            out.append(Element(ET.DIALOGUE, "\n".join(speech)))
            speech.clear()

    while i < len(lines):
        ln = lines[i]
        if ln.only_note:
            flush()
            out.extend(_notes(ln.notes))
        elif ln.text.startswith("(") and ln.text.endswith(")"):
            flush()
            out.append(Element(ET.PARENTHETICAL, ln.text))
            out.extend(_notes(ln.notes))
        else:
            speech.append(ln.text)
            if ln.notes:
                flush()
                out.extend(_notes(ln.notes))
        i += 1
    flush()
    return i


def _parse_action(lines: list[_Line], i: int, forced: bool, out: list[Element]) -> int:
    """An action paragraph runs to the blank line; its notes follow it as NOTE elements."""
    texts, notes = [], []
    first = True
    while i < len(lines):
        ln = lines[i]
        notes.extend(ln.notes)
        if not ln.only_note:
            if first and forced:
                texts.append(ln.raw.lstrip()[1:])
            else:
                texts.append(ln.raw)
            first = False
        i += 1
    while texts and not texts[-1].strip():
        texts.pop()
    if texts:
        text = "\n".join(texts)
        # Once its notes are lifted out, text may only stay action when forced; say so, as render will.
        out.append(Element(ET.ACTION, text, forced=forced or _action_needs_force(text, False)))
    out.extend(_notes(notes))
    return i


def _protect_notes(text: str) -> str:
    """Hide newlines inside [[notes]] so a note spanning lines stays one line while splitting."""
    if "[[" not in text:
        return text
    return _NOTE_RE.sub(lambda m: "[[" + m.group(1).replace("\n", _NL) + "]]", text)


def parse(text: str) -> Script:
    """A Script from Fountain text (LF line endings expected; see screenplay.encoding.decode)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if "/*" in text:
        text = _BONEYARD_RE.sub("", _BONEYARD_LINE_RE.sub("", text))
    text = _protect_notes(text)
    lines = text.split("\n")
    title_page, start = _title_page(lines)
    script = Script(title_page=title_page, source_format="fountain")
    target = script.preamble
    for para in _paragraphs(lines[start:]):
        for el in _parse_paragraph(para):
            if isinstance(el, SceneHeading):
                scene = Scene(heading=el)
                script.scenes.append(scene)
                target = scene.elements
            else:
                target.append(el)
    first = script.preamble[0] if script.preamble else None
    if not title_page and first is not None and first.type is ET.ACTION and _is_title_key(first.text.split("\n", 1)[0]):
        first.forced = True  # "[[note]]Title: x" opening a script: render must write "!Title: x"
    return script


# ---------------------------------------------------------------------------- rendering


def _render_heading(h: SceneHeading) -> str:
    text = h.text.strip()
    if h.number:
        text = f"{text} #{h.number}#"
    if h.forced or line_kind(text, False) != "heading" or text.startswith("."):
        return "." + text
    return text


def _action_needs_force(text: str, first_in_doc: bool) -> bool:
    """Would this action text, written plainly, read as something else (or as a title page)?"""
    first, _, rest = text.partition("\n")
    return line_kind(first.strip(), bool(rest)) != "action" or (first_in_doc and _is_title_key(first))


def _render_action(el: Element, first_in_doc: bool) -> str:
    lines = [ln.rstrip() or "  " for ln in el.text.split("\n")]
    if el.forced or _action_needs_force(el.text, first_in_doc):
        lines[0] = "!" + lines[0]
    return "\n".join(lines)


def _cue_line(el: Element) -> str:
    """The cue as written without @: name, (extensions), ^ for the second of a dual pair."""
    cue = el.text.strip()
    for ext in el.extensions:
        cue += f" ({ext})"
    return cue + " ^" if el.dual else cue


def _render_cue(el: Element) -> str:
    cue = _cue_line(el)
    return "@" + cue if el.forced or line_kind(cue, True) != "character" else cue


def _render_lines(el: Element) -> list[str]:
    """Dialogue lines; an empty line inside a speech is written as two spaces."""
    return [ln.strip() or "  " for ln in el.text.split("\n")]


def _render_element(el: Element, first_in_doc: bool) -> str:
    t = el.type
    if t is ET.ACTION:
        return _render_action(el, first_in_doc)
    if t is ET.TRANSITION:
        text = el.text.strip()
        plain = not el.forced and not text.startswith(">") and line_kind(text, False) == "transition"
        return text if plain else "> " + text
    if t is ET.CENTERED:
        return "\n".join(f"> {ln.strip()} <" for ln in el.text.split("\n"))
    if t is ET.LYRICS:
        return "\n".join("~" + ln.strip() for ln in el.text.split("\n"))
    if t is ET.SECTION:
        return "#" * max(el.level, 1) + " " + el.text.strip()
    if t is ET.SYNOPSIS:
        return "= " + el.text.strip()
    if t is ET.NOTE:
        return f"[[{el.text}]]"
    if t is ET.PAGE_BREAK:
        return "==="
    if t is ET.PARENTHETICAL:
        return el.text.strip()
    if t is ET.DIALOGUE:
        return "\n".join(_render_lines(el))
    if t is ET.CHARACTER:
        return _render_cue(el)
    raise ValueError(f"unknown element type {t!r}")


def _render_elements(elements: list[Element], out: list[str], first_in_doc: bool) -> None:
    """Paragraphs separated by blank lines; a cue and its speech stay one paragraph."""
    i = 0
    while i < len(elements):
        el = elements[i]
        if el.type is ET.CHARACTER:
            block = [_render_cue(el)]
            i += 1
            while i < len(elements) and elements[i].type in (ET.PARENTHETICAL, ET.DIALOGUE, ET.NOTE):
                block.append(_render_element(elements[i], False))
                i += 1
            out.append("\n".join(block))
        else:
            out.append(_render_element(el, first_in_doc and not out))
            i += 1


def render_title_page(title_page: dict[str, str]) -> str:
    lines = []
    for key, value in title_page.items():
        parts = [p.strip() for p in value.split("\n") if p.strip()]
        if len(parts) == 1:
            lines.append(f"{key}: {parts[0]}")
        else:
            lines.append(f"{key}:")
            lines.extend("\t" + p for p in parts)
    return "\n".join(lines)


def render(script: Script) -> str:
    """Fountain text for a Script: headings, cues and markers forced wherever shape alone would mislead."""
    out: list[str] = []
    if script.title_page:
        out.append(render_title_page(script.title_page))
    _render_elements(script.preamble, out, not script.title_page)
    for scene in script.scenes:
        out.append(_render_heading(scene.heading))
        _render_elements(scene.elements, out, False)
    return "\n\n".join(out) + "\n" if out else ""
