"""`scriptroom summarize FILE --level logline|synopsis|page|beats|scenes`: summarise a draft."""

from __future__ import annotations

import argparse
import sys
from typing import Any

LEVELS = ("logline", "synopsis", "page", "beats", "scenes")


def add_parsers(sub: Any) -> None:
    from cli.main import runs
    from screenplay.errors import ACCEPTED

    p = sub.add_parser("summarize", help="logline, synopsis, one page, beat sheet or scene outline of a draft")
    p.add_argument("file", metavar="FILE", help=f"the draft: {ACCEPTED}")
    p.add_argument("--level", choices=LEVELS, default="synopsis", help="what to write (default synopsis)")
    p.add_argument("--act", type=int, default=None, help="only this act")
    p.add_argument("--scene", type=int, default=None, help="only this scene (1-based position)")
    runs(p, run_summarize, "print the summary, scene summaries and timings as JSON")


def make_embedder() -> Any:
    """The packaged MiniLM (a function of its own so tests can hand in a light one)."""
    from tools.embeddings import load_embedder
    from tools.library.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(load_embedder())


def _progress() -> tuple[Any, Any]:
    from tqdm import tqdm

    bar = tqdm(desc="scenes", unit="scene", file=sys.stderr, disable=None, leave=False)

    def update(done: int, total: int, what: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(what, refresh=True)

    return update, bar


def run_summarize(args: argparse.Namespace) -> int:
    from agent.runtime import Runtime
    from agent.settings import settings_from_args
    from agent.tool_builders import make_summarizer
    from cli.main import emit
    from screenplay import io
    from tools.base import ToolError

    settings = settings_from_args(args)
    script = io.load(args.file, max_bytes=settings.max_upload_bytes)
    runtime = Runtime.create(settings, with_tools=False, embedder=make_embedder())
    summarizer = make_summarizer(runtime)
    update, bar = _progress()
    try:
        summary = summarizer.summarize(script, args.level, act=args.act, scene=args.scene, progress=update)
    except ToolError as exc:
        print(f"scriptroom summarize: error: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
        runtime.close()
    emit({"file": args.file, **summary.to_dict()}, args.json, summary.text)
    return 0
