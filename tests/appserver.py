"""The launched-app fixture shape the UI tests share: a free port, the app queued and launched, then closed."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(runtime: Any, *, concurrency: int = 4, max_size: int = 64) -> Iterator[str]:
    """The writers' room for ``runtime`` on ``runtime.settings.port``; yields its URL. Closes the app, not the
    runtime (the test built it and closes it)."""
    from ui.app import CSS, auth_options, build_app
    from ui.handlers import WritersRoom

    room = WritersRoom.create(runtime)
    demo = build_app(runtime, room)
    demo.queue(default_concurrency_limit=concurrency, max_size=max_size)
    demo.launch(server_name="127.0.0.1", server_port=runtime.settings.port, prevent_thread_lock=True, quiet=True,
                css=CSS, **auth_options(room.room))
    try:
        yield f"http://127.0.0.1:{runtime.settings.port}/"
    finally:
        demo.close()


@contextmanager
def server_process(command: Sequence[str], ready_url: str, log_path: Path, *, timeout: float = 60.0,
                   **popen: Any) -> Iterator[subprocess.Popen]:
    """Run a server subprocess (output to ``log_path``) until ``ready_url`` answers 200; stop it on exit."""
    log = open(log_path, "wb")
    proc = subprocess.Popen(list(command), stdout=log, stderr=subprocess.STDOUT, **popen)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[0]} did not start: {log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
