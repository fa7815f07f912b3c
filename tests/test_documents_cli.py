"""`scriptroom import` and `scriptroom export`, driven through cli.main.main like a shell would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import main as cli_main

FIXTURES = Path(__file__).parent / "fixtures" / "fountain"


@pytest.fixture(autouse=True)
def documents_command(monkeypatch):
    monkeypatch.delenv("SCRIPTROOM_MAX_UPLOAD_MB", raising=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli_main.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_json(capsys):
    code, out, _ = run(capsys, "import", str(FIXTURES / "small.fountain"), "--json")
    assert code == 0
    d = json.loads(out)
    assert d["title"] == "Small" and d["pages"] == 1 and d["format"] == "fountain"
    assert [(s["number"], s["heading"], s["page"], s["eighths"]) for s in d["scenes"]] == [
        ("1", "INT. OFFICE - DAY", 1, 1),
        ("2", "EXT. STREET - NIGHT", 1, 1),
        ("3", "INT. OFFICE - NIGHT", 1, 1),
    ]
    assert d["scenes"][0]["characters"] == ["ANN", "BEN"]
    assert d["characters"] == [
        {"name": "ANN", "lines": 2, "words": 6, "scenes": 2},
        {"name": "BEN", "lines": 1, "words": 2, "scenes": 1},
    ]
    assert d["int_ext"] == {"INT": 2, "EXT": 1} and d["day_night"] == {"DAY": 1, "NIGHT": 2}
    assert d["locations"] == {"OFFICE": 2, "STREET": 1}
    assert d["dialogue_action_ratio"] == round(8 / 7, 3)


def test_import_text(capsys):
    code, out, _ = run(capsys, "import", str(FIXTURES / "small.fountain"))
    assert code == 0
    assert out.startswith("Small: 1 page, 3 scenes, 2 speaking characters (fountain)")
    assert "EXT. STREET - NIGHT" in out and "ANN" in out


def test_import_bad_file_is_one_clear_line(capsys, tmp_path):
    code, out, err = run(capsys, "import", str(tmp_path / "missing.fountain"))
    assert code == 2 and out == ""
    assert err.strip() == f"scriptroom import: error: no such file: {tmp_path / 'missing.fountain'}"
    (tmp_path / "draft.doc").write_bytes(b"x")
    code, _, err = run(capsys, "import", str(tmp_path / "draft.doc"))
    assert code == 2 and "accepted files are" in err


def test_upload_limit_comes_from_the_environment(capsys, tmp_path, monkeypatch):
    big = tmp_path / "big.fountain"
    big.write_bytes(b"INT. A - DAY\n\n" + b"Words here. " * 110_000)  # about 1.3 MB
    monkeypatch.setenv("SCRIPTROOM_MAX_UPLOAD_MB", "1")
    code, _, err = run(capsys, "import", str(big))
    assert code == 2 and "SCRIPTROOM_MAX_UPLOAD_MB" in err
    monkeypatch.setenv("SCRIPTROOM_MAX_UPLOAD_MB", "2")
    assert run(capsys, "import", str(big), "--json")[0] == 0


def test_export_fountain(capsys, tmp_path):
    out_path = tmp_path / "out.fountain"
    code, out, _ = run(capsys, "export", str(FIXTURES / "all_elements.fountain"), "--to", "fountain", "-o", str(out_path), "--json")
    assert code == 0 and json.loads(out)["output"] == str(out_path)
    from screenplay import io

    assert io.load(out_path) == io.load(FIXTURES / "all_elements.fountain")


@pytest.mark.parametrize("fmt, magic", [("fdx", b"<?xml"), ("pdf", b"%PDF")])
def test_export_other_formats(capsys, tmp_path, fmt, magic):
    out_path = tmp_path / f"out.{fmt}"
    code, _, err = run(capsys, "export", str(FIXTURES / "small.fountain"), "--to", fmt, "-o", str(out_path))
    if code == 2 and "cannot be written yet" in err:
        pytest.skip(f"{fmt} export is not written yet")
    assert code == 0, err
    assert out_path.read_bytes().lstrip().startswith(magic)


def test_export_needs_a_known_format(capsys, tmp_path):
    with pytest.raises(SystemExit):
        cli_main.main(["export", str(FIXTURES / "small.fountain"), "--to", "docx", "-o", str(tmp_path / "x")])
