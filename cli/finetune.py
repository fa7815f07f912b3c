"""`scriptroom finetune data|style-pairs|sft|dpo|eval|adapters`: build data, train LoRA adapters, evaluate, list them."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.main import command_group, emit

COMMANDS = {
    "data": ("DataConfig", "build the chat-format dataset (JSONL + data card) from the starter library and scripts"),
    "style-pairs": ("StylePairsConfig", "modern -> archaic verse pairs (World English Bible -> King James) in the "
                    "scaffold tier's restyle prompt, for a style adapter (needs the optional style extra)"),
    "sft": ("SFTConfig", "LoRA or QLoRA (--load-in-4bit, CUDA or CPU) supervised fine-tuning"),
    "dpo": ("DPOConfig", "DPO on the writer's stored likes, dislikes and picks, on top of the current adapter"),
    "eval": ("EvalConfig", "adapter vs base: loss, perplexity, valid-Fountain rate, critic score, distinct-2"),
}


def add_parsers(sub: Any) -> None:
    from finetune import config

    fsub = command_group(sub, "finetune", "fine-tune the model on scenes and on the writer's feedback", "STEP")
    for name, (cls_name, help_) in COMMANDS.items():
        q = fsub.add_parser(name, help=help_, description=help_)
        q.add_argument("--config", default=None, help="YAML file with data/sft/dpo/eval sections (see configs/)")
        q.add_argument("--json", action="store_true", help="print the result as JSON")
        config.add_flags(q, getattr(config, cls_name))
        q.set_defaults(func=run, config_class=cls_name)
    q = fsub.add_parser("adapters", help="list the LoRA adapters the app can switch between")
    q.add_argument("--json", action="store_true", help="print the list as JSON")
    q.set_defaults(func=run_adapters)


def _guard(fn: Any, args: argparse.Namespace) -> int:
    from finetune.errors import FinetuneError

    try:
        return fn(args)
    except FinetuneError as exc:
        # A writer's mistake (bad config, no data, too few preferences): one line, exit 2.
        print(f"scriptroom finetune {args.finetune_command}: error: {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    return _guard(_run, args)


def _run(args: argparse.Namespace) -> int:
    from finetune import config

    cls = getattr(config, args.config_class)
    cfg = config.load_config(cls, args.config, config.overrides_from_args(args, cls))
    step = args.finetune_command
    if step == "data":
        from finetune.data import build_dataset

        report = build_dataset(cfg)
        lines = [f"{report.train} train / {report.validation} validation examples from {report.scenes} scenes -> {report.output}"]
        lines += [f"  {t:10} {c['train']:5} {c['validation']:4}" for t, c in sorted(report.per_task.items())]
        emit(report.to_dict(), args.json, "\n".join(lines))
    elif step == "style-pairs":
        from finetune.style_pairs import build_pairs

        report = build_pairs(cfg)
        emit(report.to_dict(), args.json,
             f"{report.train} train / {report.validation} validation pairs for {report.style} from {report.verses} verses "
             f"-> {report.output}\n  dropped: " + ", ".join(f"{k} {v}" for k, v in sorted(report.dropped.items())))
    elif step == "sft":
        from finetune.sft import run_sft

        result = run_sft(cfg, progress=not args.json)
        emit(result.to_dict(), args.json, _train_text(result))
    elif step == "dpo":
        from finetune.dpo import run_dpo

        result, pairs = run_dpo(cfg, progress=not args.json)
        emit(result.to_dict() | {"pairs": pairs.to_dict()}, args.json,
             f"{pairs.pairs} preference pairs ({pairs.from_picks} picks, {pairs.from_like_dislike} like/dislike)\n"
             + _train_text(result))
    else:
        from finetune.evaluate import evaluate

        report = evaluate(cfg, say=(lambda s: None) if args.json else (lambda s: print(s, file=sys.stderr)))
        emit(report.to_dict(), args.json, report.table() + "".join(f"\nnote: {n}" for n in report.notes))
    return 0


def _train_text(result: Any) -> str:
    return (f"{result.steps} steps on {result.examples} examples in {result.seconds:.0f} s; "
            f"loss {result.first_loss} -> {result.last_loss}; adapter saved to {result.output}")


def run_adapters(args: argparse.Namespace) -> int:
    from agent.settings import Settings
    from finetune.adapters import list_adapters

    adapters = list_adapters(Settings.from_env())
    text = "\n".join(
        f"{a.name:32} {'shipped' if a.shipped else a.kind or 'adapter':8} r={a.rank} {a.size_mb:6.2f} MB  {a.path}"
        for a in adapters
    ) or "no adapters"
    emit([a.to_dict() for a in adapters], args.json, text)
    return 0
