"""Speed of the critic: analytics + checks on a 120-page script, then a full critique with LLM notes.

    .venv/bin/python bench/critique.py [--script ../shared/realscripts/Big-Fish.fountain] [--no-llm] [--runs 3]
    .venv/bin/python bench/critique.py --backend capable [--faults note_missing_scene,note_stranger]
        # the free tier on tests/capable_model.py: model notes kept and dropped, with the reasons

Targets: analytics + checks under 2 s; the full critique (scene scores, themes, plots, notes from the
embedded SmolLM2-135M, Markdown + PDF) under 60 s on CPU, model loading reported separately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_SCRIPT = ROOT.parent / "shared" / "realscripts" / "Big-Fish.fountain"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--script", default=str(DEFAULT_SCRIPT), help="the draft to critique")
    parser.add_argument("--runs", type=int, default=3, help="runs of analytics + checks (median reported)")
    parser.add_argument("--no-llm", action="store_true", help="skip the model notes")
    parser.add_argument("--backend", default="local", choices=("local", "capable"),
                        help="local: the embedded model (scaffold tier); capable: the scripted capable model (free)")
    parser.add_argument("--faults", default="", help="capable backend: comma-separated malformed answers to give")
    args = parser.parse_args(argv)
    path = Path(args.script)
    if not path.is_file():
        print(f"{path} is not here: pass --script FILE (a ~120-page draft) to run the benchmark")
        return 1

    from screenplay import load
    from tools.critic.analytics import analyze
    from tools.critic.checks import run_checks
    from tools.critic.sentiment import make_analyzer

    script = load(path)
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        a = analyze(script, make_analyzer())
        findings = run_checks(script, a)
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    print(f"{path.name}: {a.stats.pages} pages, {len(script.scenes)} scenes, {len(findings)} findings")
    print(f"analytics + checks: median {med:.2f} s over {args.runs} runs (target < 2 s) "
          f"{'OK' if med < 2 else 'SLOW'}")

    t = time.perf_counter()
    from tools.embeddings import load_embedder

    embedder = load_embedder()
    model = None
    tier = "free" if args.backend == "capable" else "scaffold"
    if args.backend == "capable":
        from tests.capable_model import CapableModel

        model = CapableModel(faults=set(filter(None, args.faults.split(","))), every_time=True)
    elif not args.no_llm:
        from agent.models.factory import build_chat_model
        from agent.settings import Settings

        settings = Settings.from_env().with_(backend="local", temperature=0.0, max_new_tokens=96)
        model = build_chat_model(settings)
    local = not args.no_llm and args.backend == "local"
    print(f"loading MiniLM{' and the embedded chat model' if local else ''}: {time.perf_counter() - t:.1f} s")

    from tools.critic import Critic

    start = time.perf_counter()

    def progress(done: int, total: int, msg: str) -> None:
        print(f"  [{time.perf_counter() - start:5.1f} s] {msg}", flush=True)

    with tempfile.TemporaryDirectory() as out:
        result = Critic(model, embedder=embedder, out_dir=out, writing_tier=tier).critique(script, progress=progress)
        total = time.perf_counter() - start
        notes = result.data["notes"]
        print(f"full critique: {total:.1f} s (target < 60 s) {'OK' if total < 60 else 'SLOW'}; "
              f"steps {result.data['timings']}")
        print(f"verdict {notes['verdict']} ({notes['verdict_source']}); logline ({notes['logline']['source']}): "
              f"{notes['logline']['text']}")
        print(f"model reply: {notes['raw_reply']!r}")
        notes_all = notes["strengths"] + notes["weaknesses"]
        by_model = sum(n["source"] == "model" for n in notes_all)
        print(f"{tier} tier: {len(notes_all)} notes ({by_model} by the model, {len(notes_all) - by_model} by the program); "
              f"model notes dropped {len(notes['dropped'])}"
              + "".join(f"\n  dropped: {d['text'][:70]!r} ({d['reason']})" for d in notes["dropped"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
