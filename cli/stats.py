"""`scriptroom stats FILE --topic characters|scenes|settings|acts|overview`: a draft's numbers and a chart."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from tools.schemas import STATS_TOPICS


def add_parsers(sub: Any) -> None:
    from screenplay.errors import ACCEPTED

    p = sub.add_parser("stats", help="who speaks how much, scene lengths, INT/EXT and day/night, pages per act")
    p.add_argument("file", metavar="FILE", help=f"the draft: {ACCEPTED}")
    p.add_argument("--topic", choices=STATS_TOPICS, default="overview", help="what to count (default overview)")
    p.add_argument("--plot-dir", default=None, metavar="DIR", help="also write the topic's chart as a PNG here")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cli.main import emit
    from screenplay import io
    from tools.stats import answer

    script = io.load(args.file)
    result = answer(script, args.topic, Path(args.plot_dir) if args.plot_dir else None)
    text = result.text + "".join(f"\n\nchart: {path}" for path in result.plots.values())
    emit({"file": args.file, "topic": result.topic, "numbers": result.numbers, "plots": result.plots}, args.json, text)
    return 0
