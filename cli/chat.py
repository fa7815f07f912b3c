"""`scriptroom chat` and `scriptroom models`."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any


def add_parsers(sub: Any) -> None:
    from screenplay.errors import ACCEPTED

    from agent.settings import add_settings_flags

    chat = sub.add_parser("chat", help="answer one message and exit")
    chat.add_argument("message", help="what to ask the writers' room")
    chat.add_argument("--draft", help=f"attach a draft: {ACCEPTED}")
    chat.add_argument("--json", action="store_true", help="print the reply, model and timing as JSON")
    chat.add_argument("--events", action="store_true", help="print routing and tool steps as they happen")
    add_settings_flags(chat)
    chat.set_defaults(func=run_chat)

    models = sub.add_parser("models", help="show the configured backend, the engine that serves the model, and "
                                           "the cached models")
    models.add_argument("--json", action="store_true")
    models.add_argument("--prepare", action="store_true",
                        help="do the first-run work now: the model made ready for its engine, the starter library "
                             "indexed (make run does this)")
    add_settings_flags(models)
    models.set_defaults(func=run_models)


def run_chat(args: argparse.Namespace) -> int:
    from agent.events import EventKind
    from agent.runtime import Runtime
    from agent.settings import settings_from_args
    from cli.main import emit

    settings = settings_from_args(args)
    load_start = time.perf_counter()
    runtime = Runtime.create(settings)
    load_seconds = time.perf_counter() - load_start
    session = runtime.new_session()
    if args.draft:
        runtime.attach_draft(session, args.draft)
    events = []
    first_token: float | None = None
    start = time.perf_counter()
    answer = ""
    for event in runtime.agent.run(session, args.message):
        events.append(event.to_dict())
        if event.kind is EventKind.TOKEN:
            if first_token is None:
                first_token = time.perf_counter() - start
            if not args.json:
                print(event.text, end="", flush=True)
        elif event.kind in (EventKind.ANSWER, EventKind.CLARIFY):
            answer = event.text
            if not args.json and event.kind is EventKind.CLARIFY:
                print(event.text)
        elif event.kind is EventKind.ERROR:
            answer = event.text
            if not args.json:
                print(f"\n⚠️ {event.text}", file=sys.stderr)
        elif args.events and not args.json:
            print(f"[{event.kind.value}] {event.text} {event.data or ''}", file=sys.stderr)
    total = time.perf_counter() - start
    if args.json:
        emit(
            {
                "reply": answer,
                "model": runtime.agent.info.to_dict(),
                "timing": {
                    "load_seconds": round(load_seconds, 3),
                    "first_token_seconds": round(first_token, 3) if first_token is not None else None,
                    "total_seconds": round(total, 3),
                },
                "events": [e for e in events if e["kind"] != "token"],
            },
            True,
        )
    else:
        print()
    return 0 if not any(e["kind"] == "error" for e in events) else 1


def run_models(args: argparse.Namespace) -> int:
    from agent.models.factory import choose_engine
    from agent.models.store import cached_models
    from agent.settings import settings_from_args
    from cli.main import emit

    settings = settings_from_args(args)
    choice = choose_engine(settings)
    prepared = None
    if args.prepare:
        from agent.prepare import prepare

        prepared = prepare(settings, report=lambda line: print(line, file=sys.stderr, flush=True)).to_dict()
    info = {
        "backend": settings.backend,
        "engine": choice.engine,
        "engine_reason": choice.reason,
        "gguf": str(choice.gguf) if choice.gguf else None,
        "prepared": prepared,
        "model": settings.model,
        "base_url": settings.base_url,
        "adapter": settings.adapter,
        "load_in_4bit": settings.load_in_4bit,
        "models_dir": str(settings.models_dir),
        "cached": cached_models(settings.models_dir),
    }
    lines = [f"backend: {info['backend']}", f"model:   {info['model']}",
             f"engine:  {choice.engine} ({choice.reason})"]
    if settings.base_url:
        lines.append(f"server:  {settings.base_url}")
    if settings.adapter:
        lines.append(f"adapter: {settings.adapter}")
    lines.append(f"cache:   {info['models_dir']}")
    lines += [f"  - {name}" for name in info["cached"]] or [
        "  (no transformers checkpoint yet: llama.cpp runs the GGUF as it is; training converts it once)"
        if choice.engine == "llama.cpp" else "  (empty: the embedded model is converted on first use)"]
    emit(info, args.json, "\n".join(lines))
    return 0
