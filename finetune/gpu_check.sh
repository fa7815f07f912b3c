#!/usr/bin/env bash
# QLoRA check on an NVIDIA GPU without internet: a short SFT of SmolLM2-135M and of a 7B Llama-class model,
# both random-weight, printing peak VRAM, tokens/s and loss. Under 8 minutes on one H100/H200-class GPU.
#   bash finetune/gpu_check.sh [--steps 30 --seq-len 512 --batch 4 --json /tmp/gpu_check.json]
# The image needs torch, transformers, peft and accelerate. bitsandbytes (and optionally trl) come from
# wheels in .whl/ at the repository root when the image lacks them.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "gpu_check.sh: no NVIDIA GPU found (nvidia-smi missing or failing); this check needs CUDA." >&2
  echo "              On a CPU machine run: python -m finetune.gpu_check --cpu-smoke" >&2
  exit 3
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader

PY=${PYTHON:-python3}
if ! "$PY" -c "import bitsandbytes" >/dev/null 2>&1; then
  if compgen -G ".whl/*.whl" >/dev/null; then
    "$PY" -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl
    export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
  else
    echo "gpu_check.sh: bitsandbytes is not installed and there is no .whl/ folder with its wheel." >&2
    echo "              On a connected machine: pip download bitsandbytes --no-deps -d .whl" >&2
    exit 4
  fi
fi
"$PY" -c "import torch, transformers, peft, bitsandbytes; print('torch', torch.__version__, 'transformers', transformers.__version__, 'peft', peft.__version__, 'bitsandbytes', bitsandbytes.__version__)"

# Keep the whole check inside 8 minutes even if something hangs.
exec timeout 480 "$PY" -m finetune.gpu_check "$@"
