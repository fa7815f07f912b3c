"""`scriptroom generate "REQUEST"`: N scene options for a draft, as Fountain text or JSON."""

from __future__ import annotations

import argparse
import time
from typing import Any


def add_parsers(sub: Any) -> None:
    from cli.main import runs
    from screenplay.errors import ACCEPTED

    gen = sub.add_parser("generate", help="write N alternative scenes, e.g. 'three openings for act two'")
    gen.add_argument("request", help="what to write, in your words")
    gen.add_argument("--draft", help=f"the draft the scenes belong to: {ACCEPTED}")
    gen.add_argument("-n", "--count", type=int, default=None,
                     help="how many options (1 to 10; default: the number in the request, else 3)")
    gen.add_argument("--act", type=int, default=None, help="act the scenes belong to (overrides the request)")
    gen.add_argument("--scene", type=int, default=None, help="scene number to write alternatives for")
    gen.add_argument("--style", default=None, help="style preset, e.g. noir, western, thriller")
    gen.add_argument("--library", action=argparse.BooleanOptionalAction, default=True,
                     help="use similar scenes from the scene library as examples (default: on)")
    runs(gen, run_generate, "print options, scores and the prompt as JSON")


def run_generate(args: argparse.Namespace) -> int:
    from agent.models.factory import scene_settings
    from agent.registry import spec
    from agent.routing.router import read_request
    from agent.runtime import Runtime
    from agent.settings import settings_from_args
    from cli.main import emit
    from screenplay.bible import StoryBible, extract_bible
    from tools.base import ToolError
    from tools.context import ToolContext
    from tools.embeddings import load_embedder
    from tools.schemas import GenerateArgs

    settings = settings_from_args(args)
    script = None
    if args.draft:
        from screenplay import load

        script = load(args.draft, max_bytes=settings.max_upload_bytes)
    context = ToolContext(script=script, bible=extract_bible(script) if script is not None else StoryBible())

    # The request is read as the chat reads it; flags then override what the words said.
    decision = read_request("generate", args.request, characters=script.characters if script is not None else ())
    if decision.clarify and args.count is None:
        raise ToolError(decision.clarify)
    flags = {"count": args.count, "act": args.act, "scene": args.scene, "style": args.style}
    request = {**decision.args, **{k: v for k, v in flags.items() if v is not None}}

    started = time.perf_counter()
    # One model, the generator's (with the scene adapter when one applies); the tool built as the app builds it.
    runtime = Runtime.create(scene_settings(settings), with_tools=False, embedder=load_embedder())
    runtime.extras["use_library"] = args.library
    try:
        tool = spec("generate").build(runtime)[spec("generate").tool]
        result = tool.invoke({**request, "context": context})  # the generator checks the count (1 to 10)
    finally:
        runtime.close()
    seconds = time.perf_counter() - started
    if args.json:
        emit(
            {
                "request": GenerateArgs.model_validate(request).model_dump(),
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
