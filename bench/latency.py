"""What a writer waits for, end to end, on the embedded model: app start to first page, then each request.

    .venv/bin/python bench/latency.py [--draft FILE] [--skip-start] [--engine auto|llama.cpp|transformers]
                                      [--chat-only]

On a fixed draft (Brick and Steel from ../shared/realscripts, or the project's lighthouse sample when that is
absent) it runs, through the same agent loop the app uses: three openings for act two (first option text
visible, and all three), a critique, the style of one scene, a logline summary, a chat question (after those four
tool turns, the case that once waited for a cold prefill), a second chat question, a question about the draft
and one line of dialogue; each row gives the time to the first thing the writer sees, to the answer, and to
the end of the turn (a local model then prefills the next chat question's prefix). On llama.cpp the chat
question is asked again, in the same run, the way the engine met it before it kept that prefix: the KV cache
holding another prompt, no kept state, prefill on the decode threads (and on every core). The first row is the
app started on a fresh data directory (`python app.py`) until its page answers; --chat-only skips the rows
after the chat questions. Peak RSS is this process's, with the whole room loaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REALSCRIPT = ROOT.parent / "shared" / "realscripts" / "Brick-and-Steel.fountain"
SAMPLE = ROOT / "tests" / "fixtures" / "generator" / "lighthouse.fountain"

REQUESTS = [
    ("three openings for act two", "give me three openings for act two"),
    ("critique", "what's wrong with my second act?"),
    ("style of one scene", "rewrite scene 2 as a noir"),
    ("logline summary", "give me a logline of my script"),
    ("chat question after four tool turns", "What makes a good antagonist?"),
    ("second chat question", "How do I end a scene on a turn?"),
    ("question about the draft", "who is the protagonist?"),
    ("one line of dialogue", "Write one line of dialogue for a pirate captain."),
]
CHAT = REQUESTS[4]


def app_start(engine: str) -> float:
    """Seconds from `python app.py` on a fresh data directory to its page answering 200."""
    from tests.appserver import free_port, server_process

    home = Path(tempfile.mkdtemp(prefix="scriptroom-latency-home-"))
    port = free_port()
    env = {**os.environ, "SCRIPTROOM_HOME": str(home), "SCRIPTROOM_PORT": str(port), "SCRIPTROOM_ENGINE": engine,
           "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    with server_process([sys.executable, str(ROOT / "app.py")], f"http://127.0.0.1:{port}/", home / "app.log",
                        timeout=600, env=env, cwd=ROOT):
        return time.perf_counter() - start


def timed(runtime, session, message: str) -> tuple[float | None, float, float, str, str]:
    """(seconds to the first thing shown, to the answer, to the end of the turn, what ran, a short view of the
    answer)."""
    from agent.events import EventKind

    start = time.perf_counter()
    first, answered, ran, answer = None, 0.0, "", ""
    for event in runtime.agent.run(session, message):
        now = time.perf_counter() - start
        if event.kind is EventKind.ROUTE:
            ran = event.text
        elif event.kind is EventKind.TOOL_START:
            ran = event.text
        elif event.kind in (EventKind.TOKEN, EventKind.TOOL_PROGRESS) and first is None and event.text.strip():
            first = now
        elif event.kind in (EventKind.ANSWER, EventKind.ERROR, EventKind.CLARIFY):
            answered, answer = now, event.text
    return first, answered, time.perf_counter() - start, ran, " ".join(answer.split())[:60]


def cold_chat(runtime, session, batch_threads: int | None) -> tuple[float | None, float, float, str, str]:
    """The chat question on a copy of ``session`` as the engine met it before it kept chat prefixes: the KV
    cache holding another prompt (as a tool call leaves it) and nothing kept."""
    from agent.models.params import GenerationParams

    engine = runtime.agent.chat_model.engine
    engine.kept.clear()
    engine.batch_threads = batch_threads
    other = [{"role": "user", "content": "Give a logline for this draft: " + session.project.script.scenes[0].text}]
    "".join(engine.stream(other, GenerationParams(max_new_tokens=1, temperature=0)))
    try:
        return timed(runtime, dataclasses.replace(session, history=list(session.history)), CHAT[1])
    finally:
        engine.batch_threads = None


class Rows(list):
    """The table, each row printed as it is measured (a run on a loaded machine may be stopped part way)."""

    def append(self, row: tuple) -> None:
        super().append(row)
        label, first, answered, total, ran, answer = row
        shown = f"{first:7.2f}" if first is not None else f"{'':7}"
        print(f"{label:66} {shown} {answered:8.1f} {total:6.1f}  {ran:16} {answer}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft", type=Path, default=None)
    parser.add_argument("--skip-start", action="store_true", help="skip the app-start row")
    parser.add_argument("--engine", default="auto", choices=("auto", "llama.cpp", "transformers"))
    parser.add_argument("--chat-only", action="store_true", help="stop after the chat questions")
    parser.add_argument("--read", type=float, default=0.0, metavar="S",
                        help="seconds a writer reads each answer before the next message (default 0: sent at once, "
                             "the worst case for the chat prefix kept in the background after a turn)")
    args = parser.parse_args()
    draft = args.draft or (REALSCRIPT if REALSCRIPT.is_file() else SAMPLE)

    print(f"draft: {draft.name}; load average at the start: {os.getloadavg()[0]:.1f} (1 min); "
          f"{args.read:g} s of reading before each message")
    print(f"{'request':66} {'first s':>7} {'answer s':>8} {'end s':>6}  {'ran':16} answer")
    rows = Rows()
    if not args.skip_start:
        took = app_start(args.engine)
        rows.append(("app start, fresh data dir -> page", None, took, took, "app.py", ""))

    from agent.runtime import Runtime
    from agent.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="scriptroom-latency-"))
    start = time.perf_counter()
    runtime = Runtime.create(Settings.from_env(home=home, engine=args.engine))
    runtime.warm()  # the app does this in the background at start; a request should not pay for it
    took = time.perf_counter() - start
    rows.append(("room loaded (model, embedder, tools, library)", None, took, took, runtime.agent.info.engine, ""))
    session = runtime.new_session()
    runtime.attach_draft(session, str(draft))
    before_chat = None
    for label, message in REQUESTS[: 7 if args.chat_only else None]:
        if (label, message) == CHAT:
            before_chat = dataclasses.replace(session, history=list(session.history))
        time.sleep(args.read)
        rows.append((label, *timed(runtime, session, message)))
    if before_chat is not None and runtime.agent.info.engine == "llama.cpp":
        engine = runtime.agent.chat_model.engine
        rows.append((f"{CHAT[0]}, as before: {engine.threads} prefill thread", *cold_chat(runtime, before_chat,
                                                                                   engine.threads)))
        rows.append((f"{CHAT[0]}, as before but prefill on every core",
                     *cold_chat(runtime, before_chat, os.cpu_count() or 1)))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runtime.close()

    print(f"load average at the end: {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} (5 min)")
    print(f"peak RSS with the room loaded: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
