"""Fine-tuning configuration: dataclasses with help text, loaded from a YAML section and CLI overrides.

One YAML file describes a whole setup (data, sft, dpo, eval sections); each command reads its section.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from agent.settings import EMBEDDED_MODEL, SHIPPED_ADAPTER  # noqa: F401  (SHIPPED_ADAPTER: re-exported)
from finetune.errors import FinetuneError


@dataclass
class DataConfig:
    output: str = field(default="runs/data", metadata={"help": "folder for train.jsonl, validation.jsonl and DATA_CARD.md"})
    starter: bool = field(default=True, metadata={"help": "include the starter scene library (tools/library/starter)"})
    scripts: list[str] = field(
        default_factory=list, metadata={"help": "extra script files or folders (any format screenplay.io reads)"}
    )
    tasks: list[str] = field(
        default_factory=lambda: ["write", "continue", "rewrite", "reformat", "summarize", "critique", "exchange"],
        metadata={"help": "tasks to build: write, continue, rewrite, reformat, summarize, critique, exchange"},
    )
    validation: float = field(default=0.15, metadata={"help": "share of sources (scripts/scenes) held out"})
    style_pairs: int = field(default=2, metadata={"help": "cross-genre rewrite pairs per scene (same beat)"})
    seed: int = field(default=0, metadata={"help": "seed for template choice, pairing and the split"})


@dataclass
class SFTConfig:
    model: str = field(default=EMBEDDED_MODEL, metadata={"help": "embedded name, HF id in the local cache, or folder"})
    data: str = field(default="runs/data", metadata={"help": "folder with train.jsonl / validation.jsonl"})
    output: str = field(default="runs/sft", metadata={"help": "adapter output folder (checkpoints inside)"})
    tasks: list[str] = field(default_factory=list, metadata={"help": "train only these tasks (empty: all)"})
    load_in_4bit: bool = field(default=False, metadata={"help": "QLoRA: NF4 base with double quantization (bitsandbytes; CUDA or CPU)"})
    lora_r: int = field(default=16, metadata={"help": "LoRA rank"})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA alpha (scale = alpha / r)"})
    lora_dropout: float = field(default=0.05, metadata={"help": "LoRA dropout"})
    target_modules: str = field(
        default="all-linear", metadata={"help": "'all-linear' or comma-separated module names (q_proj,v_proj)"}
    )
    lora_last_layers: int = field(default=0, metadata={"help": "LoRA on the top N decoder layers only (0: all; fewer is faster on a CPU)"})
    max_length: int = field(default=1024, metadata={"help": "longest tokenized example; longer ones are cut"})
    max_steps: int = field(default=-1, metadata={"help": "optimizer steps (-1: run num_epochs)"})
    num_epochs: float = field(default=1.0, metadata={"help": "passes over the training set when max_steps is -1"})
    batch_size: int = field(default=1, metadata={"help": "examples per device per step"})
    grad_accum: int = field(default=8, metadata={"help": "gradient accumulation steps"})
    learning_rate: float = field(default=2e-4, metadata={"help": "peak learning rate"})
    warmup: float = field(default=0.03, metadata={"help": "warm-up: a share of the steps when below 1, else a step count"})
    lr_scheduler: str = field(default="cosine", metadata={"help": "transformers scheduler name"})
    optim: str = field(default="auto", metadata={"help": "auto (paged_adamw_8bit for 4-bit on CUDA, else adamw_torch) or a name"})
    gradient_checkpointing: bool = field(default=False, metadata={"help": "recompute activations to save memory"})
    save_steps: int = field(default=50, metadata={"help": "checkpoint every N steps (for --resume)"})
    logging_steps: int = field(default=5, metadata={"help": "log loss every N steps"})
    eval_steps: int = field(default=0, metadata={"help": "evaluate on validation every N steps (0: never)"})
    max_train: int = field(default=0, metadata={"help": "use at most this many training examples (0: all)"})
    seed: int = field(default=0, metadata={"help": "seed for LoRA init and data order"})
    threads: int = field(default=0, metadata={"help": "CPU threads for torch (0: torch's default; 1 on a busy shared CPU)"})
    resume: bool = field(default=False, metadata={"help": "continue from the newest checkpoint in output"})


@dataclass
class DPOConfig:
    model: str = field(default=EMBEDDED_MODEL, metadata={"help": "base model the adapter belongs to"})
    adapter: str = field(default="shipped", metadata={"help": "adapter to improve: folder, 'shipped' or 'none'"})
    feedback_db: str = field(default="", metadata={"help": "preferences SQLite (empty: the data directory's)"})
    writer: str = field(default="", metadata={"help": "only this writer's preferences (empty: all)"})
    output: str = field(default="runs/dpo", metadata={"help": "output adapter folder"})
    beta: float = field(default=0.1, metadata={"help": "DPO beta (strength of the pull towards the reference)"})
    lora_r: int = field(default=16, metadata={"help": "LoRA rank when starting without an adapter"})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA alpha when starting without an adapter"})
    load_in_4bit: bool = field(default=False, metadata={"help": "NF4 base with double quantization (bitsandbytes; CUDA or CPU)"})
    max_length: int = field(default=1024, metadata={"help": "longest prompt + answer in tokens"})
    max_steps: int = field(default=-1, metadata={"help": "optimizer steps (-1: run num_epochs)"})
    num_epochs: float = field(default=1.0, metadata={"help": "passes over the pairs"})
    batch_size: int = field(default=1, metadata={"help": "pairs per step"})
    grad_accum: int = field(default=4, metadata={"help": "gradient accumulation"})
    learning_rate: float = field(default=5e-6, metadata={"help": "learning rate"})
    min_pairs: int = field(default=2, metadata={"help": "refuse to train on fewer pairs than this"})
    seed: int = field(default=0, metadata={"help": "seed"})
    resume: bool = field(default=False, metadata={"help": "continue from the newest checkpoint in output"})


@dataclass
class EvalConfig:
    model: str = field(default=EMBEDDED_MODEL, metadata={"help": "base model"})
    adapter: str = field(default="shipped", metadata={"help": "adapter folder or 'shipped'"})
    data: str = field(default="runs/data", metadata={"help": "folder with validation.jsonl (built if missing)"})
    loss_examples: int = field(default=24, metadata={"help": "validation examples for loss / perplexity"})
    generations: int = field(default=12, metadata={"help": "scenes generated per model for form and critic"})
    max_new_tokens: int = field(default=320, metadata={"help": "tokens per generated scene"})
    max_length: int = field(default=512, metadata={"help": "answer tokens scored per validation example"})
    critic: bool = field(default=True, metadata={"help": "score scenes with the critic's SceneScorer if present"})
    write_card: bool = field(default=True, metadata={"help": "write the results into the adapter's README.md"})
    seed: int = field(default=0, metadata={"help": "seed for choosing validation examples"})


@dataclass
class StylePairsConfig:
    output: str = field(default="runs/style-kjv", metadata={"help": "folder for train.jsonl, validation.jsonl and DATA_CARD.md"})
    style: str = field(default="shakespearean", metadata={"help": "the style preset whose element prompt the pairs are put in"})
    train: int = field(default=3000, metadata={"help": "training examples at most"})
    val_examples: int = field(default=200, metadata={"help": "validation examples at most"})
    validation: float = field(default=0.1, metadata={"help": "share of chapters held out"})
    min_words: int = field(default=6, metadata={"help": "shortest verse kept, in words (both versions)"})
    max_words: int = field(default=40, metadata={"help": "longest verse kept, in words (both versions)"})
    max_overlap: float = field(default=0.8, metadata={"help": "drop pairs whose word-level similarity is above this"})
    archaic_only: bool = field(default=True, metadata={"help": "keep only KJV verses with an archaic marker (thee, hath, unto, -eth...)"})
    seed: int = field(default=0, metadata={"help": "seed for the split, prompt kinds and order"})


SECTIONS: dict[str, type] = {"data": DataConfig, "sft": SFTConfig, "dpo": DPOConfig, "eval": EvalConfig,
                             "style_pairs": StylePairsConfig}
C = TypeVar("C")


def _base_type(tp: Any) -> Any:
    """int | None -> int; list[str] -> list."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _base_type(args[0])
    return origin or tp


def _coerce(cls: type, name: str, value: Any) -> Any:
    hints = typing.get_type_hints(cls)
    tp = _base_type(hints[name])
    try:
        if tp is list:
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            return [str(v) for v in value]
        if tp is bool:
            if isinstance(value, str):
                if value.lower() in ("1", "true", "yes", "on"):
                    return True
                if value.lower() in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            return bool(value)
        return tp(value)
    except (TypeError, ValueError):
        raise FinetuneError(f"{name}: {value!r} is not a valid {tp.__name__}") from None


def build(cls: type[C], values: dict[str, Any]) -> C:
    """A config from a mapping; unknown keys are an error that lists the known ones."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise FinetuneError(
            f"unknown {cls.__name__} option(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    return cls(**{k: _coerce(cls, k, v) for k, v in values.items()})


def load_config(cls: type[C], path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> C:
    """Defaults, then the YAML file's section for `cls`, then overrides (CLI flags)."""
    section = next(name for name, c in SECTIONS.items() if c is cls)
    values: dict[str, Any] = {}
    if path:
        import yaml

        p = Path(path)
        if not p.is_file():
            raise FinetuneError(f"config {p} does not exist; see configs/ for examples")
        try:
            doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise FinetuneError(f"config {p} is not valid YAML: {exc}") from None
        if not isinstance(doc, dict):
            raise FinetuneError(f"config {p} must be a mapping with sections {', '.join(SECTIONS)}")
        extra = sorted(set(doc) - set(SECTIONS))
        if extra:
            raise FinetuneError(f"config {p}: unknown section(s) {', '.join(extra)}; use {', '.join(SECTIONS)}")
        values.update(doc.get(section) or {})
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    return build(cls, values)


def add_flags(parser: argparse.ArgumentParser, cls: type) -> None:
    """One --flag per field, default None so only flags given override the YAML."""
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        flag = "--" + f.name.replace("_", "-")
        tp = _base_type(hints[f.name])
        help_ = f.metadata.get("help", "")
        if tp is bool:
            parser.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, default=None, help=help_)
        else:
            parser.add_argument(flag, dest=f.name, default=None, metavar=f.name.upper(), help=help_)


def overrides_from_args(args: argparse.Namespace, cls: type) -> dict[str, Any]:
    return {f.name: getattr(args, f.name) for f in fields(cls) if getattr(args, f.name, None) is not None}


def to_dict(cfg: Any) -> dict[str, Any]:
    return dataclasses.asdict(cfg)
