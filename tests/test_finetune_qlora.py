"""QLoRA on a CPU: the embedded SmolLM2-135M loads as NF4 with double quantization through bitsandbytes' CPU
backend, `scriptroom finetune sft --config configs/qlora-cpu-tiny.yaml` trains a LoRA on it, and the adapter
loads on the 4-bit base and on the full-precision one, lowering the loss on both. A few short steps."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

import cli.main
from finetune import modeling
from finetune.config import DataConfig, SFTConfig, load_config
from finetune.data import build_dataset, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
STEPS = 4
MAX_LEN = 192


def test_cpu_qlora_config_is_the_lora_recipe_on_a_4bit_base():
    lora = asdict(load_config(SFTConfig, ROOT / "configs/lora-cpu-tiny.yaml"))
    qlora = asdict(load_config(SFTConfig, ROOT / "configs/qlora-cpu-tiny.yaml"))
    assert qlora["load_in_4bit"] and not lora["load_in_4bit"]
    differ = {k for k in lora if lora[k] != qlora[k]}
    assert differ == {"load_in_4bit", "data", "output", "optim"}, differ
    assert qlora["optim"] == "auto" and lora["optim"] == "adamw_torch"


def test_quantization_and_optimizer_follow_the_device(monkeypatch):
    import torch

    monkeypatch.setattr(modeling, "cuda_available", lambda: False)
    q = modeling.bnb_config()
    assert (q.load_in_4bit, q.bnb_4bit_quant_type, q.bnb_4bit_use_double_quant) == (True, "nf4", True)
    assert q.bnb_4bit_compute_dtype == torch.float32  # bf16 matmuls are the slower ones on a CPU
    assert modeling.default_optim(True) == "adamw_torch"  # paged AdamW needs CUDA
    monkeypatch.setattr(modeling, "cuda_available", lambda: True)
    assert modeling.bnb_config().bnb_4bit_compute_dtype == torch.bfloat16
    assert modeling.default_optim(True) == "paged_adamw_8bit" and modeling.default_optim(False) == "adamw_torch"


def test_job_summary_names_the_recipe():
    from finetune.jobs import JobResult

    args = ("sft", "mine", "/x", 3, 10, 12.0, 2.0, 1.5)
    assert "QLoRA (4-bit base) on your draft" in JobResult(*args, quantized=True).summary()
    assert "(LoRA on your draft" in JobResult(*args).summary()


@pytest.fixture(scope="module")
def qlora_trained(tmp_path_factory, models_home, embedded_model_dir):
    root = tmp_path_factory.mktemp("qlora")
    build_dataset(DataConfig(output=str(root / "data"), tasks=["write"], seed=0))
    out = root / "sft"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCRIPTROOM_HOME", str(models_home))
        rc = cli.main.main([
            "finetune", "sft", "--config", str(ROOT / "configs/qlora-cpu-tiny.yaml"), "--data", str(root / "data"),
            "--output", str(out), "--max-steps", str(STEPS), "--max-length", str(MAX_LEN), "--max-train", "4",
            "--batch-size", "2", "--learning-rate", "5e-3", "--warmup", "0", "--save-steps", "100",
            "--logging-steps", "1", "--json",
        ])
    assert rc == 0
    return read_jsonl(root / "data/train.jsonl")[:4], out


@pytest.mark.slow
def test_the_base_loads_as_nf4_linear4bit_on_the_cpu(embedded_model_dir):
    import bitsandbytes as bnb

    model = modeling.load_base(embedded_model_dir, load_in_4bit=True)
    layer = model.model.layers[0].mlp.down_proj
    assert isinstance(layer, bnb.nn.Linear4bit) and layer.weight.device.type == "cpu"
    assert layer.weight.quant_state.quant_type == "nf4" and layer.weight.quant_state.nested  # double quantization
    assert model.get_memory_footprint() < 200e6  # 540 MB in fp32


@pytest.mark.slow
def test_qlora_trains_the_lora_weights(qlora_trained):
    from safetensors.torch import load_file

    _, out = qlora_trained
    meta = json.loads((out / "scriptroom.json").read_text())
    assert meta["config"]["load_in_4bit"] and meta["result"]["steps"] == STEPS
    weights = load_file(str(out / "adapter_model.safetensors"))
    lora_b = [t for k, t in weights.items() if "lora_B" in k]
    assert lora_b and all(t.abs().sum() > 0 for t in lora_b)  # B starts at zero; every one moved


@pytest.mark.slow
@pytest.mark.parametrize("on_4bit", [True, False], ids=["4bit-base", "full-precision-base"])
def test_qlora_adapter_loads_and_lowers_the_loss_on_either_base(qlora_trained, embedded_model_dir, on_4bit):
    from transformers import AutoTokenizer

    from finetune.evaluate import completion_loss

    rows, out = qlora_trained
    tok = AutoTokenizer.from_pretrained(str(embedded_model_dir))
    model = modeling.load_adapted(embedded_model_dir, out, load_in_4bit=on_4bit)
    assert getattr(model.base_model.model, "is_loaded_in_4bit", False) is on_4bit
    with model.disable_adapter():
        base_loss, _ = completion_loss(model, tok, rows, 32)  # the answer tokens that fit in training
    tuned_loss, _ = completion_loss(model, tok, rows, 32)
    assert tuned_loss < base_loss - 0.05, (base_loss, tuned_loss)
