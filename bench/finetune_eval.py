"""The shipped CPU LoRA adapter against the embedded base: val loss / perplexity, valid-Fountain rate,
critic score and distinct-2 on held-out starter scenes; prints the table and rewrites the adapter's card.

    .venv/bin/python bench/finetune_eval.py                      # configs/lora-cpu-tiny.yaml, eval section
    .venv/bin/python bench/finetune_eval.py --generations 4 --no-write-card --json /tmp/ft_eval.json

Several minutes on a 2-core CPU: greedy generation of every scene by both models dominates.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from finetune.config import EvalConfig, add_flags, load_config, overrides_from_args  # noqa: E402
from finetune.evaluate import evaluate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(ROOT / "configs" / "lora-cpu-tiny.yaml"))
    parser.add_argument("--json", dest="json_out", default=None, help="also write the report as JSON here")
    add_flags(parser, EvalConfig)
    args = parser.parse_args(argv)
    cfg = load_config(EvalConfig, args.config, overrides_from_args(args, EvalConfig))
    report = evaluate(cfg, say=lambda s: print(time.strftime("%X"), s, file=sys.stderr, flush=True))
    print(report.table())
    for note in report.notes:
        print(f"note: {note}")
    print(f"({report.seconds:.0f} s)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report.to_dict(), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
