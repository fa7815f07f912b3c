"""QLoRA (configs/qlora-cpu-tiny.yaml: NF4 base, double quantization) against plain LoRA (configs/lora-cpu-tiny.yaml)
on a CPU, same data, steps and seed: validation loss, seconds per step (wall and CPU) and peak RSS of each
training process.

    .venv/bin/python bench/qlora_vs_lora.py                          # 40 steps each, about 15 minutes on 2 busy cores
    .venv/bin/python bench/qlora_vs_lora.py --steps 10 --json /tmp/qlora.json

Each variant trains in its own process so its peak RSS is its own. Seconds per step are medians over the steps
after the first; CPU seconds (the process's own) are the figure to compare on a machine other work shares. The QLoRA adapter is scored on the 4-bit base
it was trained on and on the full-precision base (where the app's local model would use it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import time
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

VARIANTS = {"lora": ROOT / "configs/lora-cpu-tiny.yaml", "qlora": ROOT / "configs/qlora-cpu-tiny.yaml"}


def child(variant: str, data: str, out: str, steps: int, max_length: int, val: int) -> dict:
    """Train one variant, then score it; peak RSS is read before scoring loads more models."""
    from agent.settings import Settings
    from finetune.config import SFTConfig, load_config
    from finetune.data import read_jsonl
    from finetune.evaluate import completion_loss, pick_rows
    from finetune.modeling import load_adapted
    from finetune.sft import resolve_model, run_sft
    from transformers import AutoTokenizer

    cfg = load_config(SFTConfig, VARIANTS[variant], {"data": data, "output": out, "max_steps": steps,
                                                    "max_length": max_length, "save_steps": steps + 1})
    marks: list[tuple[float, float]] = []
    result = run_sft(cfg, progress=False, on_step=lambda *_: marks.append((time.perf_counter(), time.process_time())))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    settings = Settings.from_env()
    model_dir = resolve_model(cfg.model, settings)
    tok = AutoTokenizer.from_pretrained(str(model_dir))
    rows = pick_rows([r for r in read_jsonl(Path(data) / "validation.jsonl") if r["task"] in cfg.tasks], val, 0)
    losses = {}
    for on_4bit in ([True, False] if cfg.load_in_4bit else [False]):
        model = load_adapted(model_dir, out, load_in_4bit=on_4bit)
        base = "4-bit base" if on_4bit else "full base"
        with model.disable_adapter():
            losses[f"no adapter, {base}"] = completion_loss(model, tok, rows, 256)[0]
        losses[f"adapter, {base}"] = completion_loss(model, tok, rows, 256)[0]
        del model
    wall = statistics.median(b[0] - a[0] for a, b in zip(marks, marks[1:]))
    cpu = statistics.median(b[1] - a[1] for a, b in zip(marks, marks[1:]))
    return {"variant": variant, "steps": result.steps, "s_per_step": wall, "cpu_s_per_step": cpu,
            "peak_rss_mb": peak_mb, "first_loss": result.first_loss, "last_loss": result.last_loss,
            "val_loss": losses, "val_examples": len(rows)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="optimizer steps for each variant")
    parser.add_argument("--max-length", type=int, default=384, help="tokens per training example")
    parser.add_argument("--val", type=int, default=24, help="validation examples scored (exchange and write)")
    parser.add_argument("--json", dest="json_out", default=None, help="also write the results as JSON here")
    parser.add_argument("--child", choices=list(VARIANTS), help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.data, args.out, args.steps, args.max_length, args.val)))
        return 0

    from finetune.config import DataConfig, SFTConfig, load_config
    from finetune.data import build_dataset

    results = []
    with tempfile.TemporaryDirectory(prefix="scriptroom-qlora-bench-") as tmp:
        data = Path(tmp) / "data"
        build_dataset(load_config(DataConfig, VARIANTS["lora"], {"output": str(data),
                                                                   "tasks": load_config(SFTConfig, VARIANTS["lora"]).tasks}))
        for variant in VARIANTS:
            cmd = [sys.executable, __file__, "--child", variant, "--data", str(data), "--out", str(Path(tmp) / variant),
                   "--steps", str(args.steps), "--max-length", str(args.max_length), "--val", str(args.val)]
            proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)})
            if proc.returncode:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(f"{variant:6} {r['steps']} steps  {r['s_per_step']:5.2f} s/step ({r['cpu_s_per_step']:5.2f} CPU s)  peak RSS {r['peak_rss_mb']:6.0f} MB  "
                  f"train loss {r['first_loss']:.3f} -> {r['last_loss']:.3f}", flush=True)
            for name, loss in r["val_loss"].items():
                print(f"         validation loss ({r['val_examples']} examples), {name:24} {loss:.4f}", flush=True)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
