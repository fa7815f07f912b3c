"""Load a base model for training and wrap it in LoRA: the one place a PEFT model is built.

QLoRA (4-bit NF4 base with double quantization, LoRA on every linear layer) on CUDA and, through
bitsandbytes' CPU backend, on a CPU; plain LoRA on the unquantized base otherwise. Trainers receive the
finished PeftModel and never a LoraConfig, so an adapter is never wrapped twice or left frozen (trl #3926).
Imports only torch/transformers/peft (and bitsandbytes, lazily, for 4-bit) so the GPU check runs on images
without the rest of Scriptroom.
"""

from __future__ import annotations

import logging
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
    # LoRA on the top N decoder layers only (0: all). Backpropagation then stops at the lowest adapted layer,
    # which roughly halves a CPU step when N is a third of the layers.
    last_layers: int = 0

    def config(self, model: Any = None) -> Any:
        from peft import LoraConfig

        targets: Any = self.target_modules
        if targets != "all-linear":
            targets = [t.strip() for t in targets.split(",") if t.strip()]
        layers = None
        n_layers = getattr(getattr(model, "config", None), "num_hidden_layers", None)
        if self.last_layers and n_layers:
            layers = list(range(max(0, n_layers - self.last_layers), n_layers))
            if targets == "all-linear":  # PEFT takes a layer subset only with module names
                targets = linear_names(model)
        return LoraConfig(
            r=self.r, lora_alpha=self.alpha, lora_dropout=self.dropout, target_modules=targets,
            bias="none", task_type="CAUSAL_LM", layers_to_transform=layers,
        )


def linear_names(model: Any) -> list[str]:
    """The names of the decoder's linear layers ("all-linear" spelled out; the output head excluded)."""
    import torch

    return sorted({name.rsplit(".", 1)[-1] for name, mod in model.named_modules()
                   if isinstance(mod, torch.nn.Linear) and "lm_head" not in name})


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


def compute_dtype() -> Any:
    """The dtype 4-bit layers compute in: bf16 on CUDA (the paper's), fp32 on a CPU. There bf16 gained nothing
    steady (SmolLM2-135M, 2 x 192 tokens, one thread: 9.2 against 5.0 s a step at light load, 3.6 against 4.3
    CPU s under heavy load) and fp32 keeps QLoRA's arithmetic that of plain LoRA, so the two differ only by the
    4-bit weights."""
    import torch

    return torch.bfloat16 if cuda_available() else torch.float32


def bnb_config() -> Any:
    """The QLoRA paper's quantization: NF4 weights, double-quantized constants, matmuls in compute_dtype()."""
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=compute_dtype(),
    )


def require_4bit() -> None:
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise FinetuneError(
            "4-bit QLoRA needs bitsandbytes (a Scriptroom dependency): pip install 'bitsandbytes>=0.50', "
            "or train plain LoRA with --no-load-in-4bit"
        ) from None


def _quiet_bitsandbytes() -> None:
    # On CPUs with AVX512-BF16, bitsandbytes reaches for an optional kernel on the Hugging Face Hub when first
    # imported. Scriptroom never downloads (offline, the fetch fails and bitsandbytes uses its built-in kernels),
    # so keep it offline and keep its warning about the missing kernel out of the writer's terminal.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)


def load_base(model_dir: str | Path, *, load_in_4bit: bool = False) -> Any:
    """The base causal LM: NF4 when asked (on CUDA or the CPU), else bf16 on CUDA and fp32 on a CPU."""
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"dtype": compute_dtype()}
    if load_in_4bit:
        _quiet_bitsandbytes()
        require_4bit()
        kwargs["quantization_config"] = bnb_config()
        # Under `accelerate launch` each process holds a full quantized copy on its own GPU (DDP).
        kwargs["device_map"] = {"": int(os.environ.get("LOCAL_RANK", 0)) if cuda_available() else "cpu"}
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
        spec = lora or LoraSpec()
        model = get_peft_model(model, spec.config(model))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if trainable == 0:
        raise RuntimeError("the LoRA model has no trainable parameters; the adapter was loaded frozen")
    return model


def load_adapted(model_dir: str | Path, adapter: str | Path, *, load_in_4bit: bool = False) -> Any:
    """A trained adapter on its base for scoring, frozen. An adapter holds plain LoRA matrices, so one trained
    on the 4-bit base loads on the full-precision base too, and the other way round."""
    from peft import PeftModel

    model = PeftModel.from_pretrained(load_base(model_dir, load_in_4bit=load_in_4bit), str(adapter))
    model.eval()
    return model


def trainable_summary(model: Any) -> dict[str, int]:
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"trainable_params": int(trainable), "total_params": int(total)}


def default_optim(load_in_4bit: bool) -> str:
    # Paged 8-bit AdamW (QLoRA's optimizer) pages its state to host memory, which needs CUDA. On a CPU the
    # state already lives in host memory and the LoRA weights are small, so plain AdamW.
    return "paged_adamw_8bit" if load_in_4bit and cuda_available() else "adamw_torch"


def latest_checkpoint(output: str | Path) -> str | None:
    out = Path(output)
    if not out.is_dir():
        return None
    ckpts = [p for p in out.glob("checkpoint-*") if p.is_dir() and p.name.split("-")[-1].isdigit()]
    return str(max(ckpts, key=lambda p: int(p.name.split("-")[-1]))) if ckpts else None
