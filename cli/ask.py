"""`scriptroom ask "QUESTION" --script FILE`: a question about a draft, answered from the draft with scenes cited."""

from __future__ import annotations

import argparse
import time
from typing import Any


def add_parsers(sub: Any) -> None:
    from agent.settings import add_settings_flags
    from screenplay.errors import ACCEPTED

    p = sub.add_parser("ask", help="answer a question about a draft from the draft itself, citing its scenes")
    p.add_argument("question", help='e.g. "who is the protagonist?", "how long is act two?"')
    p.add_argument("--script", required=True, help=f"the draft: {ACCEPTED}")
    p.add_argument("--json", action="store_true", help="print the answer, citations, source and timing as JSON")
    p.add_argument("--no-model", action="store_true", help="the program's answer only (no model phrasing)")
    add_settings_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from agent.grounding import DraftAsker
    from agent.settings import settings_from_args
    from cli.main import emit
    from screenplay.io import load

    settings = settings_from_args(args)
    script = load(args.script, max_bytes=settings.max_upload_bytes)
    start = time.perf_counter()
    model = info = None
    if not args.no_model:
        from agent.models.factory import build_chat_model, model_info

        model = build_chat_model(settings)
        info = model_info(settings, model)
    from tools.embeddings import load_embedder

    asker = DraftAsker(load_embedder, cache_dir=settings.home / "cache" / "draft-index")
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    answer = asker.answer(script, args.question, model, tier=info.writing_tier if info else "scaffold",
                          token_param=info.token_limit_param if info else "max_tokens")
    result = {**answer.to_dict(), "model": info.to_dict() if info else None,
              "timing": {"load_seconds": round(loaded, 3), "answer_seconds": round(time.perf_counter() - start, 3)}}
    emit(result, args.json, answer.text + (f"\n(the model's wording was not used: {answer.rejected})"
                                           if answer.rejected else ""))
    return 0 if answer.answerable else 1
