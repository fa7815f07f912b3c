"""The LoRA adapters a writer can switch between: the shipped one plus those under settings.adapters_dir."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from finetune.config import SHIPPED_ADAPTER
from finetune.sft import META_FILE


@dataclass
class AdapterInfo:
    name: str
    path: str
    shipped: bool
    base_model: str = ""
    kind: str = ""  # "sft" or "dpo" when Scriptroom trained it
    rank: int | None = None
    size_mb: float = 0.0
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
