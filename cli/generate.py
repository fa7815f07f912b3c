"""`scriptroom generate "REQUEST"`: N scene options for a draft, as Fountain text or JSON."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any


def add_parsers(sub: Any) -> None:
    from agent.settings import add_settings_flags

    gen = sub.add_parser("generate", help="write N alternative scenes, e.g. 'three openings for act two'")
    gen.add_argument("request", help="what to write, in your words")
    gen.add_argument("--draft", help="the draft the scenes belong to (.fountain, .fdx, .pdf, .docx, .txt)")
    gen.add_argument("-n", "--count", type=int, default=None,
                     help="how many options (1 to 10; default: the number in the request, else 3)")
    gen.add_argument("--act", type=int, default=None, help="act the scenes belong to (overrides the request)")
    gen.add_argument("--scene", type=int, default=None, help="scene number to write alternatives for")
    gen.add_argument("--style", default=None, help="style preset, e.g. noir, western, thriller")
    gen.add_argument("--library", action=argparse.BooleanOptionalAction, default=True,
                     help="use similar scenes from the scene library as examples (default: on)")
    gen.add_argument("--json", action="store_true", help="print options, scores and the prompt as JSON")
    add_settings_flags(gen)
    gen.set_defaults(func=run_generate)


def run_generate(args: argparse.Namespace) -> int:
    from agent.models.factory import build_chat_model, scene_settings
    from agent.settings import settings_from_args
    from cli.main import emit
    from tools.base import ToolError
    from screenplay.bible import StoryBible
    from tools.context import ToolContext
    from tools.critic.scene_scorer import SceneScorer
    from tools.embeddings import load_embedder
    from tools.generator import SceneGenerator, request_from_text
    from tools.generator.requests import as_request

    settings = settings_from_args(args)
    if args.draft:
        from screenplay.bible import extract_bible
        from screenplay import load

        script = load(args.draft)
        context = ToolContext(script=script, bible=extract_bible(script))
    else:
        context = ToolContext(bible=StoryBible())

    started = time.perf_counter()
    chat_model = build_chat_model(scene_settings(settings))  # one model: only the generator runs here
    # The app's reranking: the critic's learned scorer, and MiniLM for diversity.
    embedder = load_embedder()
    scorer = SceneScorer.load(embedder)
    library = None
    if args.library:
        from tools.library import SceneLibrary

        library = SceneLibrary(settings.chroma_url or settings.library_dir, embedder)
    generator = SceneGenerator(chat_model, library=library, embedder=embedder, scorer=scorer)
    try:
        characters = context.script.characters if context.script is not None else []
        request = request_from_text(args.request, count=args.count, characters=characters)
        flags = {"act": args.act, "scene": args.scene, "style": args.style}
        overrides = {k: v for k, v in flags.items() if v is not None}
        if overrides:
            request = as_request({**request.model_dump(), **overrides})
        result = generator.generate(request, context)
    except ToolError as exc:
        print(f"scriptroom generate: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if library is not None:
            library.close()
    seconds = time.perf_counter() - started
    if args.json:
        emit(
            {
                "request": request.model_dump(),
                "options": result.data["options"],
                "position": result.data.get("position", ""),
                "candidates": result.data["candidates"],
                "seconds": round(seconds, 3),
                "prompt": result.prompt,
            },
            True,
        )
    else:
        emit(result.summary, False)
    return 0
