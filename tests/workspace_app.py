"""The writers' room as its own process, for the tests that restart or kill it: ``python -m tests.workspace_app HOME
PORT``. A scripted chat model; everything else (store, editor, board, critic) is the real thing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from agent.models.fake import ScriptedChatModel

HOLD = "hold-reply"  # while HOME/hold-reply exists, a chat reply waits: the request is still running


class HeldChatModel(ScriptedChatModel):
    """Scripted replies that a browser test can hold back, to act while a request runs (typing in the editor)."""

    hold: str = ""

    def reply(self, messages):
        deadline = time.monotonic() + 60
        while self.hold and Path(self.hold).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return super().reply(messages)


def main(home: str, port: int) -> None:
    from agent.runtime import Runtime
    from agent.settings import Settings
    from tests.appserver import serve

    model = HeldChatModel.from_replies(["Noted."])
    model.hold = str(Path(home) / HOLD)
    runtime = Runtime.create(Settings(home=home, backend="fake", port=port), chat_model=model)
    with serve(runtime, concurrency=8, max_size=256):
        print("ready", flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
