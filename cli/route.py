"""`scriptroom route "MESSAGE"`: show how the router reads a message (intent, arguments, layer)."""

from __future__ import annotations

import argparse
from typing import Any

from cli.main import emit


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("route", help="show which tool a chat message would run, and with which arguments")
    p.add_argument("message", help='the message, e.g. "give me three openings for act two"')
    p.add_argument("--json", action="store_true", help="print the decision as JSON")
    p.add_argument("--characters", default="", help="comma-separated character names of the draft, e.g. MAYA,LEO")
    p.add_argument("--no-draft", action="store_true", help="route as if no draft were loaded")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from agent.routing.router import Router
    from tools.embeddings import load_embedder

    characters = [c.strip() for c in args.characters.split(",") if c.strip()]
    decision = Router(load_embedder()).route(
        args.message, characters=characters, has_draft=False if args.no_draft else None
    )
    result = decision.to_dict()
    result.pop("candidates")
    lines = [f"intent:     {decision.intent}", f"args:       {decision.args}", f"confidence: {decision.confidence:.2f}", f"layer:      {decision.layer}"]
    if decision.clarify:
        lines.append(f"clarify:    {decision.clarify}")
    emit(result, args.json, "\n".join(lines))
    return 0
