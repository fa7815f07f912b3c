"""The writers' room as its own process, for the tests that restart or kill it: ``python -m tests.workspace_app HOME
PORT``. A scripted chat model; everything else (store, editor, board, critic) is the real thing."""

from __future__ import annotations

import sys
import time


def main(home: str, port: int) -> None:
    from agent.models.fake import ScriptedChatModel
    from agent.runtime import Runtime
    from agent.settings import Settings
    from tests.appserver import serve

    runtime = Runtime.create(Settings(home=home, backend="fake", port=port),
                             chat_model=ScriptedChatModel.from_replies(["Noted."]))
    with serve(runtime, concurrency=8, max_size=256):
        print("ready", flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
