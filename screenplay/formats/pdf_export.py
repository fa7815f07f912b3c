"""PDF export: a Script laid out in industry format (Courier 12 pt, Letter) and drawn with ReportLab.

Drawn ourselves rather than through screenplain 0.12, which embeds Courier Prime and never writes
(MORE)/(CONT'D) when a speech breaks across pages; our line-based paginator uses the built-in
Courier 12 pt, keeps headings with what follows and splits speeches the way Final Draft does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from screenplay.formats.layout import Run, cue_text, parse_emphasis
from screenplay.formats.pdf_page import (
    CHAR_W,
    CONTD,
    CONTD_RE,
    INDENT,
    LEFT,
    LINE_H,
    LINES_PER_PAGE,
    MORE,
    PAGE_H,
    RIGHT,
    TOP_BASELINE,
    WIDTH,
)
from screenplay.model import Element, ElementType, Script


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
            # Bold, as many writing apps print them: it tells a heading without INT./EXT. from a
            # capitals action line when the PDF is read back (see pdf_import.promoted_headings).
            lines = [_PLine(LEFT, [Run(r.text, True, r.italic, r.underline) for r in runs])
                     for runs in _wrap(head, WIDTH["action"])]
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
    cue = blk.cue if CONTD_RE.search(blk.cue) else f"{blk.cue} {CONTD}"
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
