"""The LoRA adapters a writer can switch between: the shipped one plus those under settings.adapters_dir."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finetune.config import SHIPPED_ADAPTER
from finetune.sft import META_FILE
from screenplay.record import Record


@dataclass
class AdapterInfo(Record):
    name: str
    path: str
    shipped: bool
    base_model: str = ""
    kind: str = ""  # "sft" or "dpo" when Scriptroom trained it
    rank: int | None = None
    size_mb: float = 0.0
    created: str = ""


def adapter_info(path: Path, *, shipped: bool = False) -> AdapterInfo | None:
    """Details of one adapter folder, or None when the folder holds no adapter."""
    config_file = path / "adapter_config.json"
    if not config_file.is_file():
        return None
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
        meta = json.loads((path / META_FILE).read_text(encoding="utf-8")) if (path / META_FILE).is_file() else {}
    except json.JSONDecodeError:
        return None  # a half-written folder is not offered to the writer
    weights = [p for p in path.glob("adapter_model.*") if p.is_file()]
    return AdapterInfo(
        name=path.name,
        path=str(path),
        shipped=shipped,
        base_model=meta.get("base_model") or config.get("base_model_name_or_path") or "",
        kind=meta.get("kind", ""),
        rank=config.get("r"),
        size_mb=round(sum(p.stat().st_size for p in weights) / 1e6, 2),
        created=meta.get("created", ""),
    )


def list_adapters(settings: Any) -> list[AdapterInfo]:
    """The shipped adapter first, then the writer's (settings.adapters_dir/<name>/), by name."""
    out = []
    shipped = adapter_info(SHIPPED_ADAPTER, shipped=True)
    if shipped is not None:
        out.append(shipped)
    root = Path(settings.adapters_dir)
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            info = adapter_info(folder)
            if info is not None:
                out.append(info)
    return out


def export_adapter(src: str | Path, dest: str | Path, *, half: bool = True, base_model: str | None = None) -> AdapterInfo:
    """Copy a trained adapter (config, weights, Scriptroom metadata) to `dest` without checkpoints or tokenizer
    files, weights in fp16 when `half` (half the size; PEFT casts them back on load)."""
    import shutil

    from safetensors.torch import load_file, save_file

    src, dest = Path(src), Path(dest)
    if not (src / "adapter_config.json").is_file():
        raise FileNotFoundError(f"{src} has no adapter_config.json")
    dest.mkdir(parents=True, exist_ok=True)
    config = json.loads((src / "adapter_config.json").read_text(encoding="utf-8"))
    if base_model:
        config["base_model_name_or_path"] = base_model  # a public id instead of a local cache path
    (dest / "adapter_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    tensors = load_file(str(src / "adapter_model.safetensors"))
    if half:
        tensors = {k: v.half().contiguous() for k, v in tensors.items()}
    save_file(tensors, str(dest / "adapter_model.safetensors"), metadata={"format": "pt"})
    for name in (META_FILE, "README.md"):
        if (src / name).is_file():
            shutil.copyfile(src / name, dest / name)
    info = adapter_info(dest)
    assert info is not None
    return info
