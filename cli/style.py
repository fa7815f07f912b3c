"""`scriptroom style FILE|- --to STYLE [--example FILE] [--scene N | --act N]`: rewrite a draft (all of it unless a scene or act is named) in another voice, scene by scene with progress on stderr."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parsers(sub: Any) -> None:
    from cli.main import runs

    p = sub.add_parser("style", help="rewrite a draft in another style: the whole file, or one scene or act")
    p.add_argument("file", metavar="FILE", help="the draft, or - to read Fountain from standard input")
    p.add_argument("--to", dest="style", default=None,
                   help="style preset: noir, screwball-comedy, horror, shakespearean, terse-minimalist, "
                        "documentary-realism, childrens-adventure, melodrama, thriller, western")
    p.add_argument("--example", default=None, metavar="FILE", help="a text in the voice you want (instead of --to)")
    p.add_argument("--scene", type=int, default=None, help="restyle only this scene (1-based position)")
    p.add_argument("--act", type=int, default=None, help="restyle only this act")
    p.add_argument("--no-library", action="store_true", help="use the presets' own exemplars, not library scenes")
    runs(p, run_style, "print the restyled text, checks and measures as JSON")


def make_embedder() -> Any:
    """The packaged MiniLM (a function of its own so tests can hand in a light one)."""
    from tools.embeddings import load_embedder
    from tools.library.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(load_embedder())


def open_library(settings: Any, embedder: Any) -> Any:
    """The writer's scene library when one exists already (never built here: that takes minutes)."""
    from tools.library import SceneLibrary

    if settings.chroma_url:
        return SceneLibrary(settings.chroma_url, embedder, starter=False)
    if settings.library_dir.is_dir() and any(settings.library_dir.iterdir()):
        return SceneLibrary(settings.library_dir, embedder, starter=False)
    return None


def load_classifier(embedder: Any) -> Any:
    from tools.style.classifier import StyleClassifier

    try:
        return StyleClassifier.load(embedder)
    except (OSError, ValueError):
        return None  # measures without style strength rather than no restyle at all


def _read_text(path: str, max_bytes: int) -> str:
    from screenplay import io
    from screenplay.formats import fountain

    if Path(path).suffix.lower() in (".fountain", ".txt", ".md", ".spmd", ""):
        return Path(path).read_text(encoding="utf-8", errors="replace")
    return fountain.render(io.load(path, max_bytes=max_bytes))


def _progress(done: int, total: int, label: str) -> None:
    print(f"[{done}/{total}] {label}", file=sys.stderr, flush=True)


def run_style(args: argparse.Namespace) -> int:
    from agent.runtime import Runtime
    from agent.settings import settings_from_args
    from agent.tool_builders import make_styler
    from cli.main import emit
    from screenplay import io
    from screenplay.formats import fountain
    from tools.base import ToolError
    from tools.context import ToolContext
    from tools.style import from_example, pick_target, resolve, style_result

    settings = settings_from_args(args)
    try:
        if args.example:
            preset = from_example(_read_text(args.example, settings.max_upload_bytes))
        elif args.style:
            preset = resolve(args.style)
        else:
            raise ToolError("say which style: --to noir (or another preset) or --example FILE")
        script = fountain.parse(sys.stdin.read()) if args.file == "-" else io.load(args.file, max_bytes=settings.max_upload_bytes)
        target, what = pick_target(ToolContext(script=script), scene=args.scene, act=args.act, whole=True)
    except ToolError as exc:
        print(f"scriptroom style: error: {exc}", file=sys.stderr)
        return 2
    embedder = make_embedder()
    library = None if args.no_library else open_library(settings, embedder)
    runtime = Runtime.create(settings, with_tools=False, embedder=embedder, library=library)
    runtime.extras["use_library"] = library is not None
    styler = make_styler(runtime, classifier=load_classifier(embedder), fluency=True)
    try:
        result = styler.transfer(target, preset, draft=script, progress=_progress)
    finally:
        if library is not None:
            library.close()
    tool_result = style_result(result, what)
    if not args.json:  # the Fountain goes to stdout (pipe it into a file); the report to stderr
        print(tool_result.summary.split("\n```", 1)[0], file=sys.stderr)
    emit({"file": args.file, **tool_result.data}, args.json, result.text.rstrip())
    return 0
