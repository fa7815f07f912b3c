"""DPO from the writer's feedback: stored likes, dislikes and picks -> preference pairs -> TRL DPOTrainer.

    scriptroom finetune dpo --config configs/lora-cpu-tiny.yaml [--adapter shipped] [--output runs/dpo]

Training continues the current adapter (reopened trainable); TRL keeps a frozen copy of it as the
reference model, so DPO pulls away from the adapter the writer was using, not from the bare base.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable

from finetune.config import SHIPPED_ADAPTER, DPOConfig
from finetune.errors import FinetuneError
from finetune.modeling import LoraSpec, latest_checkpoint, load_base, make_trainable, trainable_summary
from finetune.progress import step_reporter
from finetune.sft import TrainResult, _result, resolve_model, training_args, write_meta
from screenplay.record import Record

MAX_PAIRS_PER_PROMPT = 4  # a prompt with many likes and dislikes should not dominate the run


@dataclass
class PairReport(Record):
    pairs: int
    from_picks: int
    from_like_dislike: int
    unpaired: int  # likes or dislikes with no opposite judgement on the same prompt
    ignored: int = 0  # picks whose chosen and rejected texts are the same


def preference_pairs(records: Iterable[Any]) -> tuple[list[dict[str, str]], PairReport]:
    """(prompt, chosen, rejected) triples: each pick is one; a like and a dislike of one prompt make one."""
    pairs: list[dict[str, str]] = []
    liked: dict[str, list[str]] = {}
    disliked: dict[str, list[str]] = {}
    picks = ignored = 0
    for r in records:
        chosen, rejected = r.chosen.strip(), r.rejected.strip()
        if chosen and rejected:
            if chosen == rejected:
                ignored += 1
                continue
            pairs.append({"prompt": r.prompt, "chosen": chosen, "rejected": rejected})
            picks += 1
        elif chosen:
            liked.setdefault(r.prompt, []).append(chosen)
        elif rejected:
            disliked.setdefault(r.prompt, []).append(rejected)
    matched = unpaired = 0
    for prompt in sorted(set(liked) | set(disliked)):
        goods, bads = liked.get(prompt, []), disliked.get(prompt, [])
        if not goods or not bads:
            unpaired += len(goods) + len(bads)
            continue
        combos = [(g, b) for g in goods for b in bads if g != b][:MAX_PAIRS_PER_PROMPT]
        pairs.extend({"prompt": prompt, "chosen": g, "rejected": b} for g, b in combos)
        matched += len(combos)
    return pairs, PairReport(len(pairs), picks, matched, unpaired, ignored)


def to_conversational(pairs: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "prompt": [{"role": "user", "content": p["prompt"]}],
            "chosen": [{"role": "assistant", "content": p["chosen"]}],
            "rejected": [{"role": "assistant", "content": p["rejected"]}],
        }
        for p in pairs
    ]


def resolve_adapter(adapter: str) -> Path | None:
    if adapter in ("", "none"):
        return None
    path = SHIPPED_ADAPTER if adapter == "shipped" else Path(adapter).expanduser()
    if not (path / "adapter_config.json").exists():
        raise FinetuneError(f"adapter {adapter!r} is not a LoRA adapter folder; use a folder, 'shipped' or 'none'")
    return path


def load_preferences(cfg: DPOConfig, settings: Any = None) -> list[Any]:
    from agent.settings import Settings
    from agent.storage import Storage

    db = Path(cfg.feedback_db) if cfg.feedback_db else (settings or Settings.from_env()).feedback_db
    if not db.exists():
        raise FinetuneError(
            f"no feedback database at {db}: like, dislike or pick options in the app first, "
            "or pass --feedback-db FILE"
        )
    records = Storage(db).preferences()
    return [r for r in records if not cfg.writer or r.writer == cfg.writer]


def run_dpo(
    cfg: DPOConfig, *, settings: Any = None, progress: bool = True, on_step: Any = None
) -> tuple[TrainResult, PairReport]:
    """DPO on the stored preferences into cfg.output. ``on_step(step, total, loss)`` hears every step."""
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import DPOConfig as TRLDPOConfig
    from trl import DPOTrainer

    pairs, report = preference_pairs(load_preferences(cfg, settings))
    if report.pairs < cfg.min_pairs:
        raise FinetuneError(
            f"only {report.pairs} preference pair(s) (need {cfg.min_pairs}): a pair is a pick among options, "
            f"or a like and a dislike of answers to the same request ({report.unpaired} unpaired judgements)"
        )
    adapter = resolve_adapter(cfg.adapter)
    resume_from = latest_checkpoint(cfg.output) if cfg.resume else None
    if cfg.resume and resume_from is None:
        raise FinetuneError(f"--resume: no checkpoint-* folder in {cfg.output}; start without --resume")
    model_dir = resolve_model(cfg.model, settings)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = make_trainable(
        load_base(model_dir, load_in_4bit=cfg.load_in_4bit),
        adapter=adapter,
        lora=LoraSpec(cfg.lora_r, cfg.lora_alpha),
    )
    args = training_args(
        cfg, output=cfg.output, cls=TRLDPOConfig, beta=cfg.beta, logging_steps=1,
        save_steps=max(10, cfg.max_steps // 2 if cfg.max_steps > 0 else 50), disable_tqdm=not progress,
    )
    trainer = DPOTrainer(
        model=model, args=args, train_dataset=Dataset.from_list(to_conversational(pairs)), processing_class=tokenizer,
        callbacks=[step_reporter(on_step)] if on_step else None,
    )
    start = time.perf_counter()
    trainer.train(resume_from_checkpoint=resume_from)
    seconds = time.perf_counter() - start
    # Only the trained adapter: TRL's frozen "ref" copy is an implementation detail of the loss.
    trainer.model.save_pretrained(cfg.output, selected_adapters=["default"])
    result = _result(trainer, cfg.output, len(pairs), seconds, trainable_summary(trainer.model), resume_from)
    write_meta(cfg.output, kind="dpo", base=cfg.model, config=asdict(cfg) | {"pairs": report.to_dict()}, result=result)
    return result, report
