"""Fountain 1.1 (fountain.io/syntax) to the Script model and back; render(parse(x)) is a fixed point.

Written here rather than on the `fountain-parser` package: that package has no notes, centered
text or lyrics, and mapping its tree onto ours costs as much code as reading the lines directly,
which also keeps a 120-page import at a few tens of milliseconds.

Notes ([[...]]) become NOTE elements placed after the line that held them. A lone "[[" or "]]" stays
literal text; Fountain has no escape for it, so such text may pair with a later note when re-read.

Every scan is linear in the input: notes and boneyards are found with str.find and a stack, never with
a lazy regex that restarts at each opener (a 97 KB file of "[[" once took 20 s that way).
"""

from __future__ import annotations

import re
from typing import NamedTuple

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

_BONEYARD_TOKEN_RE = re.compile(r"/\*|\*/")
# Where a paragraph ends: a newline before a blank line. A note may run over several lines but not
# over a blank one; a line of exactly two spaces is an intentional empty line, not a blank one.
_PARAGRAPH_END_RE = re.compile(r"\n(?!  (?:\n|$))(?=[ \t]*(?:\n|$))")
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


class _Line(NamedTuple):  # a tuple, not a dataclass: hundreds of thousands are made for a long file
    raw: str  # rstripped, leading whitespace kept (action keeps its indentation)
    text: str  # stripped, inline notes removed
    notes: list[str] | tuple[()]  # inline notes found on the line
    only_note: bool  # the line was nothing but [[notes]]
    trailing_space: bool = False  # written with spaces after its last character


def _line(raw: str) -> _Line:
    stripped = raw.rstrip()
    trailing = len(stripped) != len(raw)
    raw = stripped
    spans = _note_spans(raw) if "[[" in raw and "]]" in raw else ()
    if not spans:
        return _Line(raw, raw.lstrip(), (), False, trailing)
    notes = [raw[a + 2:b - 2].replace(_NL, "\n").strip() for a, b in spans]
    kept, pos = [], 0
    for a, b in spans:
        kept.append(raw[pos:a].rstrip(" \t"))  # the spaces before a note go with it
        pos = b
    kept.append(raw[pos:])
    stripped = "".join(kept).rstrip()
    return _Line(stripped, stripped.strip(), notes, not stripped.strip(), trailing)


def _note_spans(text: str, ends: list[int] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each [[note]]: an opener to the first "]]" after it, never past a paragraph end.

    ends: sorted positions where paragraphs end (see _PARAGRAPH_END_RE); None for a single line.
    Openers without a close stay literal. Linear: the next close and the next paragraph end are
    remembered between openers instead of searched for again from each one.
    """
    spans: list[tuple[int, int]] = []
    ends = ends or []
    i, e, close = 0, 0, -1
    while True:
        start = text.find("[[", i)
        if start < 0:
            break
        if close < start + 2:
            close = text.find("]]", start + 2)
            if close < 0:
                break
        while e < len(ends) and ends[e] < start:
            e += 1
        if e < len(ends) and ends[e] < close:
            i = ends[e]  # every opener before this paragraph end meets it before a close: all literal
            continue
        spans.append((start, close + 2))
        i = close + 2
    return spans


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Blank lines separate paragraphs; a line of exactly two spaces is an intentional empty line."""
    paras: list[list[str]] = []
    cur: list[str] = []
    for raw in lines:
        if raw.strip():
            cur.append(raw)  # trailing spaces kept: they turn a would-be transition into action
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


def _title_page(lines: list[str]) -> tuple[dict[str, str], int, list[str]]:
    """Key: value pairs at the very top (values may continue on indented lines); lines consumed;
    the [[notes]] written above them.

    The spec puts the title page first; a note above it is accepted (the leniency editors show)
    rather than turning every key into action.
    """
    i = 0
    notes: list[str] = []
    while i < len(lines):
        s = lines[i].strip()
        if s:
            ln = _line(lines[i]) if s.startswith("[[") and s.endswith("]]") and i < 100 else None
            if ln is None or not ln.only_note:
                break
            notes.extend(ln.notes)
        i += 1
    if i >= len(lines) or not _is_title_key(lines[i]):
        return {}, 0, []
    page: dict[str, list[str]] = {}
    key = None
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        if key is not None and line[:1] in ("\t", " "):
            page[key].append(line.strip())
        else:
            m = _TITLE_KEY_RE.match(line)
            if not m:
                break  # a non-key line ends the title page; the body starts here
            key = m.group(1).strip()
            page[key] = [m.group(2).strip()] if m.group(2).strip() else []
        i += 1
    return {k: "\n".join(v) for k, v in page.items()}, i, notes


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
        if kind == "transition" and ln.trailing_space and not s.startswith(">"):
            kind = "action"  # the spec: spaces after "TO:" keep an upper-case line action
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
    # What line_kind says for such lines, without its other tests: a long run costs one check a line.
    same = (lambda s: s.startswith("~")) if kind == "lyrics" else (lambda s: s[:1] == ">" and _CENTERED_RE.match(s))
    while i < len(lines) and not lines[i].only_note and same(lines[i].text):
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
        elif ln.text.startswith("~"):
            flush()  # a sung line inside a speech: lyrics are always forced
            i = _parse_run(lines, i, "lyrics", out)
            continue
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
        if not first and ln.text.startswith("~"):
            break  # a lyric is always forced, even inside a paragraph: it ends the action here
        if not ln.only_note:
            if first and forced:
                texts.append(ln.raw.lstrip()[1:])
            else:
                texts.append(ln.raw)
            first = False
        if ln.notes:
            notes.extend(ln.notes)
        i += 1
    while texts and not texts[-1].strip():
        texts.pop()
    if texts:
        text = "\n".join(texts)
        # Once its notes are lifted out, text may only stay action when forced; say so, as render will.
        out.append(Element(ET.ACTION, text, forced=forced or _action_needs_force(text, False)))
    out.extend(_notes(notes))
    return i if i == len(lines) else _parse_run(lines, i, "lyrics", out)


def _protect_notes(text: str) -> str:
    """Hide newlines inside [[notes]] so a note spanning lines stays one line while splitting."""
    if "[[" not in text:
        return text
    ends = [m.start() for m in _PARAGRAPH_END_RE.finditer(text)]
    out, pos = [], 0
    for a, b in _note_spans(text, ends):
        out.append(text[pos:a])
        out.append(text[a:b].replace("\n", _NL))
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _strip_boneyard(text: str) -> str:
    """Text without its /* boneyard */ spans.

    Pairs nest, so "/* a /* b */ c */" hides all of it; an opener or closer without a partner stays
    literal. The line breaks around a boneyard stay: in the spec's own example a boneyard on its own
    lines separates "CUT TO:" from the next heading, and removing the breaks would join them.
    """
    if "/*" not in text:
        return text
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for m in _BONEYARD_TOKEN_RE.finditer(text):
        if m.group() == "/*":
            stack.append(m.start())
        elif stack:
            pairs.append((stack.pop(), m.end()))
    if not pairs:
        return text
    out, pos = [], 0
    for a, b in sorted(pairs):
        if b <= pos:
            continue  # inside a pair already removed
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return "".join(out)


def parse(text: str) -> Script:
    """A Script from Fountain text (LF line endings expected; see screenplay.encoding.decode)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _protect_notes(_strip_boneyard(text))
    lines = text.split("\n")
    title_page, start, notes = _title_page(lines)
    script = Script(title_page=title_page, source_format="fountain", preamble=_notes(notes))
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
            while i < len(elements) and elements[i].type in (ET.PARENTHETICAL, ET.DIALOGUE, ET.LYRICS, ET.NOTE):
                if elements[i].type is ET.LYRICS is elements[i - 1].type:
                    break  # written on the next line, two lyrics would read back as one
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
