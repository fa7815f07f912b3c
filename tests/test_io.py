"""load/loads/render/save: dispatch by extension, every bad input a writer can hand us, atomic saves."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import pytest

import screenplay
from screenplay import io
from screenplay.errors import ScriptExportError, ScriptImportError
from screenplay.formats import fountain

FIXTURES = Path(__file__).parent / "fixtures" / "fountain"
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"
SMALL = (FIXTURES / "small.fountain").read_bytes()


def test_package_exports():
    assert screenplay.load is io.load and screenplay.loads is io.loads
    assert screenplay.render is io.render and screenplay.save is io.save


@pytest.mark.parametrize("name", ["draft.fountain", "DRAFT.FOUNTAIN", "draft.spmd"])
def test_fountain_extensions(name):
    script = io.loads(SMALL, name)
    assert script.source_format == "fountain" and len(script.scenes) == 3


def test_fountain_in_other_encodings_and_line_endings():
    text = SMALL.decode().replace("\n", "\r\n")
    utf16 = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    assert io.loads(utf16, "a.fountain") == io.loads(SMALL, "a.fountain")


def test_load_from_disk(tmp_path):
    path = tmp_path / "x.fountain"
    path.write_bytes(SMALL)
    assert io.load(path) == io.loads(SMALL, "x.fountain")
    assert io.load(str(path)).title == "Small"


@pytest.mark.parametrize("name", ["x.fountain", "x.fdx", "x.pdf", "x.txt"])
def test_empty_file(name):
    with pytest.raises(ScriptImportError, match="empty"):
        io.loads(b"", name)
    with pytest.raises(ScriptImportError, match="empty"):
        io.loads(b"  \n\n \t", name)


def test_empty_after_bom():
    with pytest.raises(ScriptImportError, match="empty"):
        io.loads(codecs.BOM_UTF8 + b"\n", "x.fountain")


def test_binary_junk():
    with pytest.raises(ScriptImportError, match="binary|PDF|zip"):
        io.loads(b"\x00\x01\x02\x03garbage\xff\xfe\x00" * 50, "x.fountain")
    with pytest.raises(ScriptImportError, match="PDF"):
        io.loads(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n\x00\x00", "draft.txt")


def test_size_limit_names_the_limit_and_the_variable(tmp_path):
    with pytest.raises(ScriptImportError) as err:
        io.loads(b"x" * 2048, "x.fountain", max_bytes=1024)
    assert "1 KB" in str(err.value) and "SCRIPTROOM_MAX_UPLOAD_MB" in str(err.value)
    big = tmp_path / "big.fountain"
    big.write_bytes(b"A" * (3 * 1024 * 1024))
    with pytest.raises(ScriptImportError, match=r"3\.0 MB.*2\.0 MB limit.*SCRIPTROOM_MAX_UPLOAD_MB"):
        io.load(big, max_bytes=2 * 1024 * 1024)


@pytest.mark.parametrize("name", ["draft.doc", "draft.rtf", "draft", "draft.fountain.bak"])
def test_unknown_extension_lists_accepted(name):
    with pytest.raises(ScriptImportError) as err:
        io.loads(SMALL, name)
    assert screenplay.errors.ACCEPTED in str(err.value)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ScriptImportError, match="no such file"):
        io.load(tmp_path / "nope.fountain")
    folder = tmp_path / "dir.fountain"
    folder.mkdir()
    with pytest.raises(ScriptImportError, match="folder"):
        io.load(folder)


def test_missing_format_module_is_a_clear_error(monkeypatch):
    # Simulate an install without the docx module: importing it fails by name.
    monkeypatch.setitem(sys.modules, "screenplay.formats.docx", None)
    with pytest.raises(ScriptImportError, match="docx"):
        io.loads(b"PK\x03\x04 not really", "a.docx")


def test_plaintext_goes_through_its_module(monkeypatch):
    calls = []

    def fake_module(name):
        assert name == "screenplay.formats.plaintext"
        return type("M", (), {"parse": staticmethod(lambda text: calls.append(text) or fountain.parse(text))})

    monkeypatch.setattr(io.importlib, "import_module", fake_module)
    script = io.loads("INT. A – DAY\r\n\r\nGo.\r\n".encode("cp1252"), "notes.txt")
    assert calls == ["INT. A – DAY\n\nGo.\n"]  # decoded, line endings normalised
    assert script.source_format == "fountain"


def test_render_and_save_fountain(tmp_path):
    script = io.loads(SMALL, "a.fountain")
    data = io.render(script, "fountain")
    assert isinstance(data, bytes) and io.loads(data, "b.fountain") == script
    out = io.save(script, tmp_path / "sub" / "out.fountain")
    assert out.read_bytes() == data
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_render_unknown_format_and_save_without_format(tmp_path):
    script = io.loads(SMALL, "a.fountain")
    with pytest.raises(ScriptExportError, match="fountain, fdx, pdf"):
        io.render(script, "docx")
    with pytest.raises(ScriptExportError, match="format"):
        io.save(script, tmp_path / "out.doc")


def test_fdx_and_pdf_export_round_trip(tmp_path):
    script = io.loads(SMALL, "a.fountain")
    fdx = io.save(script, tmp_path / "a.fdx")
    assert [s.heading.text for s in io.load(fdx).scenes] == [s.heading.text for s in script.scenes]
    pdf = io.render(script, "pdf")
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("name, scenes", [("Big-Fish.fdx", 190), ("Brick-and-Steel.fdx", 8)])
def test_real_scripts_dispatch_to_fdx(name, scenes):
    # The PDF importer has its own tests; a 120-page PDF is too slow to read again here.
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is not present")
    assert len(io.load(path).scenes) == scenes
