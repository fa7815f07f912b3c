"""A short QLoRA SFT on random-weight models (SmolLM2-135M and a 7B Llama-class architecture), built from
config dicts so nothing is downloaded; prints peak VRAM, tokens/s and loss for each.

    bash finetune/gpu_check.sh                     # on a CUDA machine: both models, ~5 minutes
    python -m finetune.gpu_check --cpu-smoke       # anywhere: the 135M QLoRA path on a CPU (bitsandbytes), a few steps

Random weights make the loss meaningless as quality (it starts near ln(vocab)); it must fall as the
adapter fits the repeated synthetic batch, which shows the LoRA weights train through the 4-bit base.
Uses a plain transformers Trainer on token ids so it needs neither TRL nor a tokenizer.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# SmolLM2-135M-Instruct's architecture (the embedded model).
SMOLLM2_135M = dict(
    architectures=["LlamaForCausalLM"], model_type="llama", hidden_size=576, intermediate_size=1536,
    num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3, vocab_size=49152,
    max_position_embeddings=8192, rms_norm_eps=1e-5, rope_theta=100000.0, tie_word_embeddings=True,
    hidden_act="silu", bos_token_id=1, eos_token_id=2,
)
# A 7B-class Llama/Mistral-style architecture (Llama-2-7B shapes with grouped-query attention off).
LLAMA_7B = dict(
    architectures=["LlamaForCausalLM"], model_type="llama", hidden_size=4096, intermediate_size=11008,
    num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32, vocab_size=32000,
    max_position_embeddings=4096, rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False,
    hidden_act="silu", bos_token_id=1, eos_token_id=2,
)
MODELS = {"smollm2-135m": SMOLLM2_135M, "llama-7b": LLAMA_7B}


@dataclass
class CheckResult:
    model: str
    params_b: float
    quantized: bool
    steps: int
    seq_len: int
    batch: int
    peak_vram_gb: float | None
    tokens_per_s: float
    first_loss: float
    last_loss: float
    trainable: int
    build_s: float
    train_s: float

    def line(self) -> str:
        vram = f"{self.peak_vram_gb:.2f} GB" if self.peak_vram_gb is not None else "n/a (CPU)"
        return (f"{self.model:14} {self.params_b:5.2f}B 4bit={self.quantized!s:5} peak VRAM {vram:>10}  "
                f"{self.tokens_per_s:9.0f} tok/s  loss {self.first_loss:.3f} -> {self.last_loss:.3f}  "
                f"({self.steps} steps x {self.batch}x{self.seq_len}, build {self.build_s:.0f}s, train {self.train_s:.0f}s)")


def _random_checkpoint(arch: dict[str, Any], folder: Path, on_cuda: bool) -> float:
    """Write a random-weight checkpoint so the 4-bit path loads it like any downloaded model."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig

    config = LlamaConfig(**{k: v for k, v in arch.items() if k not in ("architectures", "model_type")})
    torch.manual_seed(0)
    # Built on the GPU in bf16 when there is one: a 7B model initialises in seconds there, minutes on a CPU.
    device = torch.device("cuda" if on_cuda else "cpu")
    dtype = torch.bfloat16 if on_cuda else torch.float32
    with device:
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    params = sum(p.numel() for p in model.parameters()) / 1e9
    model.save_pretrained(folder, safe_serialization=True, max_shard_size="4GB")
    del model
    if on_cuda:
        torch.cuda.empty_cache()
    return params


class _Batches:
    """One fixed random batch of token ids, repeated: the adapter can fit it, so the loss must fall."""

    def __init__(self, vocab: int, seq_len: int, n: int):
        import torch

        g = torch.Generator().manual_seed(1)
        self.ids = torch.randint(3, min(vocab, 8000), (n, seq_len), generator=g)

    def __len__(self) -> int:
        return 10_000

    def __getitem__(self, i: int) -> dict[str, Any]:
        ids = self.ids[i % len(self.ids)]
        return {"input_ids": ids, "labels": ids.clone(), "attention_mask": ids.new_ones(ids.shape)}


def run_check(name: str, *, steps: int, seq_len: int, batch: int, quantize: bool, workdir: Path) -> CheckResult:
    import torch
    from transformers import Trainer, TrainingArguments

    from finetune.modeling import LoraSpec, default_optim, load_base, make_trainable

    on_cuda = torch.cuda.is_available()
    arch = MODELS[name]
    folder = workdir / name
    t0 = time.perf_counter()
    params = _random_checkpoint(arch, folder, on_cuda)
    model = make_trainable(
        load_base(folder, load_in_4bit=quantize), lora=LoraSpec(r=16, alpha=32, dropout=0.0),
        gradient_checkpointing=on_cuda,
    )
    shutil.rmtree(folder, ignore_errors=True)  # the 7B checkpoint is ~13 GB of disk
    build_s = time.perf_counter() - t0
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if on_cuda:
        torch.cuda.reset_peak_memory_stats()
    args = TrainingArguments(
        output_dir=str(workdir / f"{name}-out"), max_steps=steps, per_device_train_batch_size=batch,
        gradient_accumulation_steps=1, learning_rate=1e-3, lr_scheduler_type="constant", logging_steps=1,
        bf16=on_cuda, use_cpu=not on_cuda, optim=default_optim(quantize),
        gradient_checkpointing=on_cuda, save_strategy="no", report_to="none", disable_tqdm=True,
        dataloader_num_workers=0, seed=0,
    )
    trainer = Trainer(model=model, args=args, train_dataset=_Batches(arch["vocab_size"], seq_len, batch))
    t1 = time.perf_counter()
    trainer.train()
    if on_cuda:
        torch.cuda.synchronize()
    train_s = time.perf_counter() - t1
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    peak = torch.cuda.max_memory_allocated() / 2**30 if on_cuda else None
    result = CheckResult(
        model=name, params_b=round(params, 3), quantized=quantize, steps=steps, seq_len=seq_len, batch=batch,
        peak_vram_gb=round(peak, 2) if peak is not None else None,
        tokens_per_s=round(steps * batch * seq_len / train_s, 1), first_loss=round(losses[0], 4),
        last_loss=round(losses[-1], 4), trainable=int(trainable), build_s=round(build_s, 1), train_s=round(train_s, 1),
    )
    del trainer, model
    if on_cuda:
        torch.cuda.empty_cache()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="QLoRA SFT check on random-weight models")
    parser.add_argument("--cpu-smoke", action="store_true", help="135M only, 4-bit on the CPU, a few short steps")
    parser.add_argument("--models", default="smollm2-135m,llama-7b", help="comma-separated: " + ", ".join(MODELS))
    parser.add_argument("--steps", type=int, default=30, help="optimizer steps per model")
    parser.add_argument("--seq-len", type=int, default=512, help="tokens per sequence")
    parser.add_argument("--batch", type=int, default=4, help="sequences per step")
    parser.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    import torch

    if args.cpu_smoke:
        models, steps, seq_len, batch, quantize = ["smollm2-135m"], min(args.steps, 4), min(args.seq_len, 32), 1, True
    else:
        if not torch.cuda.is_available():
            print("gpu_check: no CUDA device visible (torch.cuda.is_available() is False). This check needs an "
                  "NVIDIA GPU; run `python -m finetune.gpu_check --cpu-smoke` for the CPU path.", file=sys.stderr)
            return 3
        models, steps, seq_len, batch, quantize = args.models.split(","), args.steps, args.seq_len, args.batch, True
        print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="scriptroom-gpucheck-") as tmp:
        for name in models:
            if name not in MODELS:
                print(f"gpu_check: unknown model {name!r}; use {', '.join(MODELS)}", file=sys.stderr)
                return 2
            r = run_check(name, steps=steps, seq_len=seq_len, batch=batch, quantize=quantize, workdir=Path(tmp))
            results.append(r)
            print(r.line(), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=2), encoding="utf-8")
    failed = [r.model for r in results if not (math.isfinite(r.last_loss) and r.last_loss < r.first_loss)]
    if failed:
        print(f"gpu_check: loss did not fall for {', '.join(failed)}", file=sys.stderr)
        return 1
    print("gpu_check: ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
