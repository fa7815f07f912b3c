"""llama-cpp-python's OpenAI-compatible server on localhost, serving the embedded GGUF, for the served-path tests.

Run as a module in a subprocess (``python -m tests.llama_server --port P --requests FILE``): the server is
llama_cpp.server's own app with one pure-ASGI layer in front that appends each request body it receives to
FILE as a JSON line, so tests check the parameters the server was actually sent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator


class RecordRequests:
    """ASGI middleware: record every POSTed JSON body, then hand the same bytes to the app."""

    def __init__(self, app: Any, path: Path) -> None:
        self.app, self.path = app, path

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"path": scope["path"], "body": json.loads(body or b"{}")}) + "\n")
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: disconnect notices

        await self.app(scope, replay, send)


def main(argv: list[str] | None = None) -> None:
    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    from agent.models.llamacpp import cpu_threads
    from agent.models.store import embedded_gguf_path

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", type=Path, required=True)
    parser.add_argument("--alias", default="smollm2-135m-instruct")
    args = parser.parse_args(argv)
    app = create_app(
        server_settings=ServerSettings(host="127.0.0.1", port=args.port),
        model_settings=[ModelSettings(
            model=str(embedded_gguf_path()), model_alias=args.alias, n_ctx=4096, n_threads=cpu_threads(),
            n_threads_batch=cpu_threads(),
            # SmolLM2 speaks ChatML; this handler adds OpenAI tool calling (tools, tool_choice) on top of it.
            chat_format="chatml-function-calling", verbose=False,
        )],
    )
    uvicorn.run(RecordRequests(app, args.requests), host="127.0.0.1", port=args.port, log_level="warning")


@contextmanager
def llama_server(workdir: Path, port: int, *, timeout: float = 90.0) -> Iterator[tuple[str, Path]]:
    """Start the server in a subprocess; yields (base URL ending in /v1, the requests log). Stopped on exit."""
    from tests.appserver import server_process

    requests = workdir / "requests.jsonl"
    requests.touch()
    root = Path(__file__).resolve().parents[1]
    command = [sys.executable, "-m", "tests.llama_server", "--port", str(port), "--requests", str(requests)]
    base = f"http://127.0.0.1:{port}/v1"
    with server_process(command, f"{base}/models", workdir / "server.log", timeout=timeout, cwd=root,
                        env={**os.environ, "PYTHONPATH": str(root)}):
        yield base, requests


def received(requests: Path, since: int = 0) -> list[dict]:
    """The chat-completion request bodies the server has received, from line ``since`` on."""
    lines = requests.read_text(encoding="utf-8").splitlines()[since:]
    return [r["body"] for r in map(json.loads, lines) if r["path"].endswith("/chat/completions")]


if __name__ == "__main__":
    main()
