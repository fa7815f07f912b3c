"""Adapter against base on held-out scenes: validation loss and perplexity, valid-Fountain rate of
generated scenes, the critic's score, distinct-2; written into the adapter's model card (README.md).

    scriptroom finetune eval --config configs/lora-cpu-tiny.yaml [--adapter FOLDER] [--json]
"""

from __future__ import annotations

import json
import math
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from finetune.config import SHIPPED_ADAPTER, DataConfig, EvalConfig
from finetune.data import build_dataset, read_jsonl
from finetune.errors import FinetuneError
from finetune.sft import META_FILE, resolve_model
from screenplay.record import Record

_WORD_RE = re.compile(r"[a-z']+")


@dataclass
class ModelScores(Record):
    model: str  # "base" or "adapter"
    val_loss: float
    perplexity: float
    valid_fountain: float  # share with a heading and a cue followed by dialogue
    strict_scene: float  # share that is exactly one clean scene (tools.scene_scoring.check_scene)
    critic: float | None
    distinct_2: float
    generations: int
    loss_tokens: int


@dataclass
class EvalReport(Record):
    adapter: str
    base_model: str
    rows: list[ModelScores]
    samples: dict[str, str] = field(default_factory=dict)  # model -> first generated scene
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def table(self) -> str:
        head = "| model | val loss | perplexity | valid Fountain | strict one-scene | critic score | distinct-2 |"
        lines = [head, "|---|---|---|---|---|---|---|"]
        for r in self.rows:
            critic = f"{r.critic:.3f}" if r.critic is not None else "n/a"
            lines.append(
                f"| {r.model} | {r.val_loss:.3f} | {r.perplexity:.2f} | {r.valid_fountain:.0%} ({r.generations}) "
                f"| {r.strict_scene:.0%} | {critic} | {r.distinct_2:.3f} |"
            )
        return "\n".join(lines)


def distinct_2(texts: list[str]) -> float:
    """Distinct word bigrams over all bigrams, pooled across the texts (low: repetitive output)."""
    pairs = []
    for t in texts:
        words = _WORD_RE.findall(t.lower())
        pairs.extend(zip(words, words[1:]))
    return len(set(pairs)) / len(pairs) if pairs else 0.0


def fountain_checks(text: str) -> tuple[bool, bool]:
    """(heading + cue + dialogue, exactly one clean scene) by the project's Fountain parser."""
    from tools.scene_scoring import check_scene

    check = check_scene(text)
    return bool(check.heading) and check.speeches > 0, check.valid


def completion_loss(model: Any, tokenizer: Any, rows: list[dict[str, Any]], max_length: int) -> tuple[float, int]:
    """Mean NLL per answer token (the prompt is context, not scored), token-weighted over rows."""
    import torch

    device = next(model.parameters()).device
    total, count = 0.0, 0
    with torch.inference_mode():
        for row in rows:
            msgs = row["messages"]
            prompt = tokenizer.apply_chat_template(msgs[:-1], add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"]
            full = tokenizer.apply_chat_template(msgs, tokenize=True, return_dict=True)["input_ids"]
            start = len(prompt)
            # Score the first `max_length` answer tokens with the whole prompt as context.
            full = list(full)[: start + max_length]
            if start >= len(full) - 1:
                continue
            ids = torch.tensor([full], device=device)
            labels = ids.clone()
            labels[:, :start] = -100
            out = model(input_ids=ids, labels=labels)
            n = int((labels[:, 1:] != -100).sum())
            total += float(out.loss) * n
            count += n
    if count == 0:
        raise FinetuneError("no validation tokens to score; raise --max-length or rebuild the dataset")
    return total / count, count


def generate_scenes(model: Any, tokenizer: Any, prompts: list[list[dict[str, str]]], max_new_tokens: int) -> list[str]:
    """Greedy decoding with the app's own engine loop, so the numbers match what a writer gets."""
    from agent.models.local import GenerationParams, LocalEngine

    device = str(next(model.parameters()).device.type)
    engine = LocalEngine(model=model, tokenizer=tokenizer, name="eval", device=device)
    params = GenerationParams(max_new_tokens=max_new_tokens, temperature=0, repetition_penalty=1.1)
    return ["".join(engine.stream(p, params)).strip() for p in prompts]


def critic_scorer(notes: list[str]) -> Callable[[list[str]], list[float]] | None:
    try:
        from tools.critic.scene_scorer import SceneScorer
        from tools.embeddings import load_embedder
    except ImportError as exc:
        notes.append(f"critic score skipped: tools.critic has no SceneScorer ({exc})")
        return None
    scorer = SceneScorer.load(load_embedder())
    return lambda texts: scorer.score_many(texts)


def pick_rows(rows: list[dict[str, Any]], n: int, seed: int, task: str | None = None) -> list[dict[str, Any]]:
    pool = [r for r in rows if task is None or r["task"] == task]
    pool = sorted(pool, key=lambda r: r["id"])
    random.Random(seed).shuffle(pool)
    return pool[:n]


def evaluate(cfg: EvalConfig, *, settings: Any = None, say: Callable[[str], None] = lambda s: None) -> EvalReport:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    start = time.perf_counter()
    adapter = SHIPPED_ADAPTER if cfg.adapter == "shipped" else Path(cfg.adapter).expanduser()
    if not (adapter / "adapter_config.json").exists():
        raise FinetuneError(f"{adapter} is not a LoRA adapter folder (no adapter_config.json)")
    val_file = Path(cfg.data) / "validation.jsonl"
    if not val_file.exists():
        say(f"building the dataset into {cfg.data}")
        build_dataset(DataConfig(output=cfg.data))
    rows = read_jsonl(val_file)
    loss_rows = pick_rows(rows, cfg.loss_examples, cfg.seed)
    gen_rows = pick_rows(rows, cfg.generations, cfg.seed, task="write")
    prompts = [r["messages"][:-1] for r in gen_rows]
    model_dir = resolve_model(cfg.model, settings)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    torch.manual_seed(cfg.seed)
    on_cuda = torch.cuda.is_available()
    base = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.bfloat16 if on_cuda else torch.float32)
    model = PeftModel.from_pretrained(base.to("cuda" if on_cuda else "cpu"), str(adapter))
    model.eval()
    notes: list[str] = []
    score = critic_scorer(notes) if cfg.critic else None
    if not cfg.critic:
        notes.append("critic score skipped (--no-critic)")
    results, samples = [], {}
    for name in ("base", "adapter"):
        say(f"{name}: validation loss on {len(loss_rows)} examples")
        if name == "base":
            with model.disable_adapter():
                loss, tokens = completion_loss(model, tokenizer, loss_rows, cfg.max_length)
                say(f"{name}: generating {len(prompts)} scenes")
                texts = generate_scenes(model, tokenizer, prompts, cfg.max_new_tokens)
        else:
            loss, tokens = completion_loss(model, tokenizer, loss_rows, cfg.max_length)
            say(f"{name}: generating {len(prompts)} scenes")
            texts = generate_scenes(model, tokenizer, prompts, cfg.max_new_tokens)
        checks = [fountain_checks(t) for t in texts]
        critic = sum(score(texts)) / len(texts) if score and texts else None
        results.append(ModelScores(
            model=name, val_loss=round(loss, 4), perplexity=round(math.exp(loss), 3),
            valid_fountain=sum(c[0] for c in checks) / max(len(texts), 1),
            strict_scene=sum(c[1] for c in checks) / max(len(texts), 1),
            critic=round(critic, 4) if critic is not None else None,
            distinct_2=round(distinct_2(texts), 4), generations=len(texts), loss_tokens=tokens,
        ))
        samples[name] = texts[0] if texts else ""
    report = EvalReport(adapter=str(adapter), base_model=cfg.model, rows=results, samples=samples, notes=notes,
                        seconds=round(time.perf_counter() - start, 1))
    if cfg.write_card:
        write_card(adapter, report, cfg)
    return report


def write_card(adapter: Path, report: EvalReport, cfg: EvalConfig) -> Path:
    """The adapter's README.md: what it is, how it was trained, how it scores against the base."""
    meta = json.loads((adapter / META_FILE).read_text(encoding="utf-8")) if (adapter / META_FILE).is_file() else {}
    trained = meta.get("config", {})
    result = meta.get("result", {})
    notes = "\n".join(f"- {n}" for n in report.notes) or "- none"
    sample = report.samples.get("adapter", "")[:1200]
    root = Path(__file__).resolve().parents[1]
    shown = adapter.resolve().relative_to(root) if adapter.resolve().is_relative_to(root) else adapter
    card = f"""---
library_name: peft
base_model: HuggingFaceTB/SmolLM2-135M-Instruct
tags: [lora, screenplay, fountain, scriptroom]
---
# {adapter.name}

A LoRA adapter for Scriptroom's embedded model ({report.base_model}, SmolLM2-135M-Instruct dequantized from the
packaged Q4_1 GGUF) that teaches it to answer writing requests with Fountain screenplay scenes.
Standard PEFT format: `PeftModel.from_pretrained(base, "{adapter.name}")`, or `scriptroom chat --adapter {shown}`.

## Training
- Kind: {meta.get("kind", "?")}; data: Scriptroom's starter scene library (original scenes), built by
  `scriptroom finetune data` (see finetune/README.md and the data card it writes).
- Tasks: {", ".join(trained.get("tasks") or ["all"])}; LoRA r={trained.get("lora_r", "?")}, alpha={trained.get("lora_alpha", "?")},
  targets {trained.get("target_modules", "?")}; max length {trained.get("max_length", "?")} tokens; learning rate
  {trained.get("learning_rate", "?")}; {result.get("steps", "?")} steps on {result.get("examples", "?")} examples in
  {result.get("seconds", "?")} s (CPU); training loss {result.get("first_loss", "?")} -> {result.get("last_loss", "?")}.

## Evaluation (held-out starter scenes, `scriptroom finetune eval`)
{report.table()}

- val loss / perplexity: answer tokens only, {report.rows[0].loss_tokens} tokens from {cfg.loss_examples} validation
  examples (all tasks), the first {cfg.max_length} answer tokens of each, whole prompt as context.
- valid Fountain: share of {report.rows[0].generations} greedy generations ({cfg.max_new_tokens} new tokens, repetition
  penalty 1.1) for held-out "write" prompts that have a scene heading and a character cue followed by dialogue,
  by Scriptroom's Fountain parser; strict one-scene also requires no text before the heading and a single heading.
- critic score: mean of the critic's learned SceneScorer (MiniLM + MLP head, 0 = degraded, 1 = well-crafted).
- distinct-2: distinct word bigrams over all bigrams, pooled over the generations.

Notes:
{notes}

## Sample (adapter, first held-out prompt)
```
{sample}
```

## Limits
A 135M model with half an hour of CPU training: it learns the page format, not good writing. Scenes are short,
repetitive and often lose the thread; use it as a format-aware drafting aid, or train a bigger model with
configs/qlora-7b.yaml.
"""
    path = adapter / "README.md"
    path.write_text(card, encoding="utf-8")
    return path
