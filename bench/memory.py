"""Where the room's memory goes: resident set after each stage of loading it, as the app loads it.

    .venv/bin/python bench/memory.py [--home DIR] [--engine auto|llama.cpp|transformers] [--request] [--ui]

Each row: the stage, this process's resident set after it (VmRSS), the peak so far (VmHWM) and the heavy
libraries imported by then. ``--request`` also runs "give me three openings for act two" on the sample draft
(generation grows the KV caches); ``--ui`` also imports the Gradio app as `python app.py` does. A fresh data
directory (the default) indexes the starter library in the warm stage.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEAVY = ("torch", "transformers", "sentence_transformers", "peft", "bitsandbytes", "llama_cpp", "chromadb",
         "onnxruntime", "gradio", "sklearn", "scipy", "matplotlib", "pandas")
SAMPLE = ROOT / "tests" / "fixtures" / "generator" / "lighthouse.fountain"


def status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="data directory (default: a fresh one)")
    parser.add_argument("--engine", default="auto", choices=("auto", "llama.cpp", "transformers"))
    parser.add_argument("--request", action="store_true", help="also run three openings for act two")
    parser.add_argument("--ui", action="store_true", help="also import the Gradio app")
    args = parser.parse_args()

    from tools.embeddings import offline_models

    offline_models()
    rows: list[tuple[str, float, float, float, str]] = []
    start = time.perf_counter()
    seen: set[str] = set()

    def stage(label: str) -> None:
        new = [m for m in HEAVY if m in sys.modules and m not in seen]
        seen.update(new)
        rows.append((label, time.perf_counter() - start, status_mb("VmRSS"), status_mb("VmHWM"), " ".join(new)))

    stage("python + bench")
    from agent.runtime import Runtime
    from agent.settings import Settings

    stage("import agent.runtime")
    if args.ui:
        import ui.app  # noqa: F401  (what `python app.py` imports besides the room)

        stage("import ui.app (gradio)")
    home = args.home or Path(tempfile.mkdtemp(prefix="scriptroom-memory-"))
    runtime = Runtime.create(Settings.from_env(home=home, engine=args.engine))
    stage(f"room built ({runtime.agent.info.engine}: model, embedder, router, tools)")
    runtime.warm()
    stage("starter library ready")
    if args.request:
        session = runtime.new_session()
        runtime.attach_draft(session, str(SAMPLE))
        for _ in runtime.agent.run(session, "give me three openings for act two"):
            pass
        stage("three openings for act two")
    runtime.close()

    print(f"data directory: {home}")
    print(f"{'stage':58} {'s':>6} {'RSS MB':>7} {'peak MB':>8}  newly imported")
    for label, seconds, rss, peak, new in rows:
        print(f"{label:58} {seconds:6.1f} {rss:7.0f} {peak:8.0f}  {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
