"""Grounded chat: accuracy per script on known answers, and what a writer waits for on a chat question.

    .venv/bin/python bench/grounded.py [--skip-accuracy] [--skip-latency] [--repeat N]

Accuracy: tests/data/grounded_questions.jsonl (10 questions per script: the project's samples, and Brick and Steel
from ../shared/realscripts when present) on the embedded model, scaffold tier; how many answers are right, how
many cite a scene, and how often the model's phrasing survived the check (else the program's sentence stood).
Latency: the whole room (router, tools, embedder, model) with Brick and Steel attached, through the agent loop the
app uses: seconds to the routing decision, to the first token, and to the full answer. The latency half uses only
the agent loop, so the same file can time an older checkout (copy it there and run it with --skip-accuracy).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REALSCRIPTS = ROOT.parent / "shared" / "realscripts"
SAMPLES = ROOT / "tests" / "fixtures" / "samples"
DRAFT = REALSCRIPTS / "Brick-and-Steel.fountain"
ASKED = ["who is the protagonist?", "who speaks the last line?", "how long is act two?",
         "where does Steel take the phone call?"]


def accuracy(settings) -> None:
    from agent.grounding import DraftAsker
    from agent.grounding.evaluation import load_questions, wrong
    from agent.models.factory import build_chat_model, model_info
    from screenplay.io import load
    from tools.embeddings import load_embedder

    model = build_chat_model(settings)
    info = model_info(settings, model)
    asker = DraftAsker(load_embedder())
    questions = load_questions(ROOT / "tests" / "data" / "grounded_questions.jsonl")
    print(f"accuracy: {info.name} on {info.engine}, tier {info.writing_tier}")
    print(f"{'script':38} {'right':>6} {'cited':>6} {'phrased':>8} {'mean s':>7}  misses")
    for name in sorted({q.script for q in questions}):
        kind, file = name.split("/", 1)
        path = (SAMPLES if kind == "samples" else REALSCRIPTS) / file
        if not path.exists():
            print(f"{name:38} skipped: {path} is not present")
            continue
        script = load(path, max_bytes=10**7)
        rows = [q for q in questions if q.script == name]
        right = cited = phrased = 0
        seconds, misses = [], []
        for q in rows:
            start = time.perf_counter()
            answer = asker.answer(script, q.question, model, tier=info.writing_tier,
                                  token_param=info.token_limit_param)
            seconds.append(time.perf_counter() - start)
            why = wrong(q, answer)
            right += not why
            cited += bool(answer.citations) or not q.answerable
            phrased += answer.source == "model"
            if why:
                misses.append(f"{q.question}: {why}")
        print(f"{name:38} {right:>3}/{len(rows):<2} {cited:>3}/{len(rows):<2} {phrased:>5}/{len(rows):<2} "
              f"{sum(seconds) / len(seconds):7.2f}  {'; '.join(misses)}")


def latency(settings, repeat: int, draft: Path) -> None:
    from agent.events import EventKind
    from agent.runtime import Runtime

    start = time.perf_counter()
    runtime = Runtime.create(settings)
    loaded = time.perf_counter() - start
    session = runtime.new_session()
    runtime.attach_draft(session, str(draft))
    time.sleep(2)  # the draft's index is built in the background at attach; a writer reads the welcome first
    print(f"latency: room loaded in {loaded:.1f} s; engine {runtime.agent.info.engine}; "
          f"draft {session.project.source}")
    print(f"{'question':42} {'try':>3} {'route s':>8} {'first s':>8} {'total s':>8}  answer")
    for question in ASKED:
        for attempt in range(1, repeat + 1):
            session.history.clear()  # each try the same prompt, as a fresh question
            t0 = time.perf_counter()
            route = first = None
            answer = ""
            for event in runtime.agent.run(session, question):
                now = time.perf_counter() - t0
                if event.kind is EventKind.ROUTE and route is None:
                    route = now
                elif event.kind in (EventKind.TOKEN, EventKind.TOOL_PROGRESS) and first is None and event.text.strip():
                    first = now
                elif event.kind in (EventKind.ANSWER, EventKind.ERROR, EventKind.CLARIFY):
                    answer = event.text
            total = time.perf_counter() - t0
            show = lambda x: f"{x:8.2f}" if x is not None else f"{'-':>8}"  # noqa: E731
            print(f"{question:42} {attempt:>3} {show(route)} {show(first)} {total:8.2f}  {' '.join(answer.split())[:60]}")
    runtime.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--draft", type=Path, default=DRAFT if DRAFT.exists() else SAMPLES / "lighthouse.fountain",
                        help="the draft the latency half attaches (default: Brick and Steel, else the lighthouse sample)")
    parser.add_argument("--repeat", type=int, default=2, help="tries per latency question (the first is cold)")
    args = parser.parse_args()
    from agent.settings import Settings

    settings = Settings.from_env(home=Path(os.environ.get("SCRIPTROOM_HOME") or tempfile.mkdtemp(prefix="grounded-")))
    if not args.skip_accuracy:
        accuracy(settings)
    if not args.skip_latency:
        latency(settings, args.repeat, args.draft)
    return 0


if __name__ == "__main__":
    sys.exit(main())
