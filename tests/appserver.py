"""The launched-app fixture shape the UI tests share: a free port, the app queued and launched, then closed."""

from __future__ import annotations

import socket
from contextlib import contextmanager
from typing import Any, Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(runtime: Any, *, concurrency: int = 4, max_size: int = 64) -> Iterator[str]:
    """The writers' room for ``runtime`` on ``runtime.settings.port``; yields its URL. Closes the app, not the
    runtime (the test built it and closes it)."""
    from ui.app import CSS, build_app

    demo = build_app(runtime)
    demo.queue(default_concurrency_limit=concurrency, max_size=max_size)
    demo.launch(server_name="127.0.0.1", server_port=runtime.settings.port, prevent_thread_lock=True, quiet=True,
                css=CSS)
    try:
        yield f"http://127.0.0.1:{runtime.settings.port}/"
    finally:
        demo.close()
