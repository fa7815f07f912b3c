"""Nothing reaches for the Hub: a command that loads the embedder runs offline and quiet without HF_HUB_OFFLINE."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_route_without_hf_hub_offline_is_offline_and_quiet(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(PYTHONPATH=str(ROOT), SCRIPTROOM_HOME=str(tmp_path))
    # The route command loads the embedder (sentence-transformers, peft, bitsandbytes), then says whether the
    # Hub library it imported believes it is offline.
    code = ("import sys, cli.main; rc = cli.main.main(['route', 'three openings for act two', '--json']); "
            "from huggingface_hub import constants; print('offline', constants.HF_HUB_OFFLINE); sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "offline True" in done.stdout
    assert "kernels-community" not in done.stderr and "gemm_4bit" not in done.stderr, done.stderr
    assert "Loading weights" not in done.stderr, done.stderr
