"""`scriptroom critique FILE`: coverage-style notes on a draft, with numbers, checks, scores and plots."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from cli.main import emit


NOTES_MAX_TOKENS = 128


def add_parsers(sub: Any) -> None:
    from screenplay.errors import ACCEPTED

    from agent.settings import add_settings_flags

    p = sub.add_parser("critique", help="coverage of a draft: verdict, notes, craft checks, scene scores, plots")
    p.add_argument("file", help=f"the draft: {ACCEPTED}")
    p.add_argument("--json", action="store_true", help="print the full result (stats, checks, scores, notes) as JSON")
    p.add_argument("-o", "--output", metavar="REPORT.md|REPORT.pdf",
                   help="write the report here (.md or .pdf); charts go beside it")
    p.add_argument("--no-llm", action="store_true", help="evidence-made notes only; no chat model is loaded")
    p.add_argument("--no-scores", action="store_true", help="skip the scene scorer and themes (no embedding model)")
    p.add_argument("--act", type=int, help="critique one act")
    p.add_argument("--scene", type=int, help="critique one scene")
    p.add_argument("--focus", help="what to concentrate on, e.g. dialogue, pacing, structure")
    add_settings_flags(p)
    p.set_defaults(func=run_critique)


def make_embedder() -> Any:
    """The packaged MiniLM (its own function so tests can hand in a shared instance)."""
    from tools.embeddings import load_embedder

    return load_embedder()


def run_critique(args: Any) -> int:
    from agent.runtime import Runtime
    from agent.settings import settings_from_args
    from agent.tool_builders import make_critic
    from screenplay import io
    from tools.base import ToolError
    from tools.critic import ScorerError

    settings = settings_from_args(args)
    script = io.load(args.file, max_bytes=settings.max_upload_bytes)
    out = Path(args.output) if args.output else None
    if out is not None and out.suffix.lower() not in (".md", ".pdf"):
        print(f"scriptroom critique: error: -o must end in .md or .pdf, got '{out.name}'", file=sys.stderr)
        return 2
    # The model writes four short lines; a cap keeps a small CPU model from rambling for minutes.
    settings = settings.with_(max_new_tokens=min(settings.max_new_tokens, NOTES_MAX_TOKENS))
    runtime = Runtime.create(settings, with_tools=False, with_model=not args.no_llm,
                             embedder=None if args.no_scores else make_embedder())
    out_dir = out.parent if out is not None else Path(tempfile.mkdtemp(prefix="scriptroom-critique-"))
    progress = None if args.json else (lambda done, total, label: print(f"... {label}", file=sys.stderr))
    try:
        critic = make_critic(runtime, out_dir=out_dir)
        result = critic.critique(script, act=args.act, scene=args.scene, focus=args.focus,
                                 use_llm=not args.no_llm, progress=progress,
                                 pdf=out is None or out.suffix.lower() == ".pdf")
    except (ToolError, ScorerError) as exc:
        print(f"scriptroom critique: error: {exc}", file=sys.stderr)
        return 2
    finally:
        runtime.close()
    reports = result.data["reports"]
    shown_before = ", ".join(reports.values())
    if out is not None:
        made = Path(reports["pdf" if out.suffix.lower() == ".pdf" else "markdown"])
        if made.resolve() != out.resolve():
            made.replace(out)
        reports["pdf" if out.suffix.lower() == ".pdf" else "markdown"] = str(out)
        if out.suffix.lower() == ".pdf":
            Path(reports.pop("markdown")).unlink(missing_ok=True)
    result.summary = result.summary.replace(shown_before, ", ".join(reports.values()))
    emit(result.to_dict(), args.json, result.summary)
    return 0
