"""Long tools as event streams: run the tool in a worker thread and pass on its progress reports.

The agent loop streams any tool whose ``metadata["stream"]`` is ``stream(args, context)``; the generator yields
its own events, and the summarizer and critic report ``progress(done, total, label)`` through this wrapper.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Iterator

from tools.base import Option, ToolResult

Progress = Callable[[int, int, str], None]  # done, total (0 when unknown), what is being done


class StepKind(str, Enum):
    PROGRESS = "progress"  # a counted step of a long tool (``index`` of ``total``)
    CANDIDATE = "candidate"  # the generator's text so far of candidate ``index`` (0-based)
    CANDIDATE_DONE = "candidate_done"  # that candidate's final Fountain and score
    OPTION = "option"  # a kept option (``index`` 1-based, in the order shown)
    DONE = "done"  # the end: ``result`` holds the ToolResult


@dataclass(frozen=True)
class ToolStep:
    """One step of a streaming tool (the generator, summarizer, critic), which the loop turns into an Event."""

    kind: StepKind
    index: int = 0
    text: str = ""
    total: int = 0
    score: float | None = None
    result: ToolResult | None = None
    option: Option | None = None  # an OPTION step's option, as the writer will be offered it


def progress_stream(run: Callable[[dict[str, Any], Any, Progress], ToolResult]) -> Callable[..., Iterator[ToolStep]]:
    """``run(args, context, progress)`` as a stream of ToolSteps; its exception is raised in the caller."""

    def stream(args: dict[str, Any], context: Any) -> Iterator[ToolStep]:
        steps: queue.Queue[ToolStep | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def report(done: int, total: int, label: str) -> None:
            steps.put(ToolStep(StepKind.PROGRESS, int(done), str(label), int(total or 0)))

        def work() -> None:
            try:
                outcome["result"] = run(args, context, report)
            except BaseException as exc:  # handed to the caller's thread below
                outcome["error"] = exc
            finally:
                steps.put(None)

        worker = threading.Thread(target=work, name="tool-progress", daemon=True)
        worker.start()
        while (step := steps.get()) is not None:
            yield step
        worker.join()
        if "error" in outcome:
            raise outcome["error"]
        yield ToolStep(StepKind.DONE, result=outcome["result"])

    return stream
