"""Supervised fine-tuning with LoRA or QLoRA (4-bit base, on CUDA or a CPU) through TRL's SFTTrainer.

    scriptroom finetune sft --config configs/lora-cpu-tiny.yaml [--max-steps 20] [--resume]
    scriptroom finetune sft --config configs/qlora-cpu-tiny.yaml      # QLoRA on a CPU
    accelerate launch --config_file configs/accelerate-multigpu.yaml -m finetune.sft --config configs/qlora-7b.yaml

SFTTrainer rather than a plain Trainer: it applies the chat template, masks the prompt so only the
answer is learned (prompt-completion data), truncates and pads; a plain Trainer would need all of that
written here. The PEFT model is built in finetune.modeling and handed over ready, never as a LoraConfig.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from finetune.config import SFTConfig
from finetune.data import read_jsonl
from finetune.errors import FinetuneError
from finetune.modeling import (
    LoraSpec,
    cuda_available,
    default_optim,
    latest_checkpoint,
    load_base,
    make_trainable,
    trainable_summary,
)
from finetune.progress import step_reporter
from screenplay.record import Record

META_FILE = "scriptroom.json"  # beside adapter_config.json: what the adapter was trained on and how


@dataclass
class TrainResult(Record):
    output: str
    steps: int
    examples: int
    seconds: float
    first_loss: float | None
    last_loss: float | None
    params: dict[str, int]
    resumed_from: str | None = None
    log: list[dict[str, Any]] = field(default_factory=list)


def resolve_model(model: str, settings: Any = None) -> Path:
    """The base model's local folder (the embedded GGUF is converted once, by agent.models.store)."""
    from agent.models.store import resolve_model_dir
    from agent.settings import Settings

    settings = settings or Settings.from_env()
    return resolve_model_dir(model, settings.models_dir)


def to_prompt_completion(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat rows -> TRL's conversational prompt/completion form, so the loss covers the answer only."""
    out = []
    for row in rows:
        msgs = row["messages"]
        if not msgs or msgs[-1]["role"] != "assistant":
            raise FinetuneError(f"example {row.get('id', '?')} does not end with an assistant answer")
        out.append({"prompt": msgs[:-1], "completion": msgs[-1:]})
    return out


def check_max_length(rows: list[dict[str, Any]], tokenizer: Any, max_length: int) -> None:
    """Refuse a max_length that leaves no answer token in any example (TRL would fail with an empty dataset).

    Sequences are cut at the end, so an example teaches something only when its prompt is shorter."""
    lengths = sorted(_prompt_tokens(r, tokenizer) for r in rows)
    if lengths and lengths[0] >= max_length:
        raise FinetuneError(
            f"--max-length {max_length} is shorter than every prompt ({lengths[0]} to {lengths[-1]} tokens, median "
            f"{lengths[len(lengths) // 2]}), so no answer would be learned; use at least {lengths[len(lengths) // 2] + 64}"
        )


def _prompt_tokens(row: dict[str, Any], tokenizer: Any) -> int:
    text = tokenizer.apply_chat_template(row["messages"][:-1], tokenize=False, add_generation_prompt=True)
    return len(tokenizer(text)["input_ids"])


def load_split(data: str | Path, split: str, tasks: list[str], limit: int = 0) -> list[dict[str, Any]]:
    rows = read_jsonl(Path(data) / f"{split}.jsonl")
    if tasks:
        rows = [r for r in rows if r["task"] in tasks]
    if limit:
        rows = rows[:limit]
    return rows


def training_args(cfg: Any, *, output: str, cls: Any, **extra: Any) -> Any:
    """TRL config shared by SFT and DPO: precision and optimizer follow the device."""
    on_cuda = cuda_available()
    optim = cfg.optim if getattr(cfg, "optim", "auto") != "auto" else default_optim(cfg.load_in_4bit)
    return cls(
        output_dir=output,
        max_steps=cfg.max_steps,
        num_train_epochs=cfg.num_epochs,
        per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        learning_rate=cfg.learning_rate,
        bf16=on_cuda,
        fp16=False,
        use_cpu=not on_cuda,
        optim=optim,
        max_length=cfg.max_length,
        report_to="none",
        seed=cfg.seed,
        save_total_limit=2,
        logging_first_step=True,
        dataloader_num_workers=0,
        **extra,
    )


def run_sft(cfg: SFTConfig, *, settings: Any = None, progress: bool = True, on_step: Any = None) -> TrainResult:
    """Train a LoRA adapter into cfg.output. ``on_step(step, total, loss)`` hears every optimizer step."""
    from transformers import AutoTokenizer

    train_rows = load_split(cfg.data, "train", cfg.tasks, cfg.max_train)
    if not train_rows:
        raise FinetuneError(f"no training examples in {cfg.data} for tasks {cfg.tasks or 'all'}")
    val_rows = load_split(cfg.data, "validation", cfg.tasks) if cfg.eval_steps else []
    resume_from = None
    if cfg.resume:
        resume_from = latest_checkpoint(cfg.output)
        if resume_from is None:
            raise FinetuneError(f"--resume: no checkpoint-* folder in {cfg.output}; start without --resume")
    model_dir = resolve_model(cfg.model, settings)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    check_max_length(train_rows, tokenizer, cfg.max_length)
    import torch

    threads = torch.get_num_threads()
    if cfg.threads:
        # Oversubscribed cores make torch's threads wait on each other; fewer threads finish sooner.
        torch.set_num_threads(cfg.threads)
    try:
        return _train(cfg, model_dir, tokenizer, train_rows, val_rows, resume_from, progress, on_step)
    finally:
        torch.set_num_threads(threads)  # process-wide: give the caller back its setting


def _train(cfg: SFTConfig, model_dir: Path, tokenizer: Any, train_rows: list, val_rows: list,
           resume_from: str | None, progress: bool, on_step: Any = None) -> TrainResult:
    from datasets import Dataset
    from trl import SFTConfig as TRLSFTConfig
    from trl import SFTTrainer

    model = load_base(model_dir, load_in_4bit=cfg.load_in_4bit)
    model = make_trainable(
        model,
        lora=LoraSpec(cfg.lora_r, cfg.lora_alpha, cfg.lora_dropout, cfg.target_modules, cfg.lora_last_layers),
        gradient_checkpointing=cfg.gradient_checkpointing,
    )
    extra: dict[str, Any] = {}
    if cfg.eval_steps and val_rows:
        extra.update(eval_strategy="steps", eval_steps=cfg.eval_steps, per_device_eval_batch_size=cfg.batch_size)
    args = training_args(
        cfg, output=cfg.output, cls=TRLSFTConfig,
        lr_scheduler_type=cfg.lr_scheduler, warmup_steps=cfg.warmup, logging_steps=cfg.logging_steps,
        save_steps=cfg.save_steps, gradient_checkpointing=cfg.gradient_checkpointing,
        disable_tqdm=not progress, completion_only_loss=True, **extra,
    )
    trainer = SFTTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(to_prompt_completion(train_rows)),
        eval_dataset=Dataset.from_list(to_prompt_completion(val_rows)) if val_rows else None,
        processing_class=tokenizer,
        callbacks=[step_reporter(on_step)] if on_step else None,
    )
    start = time.perf_counter()
    trainer.train(resume_from_checkpoint=resume_from)
    seconds = time.perf_counter() - start
    trainer.save_model(cfg.output)
    result = _result(trainer, cfg.output, len(train_rows), seconds, trainable_summary(trainer.model), resume_from)
    write_meta(cfg.output, kind="sft", base=cfg.model, config=asdict(cfg), result=result)
    return result


def _result(trainer: Any, output: str, n: int, seconds: float, params: dict[str, int], resumed: str | None) -> TrainResult:
    log = [dict(e) for e in trainer.state.log_history if "loss" in e]
    return TrainResult(
        output=output, steps=int(trainer.state.global_step), examples=n, seconds=round(seconds, 1),
        first_loss=log[0]["loss"] if log else None, last_loss=log[-1]["loss"] if log else None,
        params=params, resumed_from=resumed, log=log,
    )


def write_meta(output: str | Path, *, kind: str, base: str, config: dict[str, Any], result: TrainResult) -> Path:
    meta = {
        "kind": kind,
        "base_model": base,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "config": config,
        "result": {k: v for k, v in result.to_dict().items() if k != "log"},
    }
    path = Path(output) / META_FILE
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Entry for `accelerate launch -m finetune.sft --config FILE`."""
    import argparse

    from finetune.config import add_flags, load_config, overrides_from_args

    parser = argparse.ArgumentParser(description="LoRA / QLoRA SFT")
    parser.add_argument("--config", default=None)
    add_flags(parser, SFTConfig)
    args = parser.parse_args(argv)
    result = run_sft(load_config(SFTConfig, args.config, overrides_from_args(args, SFTConfig)))
    print(json.dumps({k: v for k, v in result.to_dict().items() if k != "log"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
