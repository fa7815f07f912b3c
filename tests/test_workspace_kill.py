"""Kill: SIGKILL the app during a burst of saves; after a restart every acknowledged save is there and nothing is
corrupt. Each writer saves a version (the editor's endpoint) and names it, over and over, until the kill."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from agent.storage import Storage
from agent.workspace import Workspace
from screenplay.formats import fountain
from tests.appserver import free_port, server_process

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
WRITERS = 4


def draft(writer: int, version: int) -> str:
    return f"INT. ROOM {writer} - NIGHT\n\nWriter {writer} saves version {version}.\n"


def test_kill_during_a_burst_of_saves(tmp_path):
    from gradio_client import Client

    home, port = tmp_path / "home", free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "tests.workspace_app", str(home), str(port)]
    acked: dict[int, list[int]] = {i: [] for i in range(WRITERS)}  # versions whose save and name both answered
    typed: dict[int, int] = {}  # the last version whose save answered
    stop = threading.Event()

    def writer(i: int) -> None:
        try:
            client = Client(url, verbose=False, httpx_kwargs={"timeout": 30}, analytics_enabled=False)
            v = 0
            while not stop.is_set():
                client.predict(draft(i, v), 1, api_name="/type")
                typed[i] = v
                client.predict(None, f"w{i} v{v}", api_name="/name_revision")
                acked[i].append(v)
                v += 1
        except Exception:  # noqa: BLE001 - the server was killed under it: what was acknowledged is checked below
            pass

    with server_process(command, url, tmp_path / "first.log", timeout=120, cwd=ROOT) as proc:
        threads = [threading.Thread(target=writer, args=(i,), daemon=True) for i in range(WRITERS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while sum(map(len, acked.values())) < 6 * WRITERS and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # mid-burst: every writer has a save or a name in flight
        proc.wait()
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert all(acked.values()), f"no acknowledged saves before the kill: {acked}"
    print(f"\nkilled after {sum(map(len, acked.values()))} acknowledged named saves")

    with server_process(command, url, tmp_path / "second.log", timeout=120, cwd=ROOT):
        storage = Storage(home / "scriptroom.sqlite3")
        with storage.transaction() as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        found: dict[int, tuple[Workspace, str]] = {}
        for who in storage.writers():
            ws = Workspace(storage, who)
            for project in ws.projects():
                head = ws.head(project.id).fountain
                i = int(head.split("ROOM ", 1)[1].split(" ", 1)[0])
                found[i] = (ws, project.id)
        assert set(found) == set(range(WRITERS))
        for i, (ws, project_id) in found.items():
            revisions = ws.revisions(project_id)
            named = {r.name: ws.revision(r.id).fountain for r in revisions if r.name}
            for v in acked[i]:
                assert named.get(f"w{i} v{v}") == draft(i, v), f"writer {i} lost acknowledged version {v}"
            head = ws.head(project_id).fountain
            version = int(head.rsplit("version ", 1)[1].split(".", 1)[0])
            assert head == draft(i, version) and version >= typed[i]
            for r in revisions:  # every stored revision reads back whole and parses
                assert fountain.parse(ws.revision(r.id).fountain).scenes
