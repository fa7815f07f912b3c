"""PDF import (text positions -> screenplay elements) and industry-format PDF export.

Import reads glyph positions with pdfminer.six, the engine under pdfplumber: pdfplumber's
per-character dictionaries took 5 s on the 122-page Big Fish, a lean pdfminer device about 1 s.
Export draws with ReportLab ourselves rather than through screenplain 0.12, which embeds Courier
Prime and never writes (MORE)/(CONT'D) when a speech breaks across pages; our line-based
paginator uses the built-in Courier 12 pt, keeps headings with what follows and splits speeches
the way Final Draft does.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from screenplay.errors import ACCEPTED, ScriptImportError
from screenplay.formats.layout import (
    Run,
    ScriptBuilder,
    cue_text,
    parse_emphasis,
    runs_to_markup,
    title_fields,
)
from screenplay.model import (
    HEADING_PREFIX_RE,
    Element,
    ElementType,
    Script,
    normalize_character,
    parse_heading,
    split_cue,
)

MAX_PAGES = 600  # a feature runs 90-180 pages; beyond this it is not a screenplay and would eat memory

# Page geometry in points (Letter, Courier 12 pt: 10 characters an inch, 6 lines an inch).
PAGE_W, PAGE_H = 612.0, 792.0
CHAR_W, LINE_H = 7.2, 12.0
LEFT, RIGHT = 108.0, 540.0  # 1.5 in left margin, 1 in right margin
LINES_PER_PAGE = 55
TOP_BASELINE = PAGE_H - 72.0 - 9.0
INDENT = {"dialogue": 180.0, "paren": 216.0, "cue": 252.0}
WIDTH = {"action": 60, "dialogue": 35, "paren": 25, "cue": 38, "dual": 26}

MORE, CONTD = "(MORE)", "(CONT'D)"


def _fail(why: str) -> ScriptImportError:
    return ScriptImportError(f"Cannot read this PDF as a screenplay: {why}. Accepted: {ACCEPTED}.")


# ================================================================= import: glyphs to lines


@dataclass
class _Seg:
    x0: float
    x1: float
    runs: list[Run]

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class _Line:
    page: int  # 0-based physical page
    top: float  # distance from the page top
    segs: list[_Seg]

    @property
    def x0(self) -> float:
        return self.segs[0].x0

    @property
    def x1(self) -> float:
        return self.segs[-1].x1

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segs).strip()

    @property
    def markup(self) -> str:
        return " ".join(runs_to_markup(s.runs).strip() for s in self.segs).strip()


def _extract_lines(data: bytes) -> tuple[list[list[_Line]], int]:
    """Glyphs of every page grouped into lines and gap-separated segments."""
    from pdfminer.pdfdevice import PDFTextDevice
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    class _GlyphDevice(PDFTextDevice):
        """Records each shown string as (x, y, width, text, bold, italic): fast and small.

        pdfminer's own path builds an object per glyph; a script is a few thousand strings.
        """

        def __init__(self, rsrc: PDFResourceManager) -> None:
            super().__init__(rsrc)
            self.glyphs: list[tuple[float, float, float, str, bool, bool]] = []

        def render_string_horizontal(self, seq, matrix, pos, font, fontsize, scaling,  # noqa: ANN001
                                     charspace, wordspace, rise, dxscale, ncs, graphicstate):
            x, y = pos
            name = (getattr(font, "fontname", "") or "").lower()
            bold, italic = "bold" in name, "italic" in name or "oblique" in name
            a, b, c, d, e, f = matrix
            needcharspace = False
            for obj in seq:
                if isinstance(obj, (int, float)):
                    x -= obj * dxscale
                    needcharspace = True
                    continue
                if not isinstance(obj, bytes):
                    continue
                start = x
                chars = []
                for cid in font.decode(obj):
                    if needcharspace:
                        x += charspace
                    try:
                        chars.append(font.to_unichr(cid))
                    except Exception:  # no Unicode mapping: keep the place, lose the letter
                        chars.append("?")
                    x += font.char_width(cid) * fontsize * scaling
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
                if chars:
                    self.glyphs.append((a * start + c * y + e, b * start + d * y + f,
                                        (x - start) * abs(a or 1.0), "".join(chars), bold, italic))
            return (x, y)

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
    except PDFPasswordIncorrect as exc:
        raise _fail("it is encrypted with a password; save an unprotected copy") from exc
    except Exception as exc:  # pdfminer raises many types on damaged files
        raise _fail(f"the file is damaged or not a PDF ({type(exc).__name__}: {exc})") from exc
    if getattr(doc, "encryption", None) and not doc.is_extractable:
        raise _fail("it is encrypted and forbids text extraction; save an unprotected copy")
    rsrc = PDFResourceManager(caching=True)
    pages: list[list[_Line]] = []
    heights: list[float] = []
    try:
        for i, page in enumerate(PDFPage.create_pages(doc)):
            if i >= MAX_PAGES:
                raise _fail(f"it has more than {MAX_PAGES} pages, longer than any screenplay")
            dev = _GlyphDevice(rsrc)
            PDFPageInterpreter(rsrc, dev).process_page(page)
            x0, y0, x1, y1 = page.mediabox
            heights.append(y1 - y0)
            pages.append(_group_lines(i, dev.glyphs, y1))
    except ScriptImportError:
        raise
    except Exception as exc:
        raise _fail(f"the file is damaged ({type(exc).__name__}: {exc})") from exc
    return pages, len(pages)


def _group_lines(page_no: int, glyphs: list, page_top: float) -> list[_Line]:
    rows: dict[float, list] = {}
    for g in glyphs:
        rows.setdefault(round(g[1] / 2) * 2, []).append(g)
    lines = []
    for y in sorted(rows, reverse=True):
        segs: list[_Seg] = []
        prev_end = None
        for x, _, adv, ch, bold, italic in sorted(rows[y], key=lambda g: g[0]):  # ch: a string
            gap = x - prev_end if prev_end is not None else 0.0
            if prev_end is None or gap > 3 * CHAR_W:
                segs.append(_Seg(x, x + adv, []))
            elif gap > 0.3 * CHAR_W:
                segs[-1].runs.append(Run(" "))
            seg = segs[-1]
            if seg.runs and (seg.runs[-1].bold, seg.runs[-1].italic) == (bold, italic):
                seg.runs[-1] = Run(seg.runs[-1].text + ch, bold, italic)
            else:
                seg.runs.append(Run(ch, bold, italic))
            seg.x1 = x + adv
            prev_end = x + adv
        segs = [s for s in segs if s.text.strip()]
        if segs:
            lines.append(_Line(page_no, page_top - y, segs))
    return lines


# ================================================================= import: lines to elements

_PAGE_NUM_RE = re.compile(r"^(page\s+)?\d{1,3}[A-Z]?\.?$|^\d{1,3}\s*/\s*\d{1,3}$", re.I)
_SCENE_NUM_RE = re.compile(r"^\*?\s*([A-Z]?\d{1,4}[A-Z]{0,2}(?:\.\d+)?)\.?\s*\*?$")
_CONTINUED_RE = re.compile(r"^\(?CONTINUED:?\)?(\s*\(\d+\))?:?$|^CONTINUED:\s*\(\d+\)$", re.I)
_TRANSITION_RE = re.compile(r"(TO:|FADE OUT\.?|FADE TO BLACK\.?|CUT TO BLACK\.?|FADE IN:)$")
_CONTD_RE = re.compile(r"\(\s*CONT[’']?D\s*\)|\(\s*CONTINUED\s*\)", re.I)


@dataclass
class _Item:
    kind: str  # heading, action, cue, paren, dialogue, transition, centered, more
    line: _Line
    number: str | None = None
    extra: list[_Line] = field(default_factory=list)


def parse(data: bytes) -> Script:
    """Read a screenplay PDF (text layer required) into a Script."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise _fail("the file does not start with a PDF header")
    pages, n_pages = _extract_lines(data)
    if not any(pages):
        raise _fail("it has no text layer (a scan or images only); run OCR on it first")
    title_lines: list[_Line] = []
    if _is_title_page(pages[0]):
        title_lines = pages[0]
        labels = [0, *_page_labels(pages[1:])]  # indexed by physical page
        pages = [[], *pages[1:]]
    else:
        labels = _page_labels(pages)
    pages = [[ln for ln in page if not _is_furniture(ln)] for page in pages]
    left = _left_margin([ln for page in pages for ln in page])
    builder = ScriptBuilder("pdf")
    _Reader(builder, left).read(pages, labels)
    script = builder.script
    if title_lines:
        segs = [_Line(ln.page, ln.top, [seg]) for ln in title_lines for seg in ln.segs]
        script.title_page = title_fields([(_align(ln), ln.markup) for ln in segs])
    return script


def _is_title_page(lines: list[_Line]) -> bool:
    if not lines or any(HEADING_PREFIX_RE.match(ln.text) for ln in lines):
        return False
    centred = sum(1 for ln in lines if _align(ln) == "Center")
    return centred >= 1 and len(lines) <= 30 and not any(
        ln.top < 60 and _PAGE_NUM_RE.match(ln.text) for ln in lines)


def _align(ln: _Line) -> str:
    mid = (ln.x0 + ln.x1) / 2
    if abs(mid - PAGE_W / 2) < 30 and ln.x0 > LEFT + 10:
        return "Center"
    if ln.x0 > PAGE_W / 2:
        return "Right"
    return "Left"


def _page_labels(pages: list[list[_Line]]) -> list[int]:
    """Printed page numbers ('61.'), filled in where a page shows none (page 1 never does)."""
    printed: list[int | None] = []
    for page in pages:
        num = None
        for ln in page:
            if (ln.top < 60 or ln.top > PAGE_H - 50) and _PAGE_NUM_RE.match(ln.text):
                digits = re.findall(r"\d+", ln.text)
                num = int(digits[0]) if digits else None
        printed.append(num)
    labels: list[int] = []
    for i, num in enumerate(printed):
        if num is not None:
            labels.append(num)
        elif i + 1 < len(printed) and printed[i + 1] is not None and printed[i + 1] > 1:
            labels.append(printed[i + 1] - 1)
        else:
            labels.append(labels[-1] + 1 if labels else 1)
    return labels


def _is_furniture(ln: _Line) -> bool:
    """Page numbers, (CONTINUED) headers and footers: print furniture, not script."""
    in_margin = ln.top < 60 or ln.top > PAGE_H - 50
    text = ln.text
    if in_margin and (_PAGE_NUM_RE.match(text) or _CONTINUED_RE.match(text)):
        return True
    return bool(_CONTINUED_RE.match(text)) and (ln.x0 > PAGE_W / 2 or ln.x0 < LEFT + 10)


def _left_margin(lines: list[_Line]) -> float:
    starts = Counter(round(ln.x0) for ln in lines if not _SCENE_NUM_RE.match(ln.segs[0].text.strip()))
    if not starts:
        return LEFT
    floor = max(3, len(lines) // 40)
    common = [x for x, n in starts.items() if n >= floor] or [starts.most_common(1)[0][0]]
    return float(min(common))


class _Reader:
    """Turns positioned lines into elements, merging speeches and paragraphs split by pages."""

    def __init__(self, builder: ScriptBuilder, left: float) -> None:
        self.b = builder
        self.left = left

    def classify(self, ln: _Line, nxt: _Line | None) -> _Item:
        number = None
        segs = list(ln.segs)
        # Scene numbers sit alone in the margins beside a heading.
        if len(segs) > 1 and segs[0].x0 < self.left - 10 and _SCENE_NUM_RE.match(segs[0].text.strip()):
            number = _SCENE_NUM_RE.match(segs[0].text.strip()).group(1)
            segs = segs[1:]
        if len(segs) > 1 and segs[-1].x0 > RIGHT - 40 and _SCENE_NUM_RE.match(segs[-1].text.strip()):
            number = number or _SCENE_NUM_RE.match(segs[-1].text.strip()).group(1)
            segs = segs[:-1]
        line = _Line(ln.page, ln.top, segs)
        text = line.text
        dx = line.x0 - self.left
        upper = text == text.upper() and any(c.isalpha() for c in text)
        if dx < 18:
            if number or HEADING_PREFIX_RE.match(text):
                return _Item("heading", line, number)
            if upper and _TRANSITION_RE.search(text) and text.endswith("TO:"):
                return _Item("transition", line)
            return _Item("action", line)
        if text.upper() == MORE:
            return _Item("more", line)
        if dx < 118:
            return _Item("paren" if text.startswith("(") else "dialogue", line)
        if upper and (_TRANSITION_RE.search(text) or line.x1 > RIGHT - 15 and text.endswith(":")):
            return _Item("transition", line)
        if upper and nxt is not None and nxt.page == ln.page and 0 < nxt.top - ln.top <= LINE_H * 1.2 \
                and 18 <= nxt.x0 - self.left < 118:
            return _Item("cue", line)
        if _align(line) == "Center":
            return _Item("centered", line)
        if upper and line.x1 > RIGHT - 15:
            return _Item("transition", line)
        return _Item("action", line)

    def read(self, pages: list[list[_Line]], labels: list[int]) -> None:
        items: list[_Item] = []
        for page in pages:
            for i, ln in enumerate(page):
                items.append(self.classify(ln, page[i + 1] if i + 1 < len(page) else None))
        b = self.b
        prev: _Item | None = None
        current: Element | None = None  # the element a following line may continue
        speaker = ""  # speaker of the open speech, "" outside speeches
        more = False  # the open speech ended its page with (MORE)
        resume = False  # the cue just read was the (CONT'D) repeat of a split speech
        for item in items:
            text, kind = item.line.markup, item.kind
            page_turn = prev is not None and prev.line.page != item.line.page
            same_para = (prev is not None and not page_turn
                         and item.line.top - prev.line.top <= LINE_H * 1.3)
            if page_turn and not (kind == "cue" and more):
                more = False
            if kind == "more":
                more = bool(speaker)
            elif kind == "cue":
                name, exts = split_cue(text)
                resume = page_turn and more and normalize_character(name) == speaker
                if not resume:
                    current = b.add(ElementType.CHARACTER, name, extensions=exts)
                    speaker = normalize_character(name)
                more = False
                prev = item
                continue
            elif kind == "heading":
                b.heading(item.line.text, number=item.number, page=labels[item.line.page])
                current, speaker = None, ""
            elif kind in ("dialogue", "paren") and speaker and current is not None:
                open_paren = (current.type is ElementType.PARENTHETICAL
                              and not current.text.rstrip().endswith(")"))
                continuing = (
                    (same_para and prev.kind == kind)
                    or open_paren
                    or ((page_turn or resume) and kind == "dialogue"
                        and current.type is ElementType.DIALOGUE)
                )
                if continuing:
                    current.text = f"{current.text} {text}"
                else:
                    etype = ElementType.PARENTHETICAL if kind == "paren" else ElementType.DIALOGUE
                    current = b.add(etype, text)
            elif kind in ("transition", "centered"):
                etype = ElementType.TRANSITION if kind == "transition" else ElementType.CENTERED
                current, speaker = b.add(etype, text), ""
            elif (kind == "action" and same_para and prev.kind == "heading"
                  and text == text.upper() and b.script.scenes):
                scene = b.script.scenes[-1]  # a long heading wrapped onto a second line
                scene.heading = parse_heading(f"{scene.heading.text} {item.line.text}",
                                              number=scene.heading.number)
                item.kind = "heading"
            else:  # action, or indented text outside a speech
                continuing = current is not None and current.type is ElementType.ACTION and (
                    (same_para and prev.kind in ("action", "dialogue", "paren"))
                    or (page_turn and not re.search(r"[.!?:\"')\]]$", current.text.rstrip("*_ ")))
                )
                if continuing:
                    current.text = f"{current.text}\n{text}" if same_para else f"{current.text} {text}"
                else:
                    current = b.add(ElementType.ACTION, text)
                speaker = ""
            prev, resume = item, False
        for el in [*b.script.preamble, *(e for sc in b.script.scenes for e in sc.elements)]:
            if el.type is ElementType.ACTION:
                el.text = _unwrap(el.text)


def _unwrap(text: str) -> str:
    """Action lines were wrapped by the page width, not by the writer: rejoin them."""
    return re.sub(r"(?<=\S)\n(?=\S)", " ", text)


# ================================================================= export


@dataclass
class _PLine:
    x: float
    runs: list[Run]
    align: str = "left"  # left, right (ends at RIGHT), center
    number: str = ""  # scene number printed in both margins (heading lines)


@dataclass
class _Block:
    kind: str
    lines: list[_PLine]
    space: int = 1  # blank lines before
    cue: str = ""  # speech blocks: the cue, for (CONT'D)
    body_start: int = 1  # speech blocks: index of the first line after the cue
    parts: tuple = ()  # dual blocks: the two speech blocks
    rows: list = field(default_factory=list)  # dual blocks: (left line, right line) per row


def _wrap(text: str, width: int) -> list[list[Run]]:
    """Word-wrap styled text to a fixed number of monospace characters."""
    runs = parse_emphasis(text) or [Run("")]
    chars: list[tuple[str, Run]] = [(c, r) for r in runs for c in r.text]
    plain = "".join(c for c, _ in chars)
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in plain.split("\n"):
        start = pos
        end_para = pos + len(para)
        while True:
            if end_para - start <= width:
                spans.append((start, end_para))
                break
            cut = plain.rfind(" ", start, start + width + 1)
            if cut <= start:
                cut = start + width
                spans.append((start, cut))
                start = cut
            else:
                spans.append((start, cut))
                start = cut + 1
        pos = end_para + 1
    lines = []
    for s, e in spans:
        out: list[Run] = []
        for c, r in chars[s:e]:
            if out and (out[-1].bold, out[-1].italic, out[-1].underline) == (r.bold, r.italic, r.underline):
                out[-1] = Run(out[-1].text + c, r.bold, r.italic, r.underline)
            else:
                out.append(Run(c, r.bold, r.italic, r.underline))
        lines.append(out or [Run("")])
    return lines


def _plen(runs: list[Run]) -> int:
    return sum(len(r.text) for r in runs)


def _blocks(script: Script) -> list[_Block]:
    blocks: list[_Block] = []
    elements: list[Element | tuple[str, object]] = list(script.preamble)
    for scene in script.scenes:
        elements.append(("heading", scene))
        elements.extend(scene.elements)
    speech: _Block | None = None
    for el in elements:
        if isinstance(el, tuple):
            scene = el[1]
            head = scene.heading.text.upper()
            lines = [_PLine(LEFT, r) for r in _wrap(head, WIDTH["action"])]
            number = scene.heading.number
            if number:  # printed in both margins, as production drafts do
                lines[0].number = number
            blk = _Block("heading", lines, space=2)
            blocks.append(blk)
            speech = None
            continue
        t = el.type
        if t is ElementType.CHARACTER:
            cue = cue_text(el).upper()
            lines = [_PLine(INDENT["cue"], r) for r in _wrap(cue, WIDTH["cue"])]
            if el.dual and speech is not None and blocks and blocks[-1] is speech:
                right = _Block("speech", lines, cue=cue, body_start=len(lines))
                blocks[-1] = _Block("dual", [], parts=(speech, right))
                speech = right
                continue
            speech = _Block("speech", lines, cue=cue, body_start=len(lines))
            blocks.append(speech)
        elif t in (ElementType.DIALOGUE, ElementType.PARENTHETICAL, ElementType.LYRICS) and speech:
            key = "paren" if t is ElementType.PARENTHETICAL else "dialogue"
            text = f"*{el.text}*" if t is ElementType.LYRICS else el.text
            speech.lines.extend(_PLine(INDENT[key], r) for r in _wrap(text, WIDTH[key]))
        elif t is ElementType.TRANSITION:
            speech = None
            blocks.append(_Block("transition", [_PLine(RIGHT, r, "right") for r in
                                                _wrap(el.text.upper(), WIDTH["action"])]))
        elif t is ElementType.CENTERED:
            speech = None
            blocks.append(_Block("centered", [_PLine(0, r, "center") for r in
                                              _wrap(el.text, WIDTH["action"])]))
        elif t is ElementType.PAGE_BREAK:
            speech = None
            blocks.append(_Block("break", []))
        elif t in (ElementType.NOTE, ElementType.SECTION, ElementType.SYNOPSIS):
            continue  # writer's annotations are not printed
        else:
            speech = None
            blocks.append(_Block("action", [_PLine(LEFT, r) for r in _wrap(el.text, WIDTH["action"])]))
    for blk in blocks:
        if blk.kind == "dual":
            _layout_dual(blk)
    return blocks


def _layout_dual(blk: _Block) -> None:
    """Two speeches side by side: left column from the action margin, right from mid-page."""
    left, right = blk.parts
    cols = []
    for part, base in ((left, LEFT), (right, LEFT + 234)):
        col: list[_PLine] = []
        for ln in part.lines:
            text = "".join(r.text for r in ln.runs)
            if ln.x == INDENT["cue"]:
                col.append(_PLine(base + 72, [Run(text)]))
            else:
                indent = 18 if ln.x == INDENT["paren"] else 0
                col.extend(_PLine(base + indent, r) for r in _wrap(text, WIDTH["dual"]))
        cols.append(col)
    rows = max(len(c) for c in cols)
    blk.rows = [(cols[0][i] if i < len(cols[0]) else None,
                 cols[1][i] if i < len(cols[1]) else None) for i in range(rows)]
    blk.lines = [_PLine(0, [])] * rows


def _paginate(blocks: list[_Block]) -> list[list[tuple[int, _PLine]]]:
    pages: list[list[tuple[int, _PLine]]] = [[]]
    row = 0

    def new_page() -> None:
        nonlocal row
        pages.append([])
        row = 0

    def place(lines: list[_PLine]) -> None:
        nonlocal row
        for ln in lines:
            if row >= LINES_PER_PAGE:
                new_page()
            pages[-1].append((row, ln))
            row += 1

    for i, blk in enumerate(blocks):
        if blk.kind == "break":
            if row:
                new_page()
            continue
        space = blk.space if row else 0
        room = LINES_PER_PAGE - row - space
        n = len(blk.lines)
        if blk.kind == "heading":
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            follow = (nxt.space + min(2, len(nxt.lines))) if nxt and nxt.kind != "break" else 0
            if row and n + follow > room:  # never strand a heading at the foot of a page
                new_page()
                space = 0
        elif n > room and row:
            if blk.kind == "action" and room >= 2 and n - room >= 2:
                row += space
                place(blk.lines[:room])
                new_page()
                place(blk.lines[room:])
                continue
            if blk.kind == "speech" and _split_speech(blk, room, place, new_page, lambda: row):
                continue
            new_page()
            space = 0
        row += space
        if blk.kind == "dual":
            for left, right in blk.rows:
                if row >= LINES_PER_PAGE:
                    new_page()
                for part in (left, right):
                    if part is not None:
                        pages[-1].append((row, part))
                row += 1
        else:
            place(blk.lines)
    return pages


def _split_speech(blk: _Block, room: int, place, new_page, _row) -> bool:  # noqa: ANN001
    """Break a speech with (MORE) at the foot and the cue with (CONT'D) atop the next page."""
    keep = room - 1  # one line for (MORE)
    while keep > blk.body_start and blk.lines[keep - 1].x == INDENT["paren"]:
        keep -= 1  # a parenthetical never ends a page: it belongs to the line it introduces
    if keep <= blk.body_start or keep >= len(blk.lines):
        return False
    place_space = 1
    place([_PLine(0, [])] * place_space)  # the blank line before the cue
    place(blk.lines[:keep] + [_PLine(INDENT["cue"], [Run(MORE)])])
    new_page()
    cue = blk.cue if _CONTD_RE.search(blk.cue) else f"{blk.cue} {CONTD}"
    place([_PLine(INDENT["cue"], r) for r in _wrap(cue, WIDTH["cue"])] + blk.lines[keep:])
    return True


_FONTS = {(False, False): "Courier", (True, False): "Courier-Bold",
          (False, True): "Courier-Oblique", (True, True): "Courier-BoldOblique"}


def _draw_line(canvas, y: float, ln: _PLine) -> None:  # noqa: ANN001
    width = _plen(ln.runs) * CHAR_W
    if ln.number:
        canvas.setFont("Courier", 12)
        canvas.drawRightString(LEFT - 36, y, ln.number)
        canvas.drawString(RIGHT + 24, y, ln.number)
    x = ln.x
    if ln.align == "right":
        x = RIGHT - width
    elif ln.align == "center":
        x = (LEFT + RIGHT) / 2 - width / 2
    for r in ln.runs:
        if not r.text:
            continue
        canvas.setFont(_FONTS[(r.bold, r.italic)], 12)
        canvas.drawString(x, y, r.text)
        w = len(r.text) * CHAR_W
        if r.underline:
            canvas.line(x, y - 2, x + w, y - 2)
        x += w


def _title_page(canvas, title_page: dict[str, str]) -> None:  # noqa: ANN001
    centre = []
    for key in ("Title", "Credit", "Author", "Authors", "Source", "Notes"):
        if key in title_page:
            if centre:
                centre.append("")
            centre.extend(title_page[key].split("\n"))
    row = 18
    for text in centre:
        _draw_line(canvas, TOP_BASELINE - row * LINE_H, _PLine(0, parse_emphasis(text), "center"))
        row += 1
    left = [ln for k in ("Contact", "Copyright") if k in title_page for ln in title_page[k].split("\n")]
    right = title_page.get("Draft date", "").split("\n") if "Draft date" in title_page else []
    for col, align in ((left, "left"), (right, "right")):
        for i, text in enumerate(col):
            y = TOP_BASELINE - (LINES_PER_PAGE - len(col) + i) * LINE_H
            _draw_line(canvas, y, _PLine(LEFT if align == "left" else RIGHT, parse_emphasis(text), align))


def render(script: Script) -> bytes:
    """Lay the script out in industry format and return the PDF bytes."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=letter, pageCompression=1, invariant=1)
    if script.title:
        canvas.setTitle(script.title)
    if script.title_page:
        _title_page(canvas, script.title_page)
        canvas.showPage()
    pages = _paginate(_blocks(script))
    for number, page in enumerate(pages, start=1):
        if number > 1:
            canvas.setFont("Courier", 12)
            canvas.drawRightString(RIGHT, PAGE_H - 36 - 9, f"{number}.")
        for row, ln in page:
            _draw_line(canvas, TOP_BASELINE - row * LINE_H, ln)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()
