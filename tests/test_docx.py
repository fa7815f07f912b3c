"""Word import: screenplay styles, indentation (direct, inherited, tabs), plain Fountain text, bad files."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Inches

from screenplay.errors import ScriptImportError
from screenplay.formats import docx as docx_format
from screenplay.model import ElementType

A, C, P, D, T = (ElementType.ACTION, ElementType.CHARACTER, ElementType.PARENTHETICAL,
                 ElementType.DIALOGUE, ElementType.TRANSITION)


def _save(document) -> bytes:  # noqa: ANN001
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _styled() -> bytes:
    document = docx.Document()
    for name in ("Scene Heading", "Action", "Character", "Parenthetical", "Dialogue", "Transition"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("int. diner - night", style="Scene Heading")
    para = document.add_paragraph("", style="Action")
    para.add_run("The waitress pours ")
    para.add_run("hot").bold = True
    para.add_run(" coffee.")
    document.add_paragraph("tom (v.o.)", style="Character")
    document.add_paragraph("(quietly)", style="Parenthetical")
    document.add_paragraph("Some fish cannot be caught.", style="Dialogue")
    document.add_paragraph("CUT TO:", style="Transition")
    return _save(document)


def _indented() -> bytes:
    document = docx.Document()
    dialogue_style = document.styles.add_style("Speech", WD_STYLE_TYPE.PARAGRAPH)
    dialogue_style.paragraph_format.left_indent = Inches(1.0)  # inherited, not set on the paragraph
    document.add_paragraph("INT. DINER - NIGHT")
    document.add_paragraph("The waitress pours coffee.")
    cue = document.add_paragraph("TOM")
    cue.paragraph_format.left_indent = Inches(2.2)
    document.add_paragraph("Some fish cannot be caught.", style="Speech")
    document.add_paragraph("\t\t\t\tANN")  # cue placed with tabs
    paren = document.add_paragraph("(smiling)")
    paren.paragraph_format.left_indent = Inches(1.5)
    document.add_paragraph("They can.", style="Speech")
    document.add_paragraph("EXT. RIVER - DAY")
    document.add_paragraph("Water.")
    return _save(document)


def test_styles_name_the_elements() -> None:
    script = docx_format.parse(_styled())
    assert script.source_format == "docx"
    assert [s.heading.text for s in script.scenes] == ["INT. DINER - NIGHT"]
    got = [(e.type, e.text, e.extensions) for e in script.scenes[0].elements]
    assert got == [
        (A, "The waitress pours **hot** coffee.", ()),
        (C, "TOM", ("V.O.",)),
        (P, "(quietly)", ()),
        (D, "Some fish cannot be caught.", ()),
        (T, "CUT TO:", ()),
    ]


def test_indentation_inherited_and_tabs() -> None:
    script = docx_format.parse(_indented())
    assert [s.heading.text for s in script.scenes] == ["INT. DINER - NIGHT", "EXT. RIVER - DAY"]
    got = [(e.type, e.text) for e in script.scenes[0].elements]
    assert got == [
        (A, "The waitress pours coffee."),
        (C, "TOM"),
        (D, "Some fish cannot be caught."),
        (C, "ANN"),
        (P, "(smiling)"),
        (D, "They can."),
    ]


def test_plain_screenplay_text_goes_through_fountain() -> None:
    document = docx.Document()
    for line in ["INT. DINER - NIGHT", "", "Coffee pours.", "", "TOM", "Hello there.", "",
                 "EXT. RIVER - DAY", "", "Water."]:
        document.add_paragraph(line)
    script = docx_format.parse(_save(document))
    assert script.source_format == "docx"
    assert [s.heading.text for s in script.scenes] == ["INT. DINER - NIGHT", "EXT. RIVER - DAY"]
    assert script.characters == ["TOM"]


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


@pytest.mark.parametrize("data", [
    b"not a zip at all",
    b"",
    _zip({"hello.txt": "not a word document"}),
    _save(docx.Document())[:500],
])
def test_bad_files_are_refused(data: bytes) -> None:
    with pytest.raises(ScriptImportError) as info:
        docx_format.parse(data)
    assert "Accepted:" in str(info.value)


def test_empty_document_is_refused_like_an_empty_fountain_file() -> None:
    from screenplay import io as script_io

    with pytest.raises(ScriptImportError, match=r"^blank.docx is empty; there is no draft to read$"):
        script_io.loads(_save(docx.Document()), "blank.docx")
