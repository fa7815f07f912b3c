"""What a writer waits for, end to end, on the embedded model: app start to first page, then each request.

    .venv/bin/python bench/latency.py [--draft FILE] [--skip-start] [--engine auto|llama.cpp|transformers]

On a fixed draft (Brick and Steel from ../shared/realscripts, or the project's lighthouse sample when that is
absent) it runs, through the same agent loop the app uses: three openings for act two (first option text
visible, and all three), a critique, the style of one scene, a logline summary, a chat question and one line of
dialogue; each row gives the time to the first thing the writer sees and to the end. The first row is the app
started on a fresh data directory (`python app.py`) until its page answers. Peak RSS is this process's, with
the whole room loaded.
"""

from __future__ import annotations

import argparse
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
    ("chat question", "What makes a good antagonist?"),
    ("one line of dialogue", "Write one line of dialogue for a pirate captain."),
]


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


def timed(runtime, session, message: str) -> tuple[float | None, float, str, str]:
    """(seconds to the first thing shown, seconds to the end, what ran, a short view of the answer)."""
    from agent.events import EventKind

    start = time.perf_counter()
    first, ran, answer = None, "", ""
    for event in runtime.agent.run(session, message):
        now = time.perf_counter() - start
        if event.kind is EventKind.ROUTE:
            ran = event.text
        elif event.kind is EventKind.TOOL_START:
            ran = event.text
        elif event.kind in (EventKind.TOKEN, EventKind.TOOL_PROGRESS) and first is None and event.text.strip():
            first = now
        elif event.kind in (EventKind.ANSWER, EventKind.ERROR, EventKind.CLARIFY):
            answer = event.text
    return first, time.perf_counter() - start, ran, " ".join(answer.split())[:70]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft", type=Path, default=None)
    parser.add_argument("--skip-start", action="store_true", help="skip the app-start row")
    parser.add_argument("--engine", default="auto", choices=("auto", "llama.cpp", "transformers"))
    args = parser.parse_args()
    draft = args.draft or (REALSCRIPT if REALSCRIPT.is_file() else SAMPLE)

    rows = []
    if not args.skip_start:
        rows.append(("app start, fresh data dir -> page", None, app_start(args.engine), "app.py", ""))

    from agent.runtime import Runtime
    from agent.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="scriptroom-latency-"))
    start = time.perf_counter()
    runtime = Runtime.create(Settings.from_env(home=home, engine=args.engine))
    runtime.warm()  # the app does this in the background at start; a request should not pay for it
    rows.append(("room loaded (model, embedder, tools, library)", None, time.perf_counter() - start,
                 runtime.agent.info.engine, ""))
    session = runtime.new_session()
    runtime.attach_draft(session, str(draft))
    for label, message in REQUESTS:
        first, total, ran, answer = timed(runtime, session, message)
        rows.append((label, first, total, ran, answer))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runtime.close()

    print(f"draft: {draft.name}; engine: {runtime.agent.info.engine}; model: {runtime.agent.info.name}")
    print(f"{'request':46} {'first s':>8} {'total s':>8}  {'ran':18} answer")
    for label, first, total, ran, answer in rows:
        shown = f"{first:8.1f}" if first is not None else f"{'':8}"
        print(f"{label:46} {shown} {total:8.1f}  {ran:18} {answer}")
    print(f"peak RSS with the room loaded: {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
