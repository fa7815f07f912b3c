"""Load: 20 writers typing into their own drafts at once through gradio_client against the real app server.

Each writer pauses five times (five saves through the editor's endpoint) and names each version, so every save is a
revision of its own. Afterwards the store holds, for every writer, exactly their five named versions in order and
nothing of anyone else's; p95 save latency is printed.
"""

import statistics
import threading
import time

import pytest

from agent.models.fake import ScriptedChatModel
from agent.runtime import Runtime
from agent.settings import Settings
from agent.storage import Storage
from agent.workspace import Workspace
from tests.appserver import free_port, serve

pytestmark = pytest.mark.slow
WRITERS = 20
SAVES = 5


def draft(writer: int, version: int) -> str:
    return (f"Title: Draft of writer {writer}\n\nINT. ROOM {writer} - NIGHT\n\nWriter {writer} types version "
            f"{version}.\n\nMAYA\nLine {version} of writer {writer}.\n")


def test_twenty_writers_typing_at_once(tmp_path):
    from gradio_client import Client

    settings = Settings(home=tmp_path / "home", backend="fake", port=free_port())
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(["Noted."]))
    latencies: list[float] = []
    errors: list[BaseException] = []

    def alone() -> float:
        """Same-run baseline: one writer's median save with nobody else on the server."""
        client = Client(url, verbose=False, httpx_kwargs={"timeout": 120}, analytics_enabled=False)
        took = []
        for v in range(SAVES):
            started = time.perf_counter()
            client.predict(draft(99, v), 4, api_name="/type")
            took.append(time.perf_counter() - started)
        return statistics.median(took)

    def writer(i: int) -> None:
        try:
            client = Client(url, verbose=False, httpx_kwargs={"timeout": 120}, analytics_enabled=False)
            for v in range(SAVES):
                started = time.perf_counter()
                page, status = client.predict(draft(i, v), 4, api_name="/type")
                latencies.append(time.perf_counter() - started)
                assert f"Line {v} of writer {i}." in page, page[-400:]
                assert "cursor in scene 1" in status, status
                client.predict(None, f"w{i} v{v}", api_name="/name_revision")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    try:
        with serve(runtime, concurrency=4, max_size=256) as url:
            solo = alone()
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=600)
            elapsed = time.perf_counter() - started
    finally:
        runtime.close()
    assert not errors, errors[:3]
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"\n{WRITERS} writers x {SAVES} saves: {elapsed:.1f} s wall, save latency median "
          f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; "
          f"one writer alone, same run: median {solo * 1000:.0f} ms")

    storage = Storage(settings.database)
    writers = [w for w in storage.writers()
               if not any("writer 99\n" in Workspace(storage, w).head(p.id).fountain for p in Workspace(storage, w).projects())]
    assert len(writers) == WRITERS
    seen = set()
    for who in writers:
        ws = Workspace(storage, who)
        (project,) = ws.projects()
        revisions = list(reversed(ws.revisions(project.id)))
        texts = [ws.revision(r.id).fountain for r in revisions]
        i = int(texts[-1].split("writer ", 1)[1].split("\n", 1)[0])
        seen.add(i)
        assert [r.name for r in revisions] == [f"w{i} v{v}" for v in range(SAVES)]
        assert texts == [draft(i, v) for v in range(SAVES)], f"writer {i}'s revisions are not their own saves"
    assert seen == set(range(WRITERS))
