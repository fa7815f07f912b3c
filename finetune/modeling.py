"""Load a base model for training and wrap it in LoRA: the one place a PEFT model is built.

QLoRA on CUDA (4-bit NF4 base with double quantization, bf16 compute, LoRA on every linear layer);
plain LoRA in fp32 on CPU. Trainers receive the finished PeftModel and never a LoraConfig, so an
adapter is never wrapped twice or left frozen (trl #3926). Imports only torch/transformers/peft
(and bitsandbytes, lazily, on CUDA) so the GPU check runs on images without the rest of Scriptroom.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finetune.errors import FinetuneError


@dataclass
class LoraSpec:
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: str = "all-linear"  # or "q_proj,k_proj,..."

    def config(self) -> Any:
        from peft import LoraConfig

        targets: Any = self.target_modules
        if targets != "all-linear":
            targets = [t.strip() for t in targets.split(",") if t.strip()]
        return LoraConfig(
            r=self.r, lora_alpha=self.alpha, lora_dropout=self.dropout, target_modules=targets,
            bias="none", task_type="CAUSAL_LM",
        )


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def bnb_config() -> Any:
    """The QLoRA paper's quantization: NF4 weights, double-quantized constants, bf16 matmuls."""
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=torch.bfloat16,
    )


def require_4bit() -> None:
    if not cuda_available():
        raise FinetuneError(
            "4-bit QLoRA needs a CUDA GPU; on this machine use plain LoRA (load_in_4bit: false, "
            "e.g. configs/lora-cpu-tiny.yaml)"
        )
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise FinetuneError("4-bit QLoRA needs bitsandbytes: pip install 'scriptroom[gpu]' (or bitsandbytes)") from None


def load_base(model_dir: str | Path, *, load_in_4bit: bool = False) -> Any:
    """The base causal LM: NF4 on CUDA when asked, bf16 on CUDA otherwise, fp32 on CPU."""
    import torch
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {}
    if load_in_4bit:
        require_4bit()
        kwargs["quantization_config"] = bnb_config()
        kwargs["dtype"] = torch.bfloat16
        # Under `accelerate launch` each process holds a full quantized copy on its own GPU (DDP).
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", 0))}
    elif cuda_available():
        kwargs["dtype"] = torch.bfloat16
    else:
        kwargs["dtype"] = torch.float32
    return AutoModelForCausalLM.from_pretrained(str(model_dir), **kwargs)


def make_trainable(
    model: Any,
    *,
    lora: LoraSpec | None = None,
    adapter: str | Path | None = None,
    gradient_checkpointing: bool = False,
) -> Any:
    """A PeftModel whose LoRA weights train: a new adapter from `lora`, or `adapter` reopened trainable."""
    from peft import PeftModel, get_peft_model, prepare_model_for_kbit_training

    if getattr(model, "is_loaded_in_4bit", False) or getattr(model, "is_loaded_in_8bit", False):
        # Norms and embeddings to fp32, input grads on, checkpointing as asked (QLoRA recipe).
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=gradient_checkpointing)
    if adapter is not None:
        path = Path(adapter)
        if not (path / "adapter_config.json").exists():
            raise FinetuneError(f"{path} is not a LoRA adapter folder (no adapter_config.json)")
        # is_trainable=True: the default loads an inference-only, frozen adapter.
        model = PeftModel.from_pretrained(model, str(path), is_trainable=True)
    else:
        model = get_peft_model(model, (lora or LoraSpec()).config())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if trainable == 0:
        raise RuntimeError("the LoRA model has no trainable parameters; the adapter was loaded frozen")
    return model


def trainable_summary(model: Any) -> dict[str, int]:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"trainable_params": int(trainable), "total_params": int(total)}


def default_optim(load_in_4bit: bool) -> str:
    # Paged 8-bit AdamW (QLoRA's optimizer) needs bitsandbytes and CUDA; plain AdamW elsewhere.
    return "paged_adamw_8bit" if load_in_4bit else "adamw_torch"


def latest_checkpoint(output: str | Path) -> str | None:
    out = Path(output)
    if not out.is_dir():
        return None
    ckpts = [p for p in out.glob("checkpoint-*") if p.is_dir() and p.name.split("-")[-1].isdigit()]
    return str(max(ckpts, key=lambda p: int(p.name.split("-")[-1]))) if ckpts else None
