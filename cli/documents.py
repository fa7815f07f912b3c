"""`scriptroom import` (read a draft, print its statistics) and `scriptroom export` (convert a draft)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parsers(sub: Any) -> None:
    from screenplay.errors import ACCEPTED

    imp = sub.add_parser("import", help="read a draft and print its pages, scenes and characters")
    imp.add_argument("file", help=f"the draft: {ACCEPTED}")
    imp.add_argument("--json", action="store_true", help="print the statistics as JSON")
    imp.set_defaults(func=run_import)

    exp = sub.add_parser("export", help="convert a draft to Fountain, Final Draft or PDF")
    exp.add_argument("file", help="the draft to convert")
    exp.add_argument("--to", required=True, choices=["fountain", "fdx", "pdf"], help="output format")
    exp.add_argument("-o", "--output", required=True, help="where to write the converted draft")
    exp.add_argument("--json", action="store_true", help="print what was written as JSON")
    exp.set_defaults(func=run_export)


def _max_bytes() -> int:
    from agent.settings import Settings

    return Settings.from_env().max_upload_bytes


def import_summary(path: str, max_bytes: int) -> dict:
    """The JSON `scriptroom import --json` prints, for a draft on disk."""
    from screenplay import io, stats

    script = io.load(path, max_bytes=max_bytes)
    st = stats.compute(script)
    return {
        "file": str(path),
        "format": script.source_format,
        "title": st.title,
        "pages": st.pages,
        "scene_count": len(st.scenes),
        "scenes": [
            {
                "heading": s.heading,
                "number": s.number,
                "page": s.page,
                "eighths": s.eighths,
                "length": s.length,
                "characters": s.characters,
            }
            for s in st.scenes
        ],
        "characters": [{"name": c.name, "lines": c.lines, "words": c.words, "scenes": len(c.scenes)}
                       for c in st.characters],
        "int_ext": st.int_ext,
        "day_night": st.day_night,
        "locations": st.locations,
        "speeches": st.speeches,
        "dialogue_words": st.dialogue_words,
        "action_words": st.action_words,
        "dialogue_action_ratio": st.dialogue_action_ratio,
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _summary_text(d: dict) -> str:
    lines = [
        f"{d['title'] or '(untitled)'}: {_count(d['pages'], 'page')}, {_count(d['scene_count'], 'scene')}, "
        f"{_count(len(d['characters']), 'speaking character')} ({d['format']})",
        "INT/EXT: " + ", ".join(f"{k} {v}" for k, v in d["int_ext"].items()),
        "DAY/NIGHT: " + ", ".join(f"{k} {v}" for k, v in d["day_night"].items()),
        f"dialogue/action: {d['dialogue_action_ratio']} ({d['dialogue_words']} / {d['action_words']} words)",
        "",
        "Characters (lines, words):",
    ]
    lines += [f"  {c['name']:<24} {c['lines']:>4} {c['words']:>6}" for c in d["characters"][:15]]
    if len(d["characters"]) > 15:
        lines.append(f"  ... and {len(d['characters']) - 15} more")
    lines += ["", "Scenes (number, page, length):"]
    lines += [f"  {s['number']:>4}  p.{s['page']:<4} {s['length']:>6}  {s['heading']}" for s in d["scenes"]]
    return "\n".join(lines)


def run_import(args: argparse.Namespace) -> int:
    from cli.main import emit

    summary = import_summary(args.file, _max_bytes())
    emit(summary, args.json, _summary_text(summary))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from cli.main import emit
    from screenplay import io

    script = io.load(args.file, max_bytes=_max_bytes())
    out = io.save(script, args.output, args.to)
    result = {"file": str(args.file), "output": str(out), "format": args.to, "bytes": out.stat().st_size}
    emit(result, args.json, f"wrote {out} ({args.to}, {result['bytes']} bytes)")
    return 0
