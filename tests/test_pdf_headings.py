"""Scene headings without INT./EXT. in a PDF, read from the document's own layout: one signal each.

Each PDF is drawn here with ReportLab the way a writing app prints a page (Courier 12 pt, action at
1.5 in): "BACK IN THE APARTMENT" is a heading written without a prefix, "ON HIS SHOES" a shot
inside a scene; only the way the document marks its prefixed headings tells them apart.
"""

from __future__ import annotations

import io

from screenplay.formats import pdf_import
from screenplay.formats.pdf_page import INDENT, LEFT, LINE_H, RIGHT, TOP_BASELINE

FORCED, SHOT = "BACK IN THE APARTMENT", "ON HIS SHOES"


def _pdf(blocks: list[tuple], *, heading_space: int = 1) -> bytes:
    """blocks: (kind, text, style) with kind heading/action/cue/dialogue and style "", "bold",
    "underline" or a scene number printed in both margins; one blank line between blocks
    (heading_space before headings)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=letter, invariant=1)
    row = 0
    for kind, text, style in blocks:
        if row:  # blank lines before the block
            row += heading_space if kind == "heading" else 0 if kind == "dialogue" else 1
        y = TOP_BASELINE - row * LINE_H
        x = {"cue": INDENT["cue"], "dialogue": INDENT["dialogue"]}.get(kind, LEFT)
        canvas.setFont("Courier-Bold" if style == "bold" else "Courier", 12)
        canvas.drawString(x, y, text)
        if style == "underline":
            canvas.line(x, y - 2, x + 7.2 * len(text), y - 2)
        if style and style not in ("bold", "underline"):
            canvas.setFont("Courier", 12)
            canvas.drawRightString(LEFT - 36, y, style)
            canvas.drawString(RIGHT + 24, y, style)
        row += 1
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _scenes(*, style: str = "", forced_style: str = "", shot_style: str = "", numbered: bool = False,
            extra_prefixed: int = 0) -> list[tuple]:
    def head(n: int) -> str:
        return str(n) if numbered else style

    blocks = [("heading", "INT. SAN FRANCISCO APARTMENT - DAY", head(1)),
              ("action", "Scott is painting. Badly.", ""),
              ("action", SHOT, shot_style),
              ("action", "Paint-covered sneakers.", ""),
              ("heading", "INT. HALLWAY - CONTINUOUS", head(2)),
              ("action", "The mailman is just leaving.", ""),
              ("heading", FORCED, forced_style),
              ("action", "Scott sorts through the mail.", ""),
              ("cue", "SCOTT", ""),
              ("dialogue", "Bills. Bills. A card.", "")]
    for n in range(extra_prefixed):
        blocks += [("heading", f"EXT. STREET {n} - DAY", head(3 + n)), ("action", "Cars pass.", "")]
    return blocks


def _headings(data: bytes) -> list[str]:
    return [s.heading.text for s in pdf_import.parse(data).scenes]


def test_bold_headings_mark_the_bold_capitals_line():
    data = _pdf(_scenes(style="bold", forced_style="bold"))
    assert _headings(data) == ["INT. SAN FRANCISCO APARTMENT - DAY", "INT. HALLWAY - CONTINUOUS", FORCED]


def test_underlined_headings_mark_the_underlined_capitals_line():
    data = _pdf(_scenes(style="underline", forced_style="underline"))
    assert _headings(data) == ["INT. SAN FRANCISCO APARTMENT - DAY", "INT. HALLWAY - CONTINUOUS", FORCED]
    script = pdf_import.parse(data)
    assert script.scenes[0].elements[1].text == SHOT  # the plain shot stays action


def test_a_numbered_script_numbers_every_heading():
    data = _pdf(_scenes(numbered=True))
    assert _headings(data) == ["INT. SAN FRANCISCO APARTMENT - DAY", "INT. HALLWAY - CONTINUOUS"]
    numbered_forced = [(k, t, "3" if t == FORCED else s) for k, t, s in _scenes(numbered=True)]
    assert _headings(_pdf(numbered_forced))[-1] == FORCED


def test_more_space_before_headings_marks_the_line_with_that_space():
    blocks = _scenes()
    data = _pdf(blocks, heading_space=2)
    assert _headings(data) == ["INT. SAN FRANCISCO APARTMENT - DAY", "INT. HALLWAY - CONTINUOUS", FORCED]


def test_with_no_other_signal_the_count_decides():
    # Two capitals lines beside two prefixed headings: this draft writes scenes that way.
    assert _headings(_pdf(_scenes())) == ["INT. SAN FRANCISCO APARTMENT - DAY", SHOT,
                                          "INT. HALLWAY - CONTINUOUS", FORCED]
    # The same two lines beside six prefixed headings: shots inside scenes.
    assert FORCED not in _headings(_pdf(_scenes(extra_prefixed=4)))


def test_endings_and_cuts_are_never_headings():
    blocks = _scenes(style="bold", forced_style="bold") + [("action", "FADE OUT.", "bold"),
                                                           ("action", "INTERCUT WITH:", "bold")]
    assert _headings(_pdf(blocks))[-1] == FORCED
