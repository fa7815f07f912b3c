"""PDF export in industry format and PDF import from glyph positions, including bad files."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest

from screenplay.errors import ScriptImportError
from screenplay.formats import pdf_export, pdf_import
from screenplay.model import Element, ElementType, Scene, Script, parse_heading

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"
A, C, P, D, T = (ElementType.ACTION, ElementType.CHARACTER, ElementType.PARENTHETICAL,
                 ElementType.DIALOGUE, ElementType.TRANSITION)


def _script() -> Script:
    long_speech = " ".join(f"Sentence number {i} keeps the speech going." for i in range(60))
    filler = [Element(A, f"Action line {i} fills the page with something to read.") for i in range(14)]
    return Script(
        title_page={"Title": "Night Shift", "Credit": "written by", "Author": "Ann Writer",
                    "Contact": "ann@example.com"},
        scenes=[
            Scene(parse_heading("INT. DINER - NIGHT", number="1"), [
                Element(A, "The waitress pours **hot** coffee."),
                Element(C, "TOM", extensions=("V.O.",)),
                Element(P, "(quietly)"),
                Element(D, "Some fish cannot be caught."),
                Element(T, "CUT TO:"),
            ]),
            Scene(parse_heading("EXT. RIVER - DAY", number="2"), [
                *filler,
                Element(C, "ANN"),
                Element(D, long_speech),
            ]),
            Scene(parse_heading("INT. CAR - LATER", number="3"), [Element(A, "Quiet.")]),
        ],
    )


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return pdf_export.render(_script())


@pytest.fixture(scope="module")
def pages(rendered: bytes) -> list[list[tuple[float, float, str, str]]]:
    """(x, top, font, text) of each line of each page, read with pdfplumber."""
    import pdfplumber

    out = []
    with pdfplumber.open(io.BytesIO(rendered)) as doc:
        for page in doc.pages:
            rows: dict[float, list] = {}
            for ch in page.chars:
                rows.setdefault(round(ch["top"]), []).append(ch)
            out.append([(cs[0]["x0"], top, cs[0]["fontname"], "".join(c["text"] for c in cs))
                        for top, cs in sorted(rows.items())])
    return out


def test_render_uses_courier_12_and_industry_margins(pages) -> None:
    body = [ln for page in pages[1:] for ln in page]
    assert {ln[2].split("-")[0] for ln in body} == {"Courier"}
    action_x = min(ln[0] for ln in body if ln[3].startswith("Action line"))
    assert action_x == pytest.approx(108, abs=1)  # 1.5 in
    longest = max(ln[0] + len(ln[3]) * 7.2 for ln in body if not ln[3].strip().isdigit())
    assert longest <= 540 + 1 + 30  # 1 in right margin (+ margin scene numbers)
    assert all(len(page) <= 56 for page in pages)


def test_render_title_page_and_page_numbers(pages) -> None:
    assert "Night Shift" in [ln[3].strip() for ln in pages[0]]
    assert not any(ln[3].strip() == "1." for page in pages for ln in page)  # page 1 has no number
    for number, page in enumerate(pages[2:], start=2):
        top_line = page[0]
        assert top_line[3] == f"{number}." and top_line[0] > 500


def test_render_breaks_speech_with_more_and_contd(pages) -> None:
    texts = [[ln[3].strip() for ln in page] for page in pages]
    broken = [i for i, page in enumerate(texts) if page and page[-1] == "(MORE)"]
    assert broken, "the long speech should break across a page"
    assert "ANN (CONT'D)" in texts[broken[0] + 1]


def test_render_never_orphans_a_heading(pages) -> None:
    for page in pages[1:]:
        body = [ln for ln in page if not ln[3].strip().rstrip(".").isdigit()]
        last = body[-1][3].strip()
        assert not last.startswith(("INT.", "EXT.")), last


def test_round_trip_recovers_elements(rendered: bytes) -> None:
    script = pdf_import.parse(rendered)
    assert script.source_format == "pdf"
    assert [s.heading.text for s in script.scenes] == ["INT. DINER - NIGHT", "EXT. RIVER - DAY",
                                                       "INT. CAR - LATER"]
    assert [s.heading.number for s in script.scenes] == ["1", "2", "3"]
    assert script.scenes[0].page == 1 and script.scenes[2].page >= 2
    first = [(e.type, e.text, e.extensions) for e in script.scenes[0].elements]
    assert first == [
        (A, "The waitress pours **hot** coffee.", ()),
        (C, "TOM", ("V.O.",)),
        (P, "(quietly)", ()),
        (D, "Some fish cannot be caught.", ()),
        (T, "CUT TO:", ()),
    ]
    # the speech split by (MORE)/(CONT'D) comes back as one speech
    second = script.scenes[1]
    assert [e.text for e in second.elements if e.type is C] == ["ANN"]
    speech = [e for e in second.elements if e.type is D]
    assert len(speech) == 1 and speech[0].text.endswith("Sentence number 59 keeps the speech going.")
    assert "(MORE)" not in speech[0].text
    assert script.title_page["Title"] == "Night Shift"
    assert script.title_page["Author"] == "Ann Writer"


def _blank_pdf(n_pages: int = 1, text: str | None = None) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf)
    for _ in range(n_pages):
        canvas.rect(100, 100, 200, 200, fill=1)  # a picture, no text
        if text:
            canvas.drawString(108, 700, text)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def test_image_only_pdf_is_refused() -> None:
    with pytest.raises(ScriptImportError, match="no text layer"):
        pdf_import.parse(_blank_pdf())


def test_encrypted_pdf_is_refused(rendered: bytes) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(rendered)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(ScriptImportError, match="encrypted"):
        pdf_import.parse(buf.getvalue())


@pytest.mark.parametrize("data", [b"hello, not a pdf", b"", b"%PDF-1.4\n%%EOF garbage"])
def test_non_pdf_and_damaged_pdf_are_refused(data: bytes) -> None:
    with pytest.raises(ScriptImportError) as info:
        pdf_import.parse(data)
    assert "Accepted:" in str(info.value)


def test_truncated_pdf_is_refused_or_partial(rendered: bytes) -> None:
    with pytest.raises(ScriptImportError):
        pdf_import.parse(rendered[: len(rendered) // 3])


def test_page_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_import, "MAX_PAGES", 2)
    with pytest.raises(ScriptImportError, match="more than 2 pages"):
        pdf_import.parse(_blank_pdf(3, "INT. ROOM - DAY"))


def test_real_big_fish_pdf_is_fast_and_structured() -> None:
    path = REAL / "Big-Fish.pdf"
    if not path.exists():
        pytest.skip("shared/realscripts not present")
    data = path.read_bytes()
    # CPU time, so that other jobs on a shared machine do not fail the test
    start, wall = time.process_time(), time.perf_counter()
    script = pdf_import.parse(data)
    elapsed = time.process_time() - start
    print(f"Big-Fish.pdf (122 pages) imported in {elapsed:.2f} s CPU, "
          f"{time.perf_counter() - wall:.2f} s wall")
    assert elapsed < 3.0
    assert script.title_page["Title"] == "Big Fish"
    assert len(script.scenes) > 180
    assert script.scenes[0].page == 2 and script.scenes[-1].page >= 118
    all_text = "\n".join(s.text for s in script.scenes)
    assert "61." not in all_text.split("\n")
    assert "EDWARD" in script.characters and "WILL" in script.characters
