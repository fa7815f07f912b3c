"""One grounded chat turn as agent events: the program's cited fact streams at once, the checked answer follows."""

from __future__ import annotations

import time
from typing import Any, Iterator

from agent.events import Event, EventKind
from agent.grounding.answer import DraftAsker, cite_line


def grounded_turn(asker: DraftAsker, session: Any, message: str, model: Any, info: Any) -> Iterator[Event]:
    """TOKEN with the program's answer (no model wait before the writer sees a cited fact), then ANSWER with the
    model's checked words, or the program's answer again when they did not survive the check."""
    started = time.perf_counter()
    script = session.project.script
    fact = asker.program(script, message)
    first = f"{fact.text}\n\n{cite_line(fact.citations)}".strip()
    yield Event(EventKind.TOKEN, first)
    answer = asker.answer(script, message, model, tier=info.writing_tier, token_param=info.token_limit_param,
                          fact=fact)
    session.add_turn(message, answer.text)
    yield Event(EventKind.ANSWER, answer.text,
                {"model": info.name, "seconds": round(time.perf_counter() - started, 3), "grounded": answer.to_dict()})
