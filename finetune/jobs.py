"""Fine-tuning runs the app starts for a writer: LoRA or QLoRA on their draft plus the starter library, or DPO on their
own picks and judgements. Each ends as a standard PEFT folder under ``settings.adapters_dir``, where the app
lists it; the run works in ``<home>/runs/<name>-<time>`` (removed when it ends) and the adapter appears only
once it is complete.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from finetune.config import SHIPPED_ADAPTER, DataConfig, DPOConfig, SFTConfig
from finetune.errors import FinetuneError
from finetune.progress import OnStep
from screenplay.record import Record

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_STEPS = 500  # an app-started run on a shared server stays bounded


@dataclass(frozen=True)
class JobResult(Record):
    kind: str  # "sft" or "dpo"
    name: str
    path: str  # the finished adapter folder
    steps: int
    examples: int
    seconds: float
    first_loss: float | None
    last_loss: float | None
    quantized: bool = False  # trained on the 4-bit (NF4) base: QLoRA

    def summary(self) -> str:
        loss = ""
        if self.first_loss is not None and self.last_loss is not None:
            loss = f"; training loss {self.first_loss:.3f} -> {self.last_loss:.3f}"
        what = "DPO on your preferences"
        if self.kind == "sft":
            what = f"{'QLoRA (4-bit base)' if self.quantized else 'LoRA'} on your draft and the starter library"
        return (f"Trained **{self.name}** ({what}): {self.steps} steps on {self.examples} examples in "
                f"{self.seconds:.0f} s{loss}. Choose it under Settings → LoRA adapter.")


def adapter_folder(settings: Any, name: str) -> Path:
    """Where an adapter called ``name`` goes; a bad or taken name raises FinetuneError."""
    name = name.strip()
    if not NAME_RE.match(name):
        raise FinetuneError(
            f"{name!r} is not a usable adapter name: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (e.g. my-noir-v1)"
        )
    folder = Path(settings.adapters_dir) / name
    if folder.exists():
        raise FinetuneError(f"an adapter named {name!r} already exists in {folder.parent}; choose another name")
    return folder


def _check(settings: Any, steps: int) -> None:
    if settings.backend != "local":
        raise FinetuneError(
            f"fine-tuning from the app trains the local model; this server uses the {settings.backend} backend. "
            "Train with `scriptroom finetune sft --config configs/qlora-7b.yaml` where the model lives."
        )
    if not 1 <= steps <= MAX_STEPS:
        raise FinetuneError(f"steps must be 1 to {MAX_STEPS}, not {steps}")


def train_on_draft(
    settings: Any, fountain: str, name: str, *, steps: int = 20, max_length: int = 512, load_in_4bit: bool = False,
    on_step: OnStep | None = None,
) -> JobResult:
    """LoRA SFT (the recipe of the shipped adapter, shorter) on the writer's draft plus the starter library;
    QLoRA (the same on an NF4 base, configs/qlora-cpu-tiny.yaml) with ``load_in_4bit``."""
    from finetune.data import build_dataset
    from finetune.sft import run_sft

    final = adapter_folder(settings, name)
    _check(settings, steps)
    with _workdir(settings, final.name) as work:
        draft = work / "draft.fountain"
        draft.write_text(fountain, encoding="utf-8")
        tasks = ["exchange", "write"]
        build_dataset(DataConfig(output=str(work / "data"), starter=True, scripts=[str(draft)], tasks=tasks))
        cfg = SFTConfig(
            model=settings.model, data=str(work / "data"), output=str(work / "adapter"), tasks=tasks, lora_r=8,
            lora_alpha=16, max_length=max_length, max_steps=steps, grad_accum=1, learning_rate=6e-4, warmup=0.05,
            load_in_4bit=load_in_4bit, save_steps=max(steps, 10), logging_steps=max(1, min(10, steps // 4)),
        )
        result = run_sft(cfg, settings=settings, progress=False, on_step=on_step)
        return _finish("sft", final, result, quantized=load_in_4bit)


def train_on_preferences(
    settings: Any, writer: str, name: str, *, steps: int = 10, max_length: int = 512, on_step: OnStep | None = None
) -> JobResult:
    """DPO on this writer's stored picks and like/dislike pairs, on top of the shipped adapter when present."""
    from finetune.dpo import run_dpo

    final = adapter_folder(settings, name)
    _check(settings, steps)
    base = "shipped" if (SHIPPED_ADAPTER / "adapter_config.json").is_file() else "none"
    with _workdir(settings, final.name) as work:
        cfg = DPOConfig(
            model=settings.model, adapter=base, feedback_db=str(settings.feedback_db), writer=writer,
            output=str(work / "adapter"), max_length=max_length, max_steps=steps, grad_accum=1, learning_rate=5e-5,
        )
        result, _ = run_dpo(cfg, settings=settings, progress=False, on_step=on_step)
        return _finish("dpo", final, result)


@contextmanager
def _workdir(settings: Any, name: str) -> Iterator[Path]:
    """The run's data and checkpoints, removed when it ends, finished or failed (the app does not resume)."""
    work = Path(settings.home) / "runs" / f"{name}-{int(time.time())}"
    work.mkdir(parents=True, exist_ok=False)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _finish(kind: str, final: Path, result: Any, *, quantized: bool = False) -> JobResult:
    """Export the adapter beside ``final``, then rename: the app never lists a half-written adapter."""
    from finetune.adapters import export_adapter

    staging = final.parent / f".{final.name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    export_adapter(result.output, staging)  # config, fp16 weights and metadata; no checkpoints
    (staging / "README.md").write_text(
        f"# {final.name}\n\nTrained in the Scriptroom app ({kind}).\n\n```json\n"
        f"{json.dumps({k: v for k, v in result.to_dict().items() if k != 'log'}, indent=2)}\n```\n", encoding="utf-8",
    )
    os.replace(staging, final)
    return JobResult(kind, final.name, str(final), result.steps, result.examples, result.seconds,
                     result.first_loss, result.last_loss, quantized)
