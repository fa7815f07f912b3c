"""The Hugging Face Space, simulated: requirements.txt alone in a fresh virtualenv, `python app.py` started with a
Space's variables, and a chat round trip through gradio_client on the port Gradio was told.

torch is held to the machine's CPU wheel (torch==2.13.0) by a constraint, as a CPU Space would want it; everything
else resolves from requirements.txt as pip on a Space resolves it (pip's cache makes a repeat cheap).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.appserver import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
INSTALL_TIMEOUT_S = 1500  # a cold llama-cpp-python build alone is about 8 minutes on 2 cores
START_TIMEOUT_S = 300


def _space_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "space-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    constraints = tmp_path / "cpu-torch.txt"
    constraints.write_text("torch==2.13.0\n")
    started = time.perf_counter()
    # --no-compile: byte-compiling every installed module is a third of the install and proves nothing here.
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-compile", "-r", str(ROOT / "requirements.txt"),
         "-c", str(constraints)],
        capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S,
    )
    assert pip.returncode == 0, f"pip install -r requirements.txt failed:\n{pip.stderr[-4000:]}"
    print(f"\nspace install from requirements.txt: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return venv


def _space_env(home: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCRIPTROOM_", "GRADIO_")) and k != "PYTHONPATH"}
    env.update({
        "SPACE_ID": "someone/scriptroom",
        "GRADIO_SERVER_NAME": "0.0.0.0",
        "GRADIO_SERVER_PORT": str(port),
        "SCRIPTROOM_HOME": str(home),
        "SCRIPTROOM_MAX_NEW_TOKENS": "24",
        "SCRIPTROOM_TEMPERATURE": "0",
    })
    return env


def _wait_until_served(proc: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(2)
    pytest.fail(f"app.py did not serve {url} within {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def _listening_addresses(pid: int) -> set[tuple[str, int]]:
    import psutil

    return {(c.laddr.ip, c.laddr.port) for c in psutil.Process(pid).net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN}


def test_space_installs_from_requirements_alone_and_chats_on_gradios_port(tmp_path, models_home):
    venv = _space_venv(tmp_path)
    home = tmp_path / "space-home"
    home.mkdir()
    # The model's one-time conversion is tested elsewhere; share the run's converted copy.
    (models_home / "models").mkdir(exist_ok=True)
    (home / "models").symlink_to(models_home / "models")
    port = free_port()
    log = tmp_path / "app.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(venv / "bin" / "python"), "app.py"], cwd=ROOT, env=_space_env(home, port),
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        started = time.perf_counter()
        url = f"http://127.0.0.1:{port}/"
        _wait_until_served(proc, url, log)
        print(f"space app served its page after {time.perf_counter() - started:.0f} s", file=sys.stderr)
        assert ("0.0.0.0", port) in _listening_addresses(proc.pid), "a Space's proxy needs the app on 0.0.0.0"

        from gradio_client import Client

        # A Space's first minutes are busy (the starter library indexes in the background): wait, don't time out.
        client = Client(url, verbose=False, httpx_kwargs={"timeout": 300})
        history = client.predict({"text": "What makes a great opening line of dialogue?", "files": []}, [],
                                 api_name="/send")[0]
        assert [m["role"] for m in history][0] == "user" and history[-1]["role"] == "assistant"
        assert len(str(history[-1]["content"]).strip()) > 10
        print(f"space app answered a chat {time.perf_counter() - started:.0f} s after start", file=sys.stderr)
    except BaseException:
        print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
