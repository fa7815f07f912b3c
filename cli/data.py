"""`scriptroom export-data` and `scriptroom import-data`: a writer's projects, bibles, chats and judgements as one
zip, and back (agent.backup)."""

from __future__ import annotations

import argparse
from typing import Any

from cli.main import emit, runs


def add_parsers(sub: Any) -> None:
    exp = sub.add_parser("export-data", help="all of a writer's data as a zip: projects (Fountain and FDX), bibles, "
                                             "chats, judgements")
    exp.add_argument("writer", help="the account name (or browser writer id; `scriptroom users list` shows them)")
    exp.add_argument("-o", "--output", required=True, help="the zip to write, e.g. backup.zip")
    imp = sub.add_parser("import-data", help="restore a zip made by export-data")
    imp.add_argument("file", help="the zip")
    imp.add_argument("--writer", default=None, help="restore as this writer (default: the one it was exported from)")
    for p, func in ((exp, run_export), (imp, run_import)):
        runs(p, func, "print what was written or restored as JSON")


def _storage(args: argparse.Namespace) -> Any:
    from agent.settings import settings_from_args
    from agent.storage import Storage

    return Storage(settings_from_args(args).database)


def run_export(args: argparse.Namespace) -> int:
    from agent.backup import export_writer

    report = export_writer(_storage(args), args.writer, args.output)
    _emit(report, args.json, f"Wrote {report.path}: {report.projects} projects, {report.preferences} judgements of "
                             f"{report.writer}.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from agent.backup import import_writer

    report = import_writer(_storage(args), args.file, args.writer)
    _emit(report, args.json, f"Restored {report.projects} projects and {report.preferences} new judgements for "
                             f"{report.writer}.")
    return 0


def _emit(report: Any, as_json: bool, text: str) -> None:
    emit(report.to_dict(), as_json, "\n".join([text, *(f"  skipped {s}" for s in report.skipped)]))
