"""PDF import: glyph positions and fonts -> screenplay elements.

Import reads glyph positions with pdfminer.six, the engine under pdfplumber: pdfplumber's
per-character dictionaries took 5 s on the 122-page Big Fish, a lean pdfminer device about 1 s.
"""

from __future__ import annotations

import bisect
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from screenplay.errors import ACCEPTED, ScriptImportError
from screenplay.formats.layout import Run, ScriptBuilder, runs_to_markup, title_fields
from screenplay.formats.pdf_page import CHAR_W, LEFT, LINE_H, MORE, PAGE_H, PAGE_W, RIGHT
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
    from pdfminer.utils import apply_matrix_pt

    class _GlyphDevice(PDFTextDevice):
        """Records each shown string as (x, y, width, text, bold, italic): fast and small.

        pdfminer's own path builds an object per glyph; a script is a few thousand strings.
        """

        def __init__(self, rsrc: PDFResourceManager) -> None:
            super().__init__(rsrc)
            self.glyphs: list[tuple[float, float, float, str, bool, bool]] = []
            self.strokes: list[tuple[float, float, float]] = []  # (y, x0, x1): maybe underlines

        def paint_path(self, gstate, stroke, fill, evenodd, path):  # noqa: ANN001
            """Underlining is drawn, not named in the font: keep each horizontal line or thin bar."""
            if not path or path[0][0] != "m" or len(path) > 6 or not (stroke or fill):
                return
            pts = [apply_matrix_pt(self.ctm, (seg[-2], seg[-1])) for seg in path if seg[0] in ("m", "l")]
            xs, ys = [x for x, _ in pts], [y for _, y in pts]
            if len(pts) >= 2 and max(ys) - min(ys) < 1.5 and max(xs) - min(xs) > 2:
                self.strokes.append(((max(ys) + min(ys)) / 2, min(xs), max(xs)))

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
            pages.append(_group_lines(i, dev.glyphs, y1, dev.strokes))
    except ScriptImportError:
        raise
    except Exception as exc:
        raise _fail(f"the file is damaged ({type(exc).__name__}: {exc})") from exc
    return pages, len(pages)


MAX_STROKES = 2000  # a page with more lines drawn than that holds graphics, not underlined text


def _underlines(strokes: list[tuple[float, float, float]]):  # noqa: ANN202
    """A test of whether the text shown from x0 to x1 on baseline y has a stroke just under it."""
    if not strokes or len(strokes) > MAX_STROKES:
        return lambda x0, x1, y: False
    strokes = sorted(strokes)
    heights = [st[0] for st in strokes]

    def underlined(x0: float, x1: float, y: float) -> bool:
        mid = (x0 + x1) / 2
        lo = bisect.bisect_left(heights, y - 4.0)
        hi = bisect.bisect_right(heights, y + 0.5)
        return any(sx0 <= mid <= sx1 for _, sx0, sx1 in strokes[lo:hi])

    return underlined


def _group_lines(page_no: int, glyphs: list, page_top: float, strokes: list | None = None) -> list[_Line]:
    underlined = _underlines(strokes or [])
    rows: dict[float, list] = {}
    for g in glyphs:
        rows.setdefault(round(g[1] / 2) * 2, []).append(g)
    lines = []
    for y in sorted(rows, reverse=True):
        segs: list[_Seg] = []
        prev_end = None
        for x, base, adv, ch, bold, italic in sorted(rows[y], key=lambda g: g[0]):  # ch: a string
            gap = x - prev_end if prev_end is not None else 0.0
            if prev_end is None or gap > 3 * CHAR_W:
                segs.append(_Seg(x, x + adv, []))
            elif gap > 0.3 * CHAR_W:
                segs[-1].runs.append(Run(" "))
            seg = segs[-1]
            under = underlined(x, x + adv, base)
            last = seg.runs[-1] if seg.runs else None
            if last is not None and (last.bold, last.italic, last.underline) == (bold, italic, under):
                seg.runs[-1] = Run(last.text + ch, bold, italic, under)
            else:
                seg.runs.append(Run(ch, bold, italic, under))
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
    # A stage play is mostly speech: its action margin may hold one line in a hundred.
    floor = max(3, len(lines) // 200)
    common = [x for x, n in starts.items() if n >= floor] or [starts.most_common(1)[0][0]]
    return float(min(common))


class _Reader:
    """Turns positioned lines into elements, merging speeches and paragraphs split by pages."""

    def __init__(self, builder: ScriptBuilder, left: float) -> None:
        self.b = builder
        self.left = left
        self.speech_dx = 72.0  # where dialogue lines start, past the action margin; see read()

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
            # A parenthetical sits further in than dialogue; a dialogue line that wrapped before
            # "(an aside)" starts with a parenthesis too but at the dialogue margin.
            paren = text.startswith("(") and dx > self.speech_dx + CHAR_W / 2
            return _Item("paren" if paren else "dialogue", line)
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
        starts = Counter(round(ln.x0 - self.left) for page in pages for ln in page
                         if 18 <= ln.x0 - self.left < 118)
        if starts:
            self.speech_dx = float(starts.most_common(1)[0][0])
        items: list[_Item] = []
        for page in pages:
            i = 0
            while i < len(page):
                ln = page[i]
                if _dual_cues(ln, self.left):
                    block = _dual_block(page, i)
                    items.append(_Item("dual", ln, extra=block[1:]))
                    i += len(block)
                    continue
                items.append(self.classify(ln, page[i + 1] if i + 1 < len(page) else None))
                i += 1
        for item in promoted_headings(items):
            item.kind = "heading"
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
            if kind == "dual":
                _add_dual(b, item)
                current, speaker, more = None, "", False
            elif kind == "more":
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
                b.heading(item.line.text, number=item.number, page=labels[item.line.page],
                          forced=not HEADING_PREFIX_RE.match(item.line.text))
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
                    # The wrapped end of a parenthetical ("straightforward)") is part of it: the
                    # speech line after it must not take it for dialogue to continue.
                    item.kind = "paren" if current.type is ElementType.PARENTHETICAL else "dialogue"
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


# ---------------------------------------------------------------- dual dialogue


def _caps(text: str) -> bool:
    return text == text.upper() and any(c.isalpha() for c in text)


def _dual_cues(ln: _Line, left: float) -> bool:
    """Two cues side by side: the first indented past the action margin, the second past mid-page."""
    return (len(ln.segs) == 2 and ln.segs[0].x0 > left + 18 and ln.segs[1].x0 > PAGE_W / 2 - 20
            and all(_caps(seg.text) and not _TRANSITION_RE.search(seg.text) for seg in ln.segs))


def _dual_block(page: list[_Line], i: int) -> list[_Line]:
    """The cue line and the lines of the two columns under it, up to the next blank line."""
    block = [page[i]]
    while i + 1 < len(page) and 0 < page[i + 1].top - page[i].top <= LINE_H * 1.3:
        i += 1
        block.append(page[i])
    return block


def _add_dual(b: ScriptBuilder, item: _Item) -> None:
    """Two speeches printed in columns: the left one, then the right one as its dual partner."""
    cue_line = item.line
    split = (cue_line.segs[0].x1 + cue_line.segs[1].x0) / 2
    columns: list[list[str]] = [[], []]
    for ln in [cue_line, *item.extra]:
        for seg in ln.segs:
            columns[0 if seg.x0 < split else 1].append(runs_to_markup(seg.runs).strip())
    for side, lines in enumerate(columns):
        if not lines:
            continue
        name, exts = split_cue(lines[0])
        b.add(ElementType.CHARACTER, name, extensions=exts, dual=side == 1)
        current: Element | None = None
        for text in lines[1:]:
            open_paren = (current is not None and current.type is ElementType.PARENTHETICAL
                          and not current.text.endswith(")"))
            if open_paren or (current is not None and current.type is ElementType.DIALOGUE
                              and not text.startswith("(")):
                current.text = f"{current.text} {text}"
            else:
                current = b.add(ElementType.PARENTHETICAL if text.startswith("(") else ElementType.DIALOGUE, text)


# ---------------------------------------------------------------- headings without INT./EXT.

# Lines at the action margin that end a scene or announce a cut, not start a scene.
_NOT_A_PLACE_RE = re.compile(r"(:|FADE OUT\.?|FADE TO BLACK\.?|CUT TO BLACK\.?|THE END\.?|CONTINUED\.?)$")
_MAX_HEADING_CHARS = 60  # one printed line at the action width


def _styled(line: _Line) -> bool:
    """Printed all bold or all underlined, as many drafts print their scene headings."""
    runs = [r for seg in line.segs for r in seg.runs if r.text.strip()]
    return bool(runs) and (all(r.bold for r in runs) or all(r.underline for r in runs))


def _gaps(items: list[_Item]) -> list[tuple[float | None, float | None]]:
    """Space before and after each line on its page, in points; None at the top or foot of a page."""
    out = []
    for i, item in enumerate(items):
        prev = items[i - 1] if i and items[i - 1].line.page == item.line.page else None
        nxt = items[i + 1] if i + 1 < len(items) and items[i + 1].line.page == item.line.page else None
        out.append((item.line.top - prev.line.top if prev else None,
                    nxt.line.top - item.line.top if nxt else None))
    return out


def _median(values: list[float]) -> float | None:
    values = sorted(values)
    return values[len(values) // 2] if values else None


def promoted_headings(items: list[_Item]) -> list[_Item]:
    """Action lines that are scene headings written without INT./EXT. ("BACK IN THE APARTMENT").

    A candidate is a capitals line at the action margin standing alone between blank lines (or
    wrapped onto a second capitals line), in a heading's shape: at most a line long, not a
    transition or an ending. Which candidates are headings is decided the way the document marks
    the headings it does prefix, strongest signal first:
    - it numbers them in the margins: a heading without a number is no heading (a script that
      numbers its scenes numbers all of them; numbered lines are headings already);
    - it prints them bold or underlined (font names say bold; underlining is a stroke under the
      text) and its action not: a candidate printed so is one, a plain one is not (our own export
      prints headings bold, so its PDFs read back exactly);
    - it leaves more blank lines before them than before paragraphs: candidates with that space are;
    - none of these: the document writes headings with nothing but capitals, so count. A draft that
      writes scenes this way has about as many such lines as prefixed headings (The Last Birthday
      Card: 23 and 25); one that uses them for shots inside scenes has few (Big Fish: about 40 beside
      190 prefixed headings, "ON HIS SHOES"). At half as many or more, they are headings.
    """
    gaps = _gaps(items)
    alone = 1.5 * LINE_H

    prefixed = [(item, gaps[i][0]) for i, item in enumerate(items)
                if item.kind == "heading" and (i == 0 or items[i - 1].kind != "heading")]
    candidates, paragraph_gaps = [], []
    for i, item in enumerate(items):
        before, after = gaps[i]
        if item.kind != "action" or not (before is None or before > alone):
            continue
        if before is not None:
            paragraph_gaps.append(before)
        if not _caps(item.line.text) or len(item.line.text) > _MAX_HEADING_CHARS or _NOT_A_PLACE_RE.search(item.line.text):
            continue
        if after is not None and after <= alone:  # a heading wrapped onto a second capitals line?
            nxt = items[i + 1]
            if not (nxt.kind == "action" and _caps(nxt.line.text) and (gaps[i + 1][1] is None or gaps[i + 1][1] > alone)):
                continue
        candidates.append((item, before))
    if not candidates:
        return []
    if prefixed and sum(1 for item, _ in prefixed if item.number) >= 0.8 * len(prefixed):
        return []
    action = [item for item in items if item.kind == "action"]
    if (sum(1 for item, _ in prefixed if _styled(item.line)) >= 0.8 * len(prefixed)
            and sum(1 for item in action if _styled(item.line)) <= 0.2 * len(action)
            and any(_styled(item.line) for item, _ in [*prefixed, *candidates])):
        return [item for item, _ in candidates if _styled(item.line)]
    heading_gap = _median([gap for _, gap in prefixed if gap is not None])
    paragraph_gap = _median(paragraph_gaps)
    if heading_gap is not None and paragraph_gap is not None and heading_gap >= paragraph_gap + 0.8 * LINE_H:
        return [item for item, gap in candidates if gap is not None and gap >= heading_gap - LINE_H / 2]
    return [item for item, _ in candidates] if prefixed and len(candidates) >= 0.5 * len(prefixed) else []


def _unwrap(text: str) -> str:
    """Action lines were wrapped by the page width, not by the writer: rejoin them."""
    return re.sub(r"(?<=\S)\n(?=\S)", " ", text)
