"""PEFT LoRA adapters converted to GGUF LoRA files, so llama.cpp applies them on top of the quantised GGUF.

The conversion follows llama.cpp's convert_lora_to_gguf.py: tensor names come from the `gguf` package's
TensorNameMap (llama.cpp's own table), A and B are stored as PEFT holds them, and for the llama architecture
the rows of B of q_proj and k_proj get the rotary permutation convert_hf_to_gguf applies to the base weights.
Conversions are cached by content, so a writer's adapter is converted once, in well under a second.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from agent.models.errors import ModelUnavailableError

# Architectures whose q/k weights convert_hf_to_gguf permutes for its rotary layout.
PERMUTED_QK = {"llama"}


def _field(reader: Any, key: str) -> Any:
    f = reader.fields.get(key)
    if f is None:
        return None
    value = f.parts[f.data[0]]
    return bytes(value).decode("utf-8") if key.endswith("architecture") else int(value[0])


def _permute(rows: Any, n_head: int) -> Any:
    """convert_hf_to_gguf's LlamaModel.permute, on the output rows of a LoRA B matrix."""
    return (rows.reshape(n_head, 2, rows.shape[0] // n_head // 2, *rows.shape[1:])
            .swapaxes(1, 2)
            .reshape(rows.shape))


def adapter_key(adapter_dir: Path, base_gguf: Path) -> str:
    digest = hashlib.sha256()
    for name in ("adapter_config.json", "adapter_model.safetensors"):
        digest.update((adapter_dir / name).read_bytes())
    digest.update(base_gguf.name.encode())
    return digest.hexdigest()[:20]


def convert_peft_to_gguf(adapter_dir: Path, base_gguf: Path, out: Path) -> Path:
    """Write ``out``, a GGUF LoRA for ``base_gguf`` from the PEFT adapter folder ``adapter_dir``."""
    import gguf
    import numpy as np
    from safetensors.numpy import load_file

    adapter_dir = Path(adapter_dir)
    config_path, weights_path = adapter_dir / "adapter_config.json", adapter_dir / "adapter_model.safetensors"
    if not config_path.is_file() or not weights_path.is_file():
        raise ModelUnavailableError(
            f"{adapter_dir} is not a PEFT LoRA adapter folder (adapter_config.json and adapter_model.safetensors); "
            "use a folder written by `scriptroom finetune sft`"
        )
    config = json.loads(config_path.read_text())
    if config.get("peft_type", "LORA") != "LORA" or config.get("use_dora") or config.get("use_rslora"):
        raise ModelUnavailableError(f"{adapter_dir}: only plain LoRA adapters convert to llama.cpp (no DoRA or rsLoRA)")
    if config.get("rank_pattern") or config.get("alpha_pattern"):
        raise ModelUnavailableError(f"{adapter_dir}: per-module ranks or alphas do not convert to llama.cpp")

    reader = gguf.GGUFReader(str(base_gguf))
    arch = _field(reader, "general.architecture")
    blocks = _field(reader, f"{arch}.block_count")
    n_head = _field(reader, f"{arch}.attention.head_count")
    n_head_kv = _field(reader, f"{arch}.attention.head_count_kv") or n_head
    model_arch = {name: a for a, name in gguf.MODEL_ARCH_NAMES.items()}.get(arch)
    if model_arch is None or blocks is None:
        raise ModelUnavailableError(f"{base_gguf.name}: architecture {arch!r} is not one llama.cpp's gguf package maps")
    names = gguf.get_tensor_name_map(model_arch, blocks)

    pairs: dict[str, dict[str, Any]] = {}
    for key, tensor in load_file(str(weights_path)).items():
        # base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight -> model.layers.0.self_attn.q_proj
        module, _, part = key.removeprefix("base_model.model.").rpartition(".lora_")
        if part not in ("A.weight", "B.weight"):
            raise ModelUnavailableError(f"{adapter_dir}: tensor {key} is not a LoRA A/B weight; only LoRA on linear "
                                        "layers converts to llama.cpp")
        pairs.setdefault(module, {})[part[0]] = tensor.astype(np.float32)

    # Written beside the target and renamed, so an interrupted conversion never leaves half a file in the cache.
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    writer_tmp = Path(tmp_name)
    try:
        writer = gguf.GGUFWriter(str(writer_tmp), arch)
        writer.add_type(gguf.GGUFType.ADAPTER)
        writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(config.get("lora_alpha", config.get("r", 8))))
        for module, ab in sorted(pairs.items()):
            if set(ab) != {"A", "B"}:
                raise ModelUnavailableError(f"{adapter_dir}: {module} has only half a LoRA pair")
            target = names.get_name(module + ".weight", try_suffixes=(".weight",))
            if target is None:
                raise ModelUnavailableError(f"{adapter_dir}: no llama.cpp tensor for {module}")
            a, b = ab["A"], ab["B"]
            if arch in PERMUTED_QK and module.endswith("q_proj"):
                b = _permute(b, n_head)
            elif arch in PERMUTED_QK and module.endswith("k_proj"):
                b = _permute(b, n_head_kv)
            writer.add_tensor(f"{target}.lora_a", np.ascontiguousarray(a))
            writer.add_tensor(f"{target}.lora_b", np.ascontiguousarray(b))
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        os.replace(writer_tmp, out)
    except BaseException:
        writer_tmp.unlink(missing_ok=True)
        raise
    return out


def cached_gguf_lora(adapter_dir: str | Path, base_gguf: Path, cache_dir: Path) -> Path:
    """The GGUF LoRA of ``adapter_dir`` for ``base_gguf``, converted on first use and kept in ``cache_dir``."""
    adapter_dir = Path(adapter_dir).expanduser()
    if not (adapter_dir / "adapter_config.json").is_file():
        raise ModelUnavailableError(
            f"{adapter_dir} is not a LoRA adapter folder (no adapter_config.json); "
            "use a folder written by `scriptroom finetune sft`"
        )
    out = cache_dir / f"{adapter_dir.name}-{adapter_key(adapter_dir, base_gguf)}.gguf"
    if not out.is_file():
        convert_peft_to_gguf(adapter_dir, base_gguf, out)
    return out
