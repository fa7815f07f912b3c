"""Kill test for the project store: a process saving a burst of revisions is SIGKILLed mid-burst; every revision it
acknowledged (printed after its commit returned) is there with its exact text, and the database is sound."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from agent.storage import Storage
from agent.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
# The child saves revisions as fast as it can, each a different text, printing "<id> <sha1 of text>" once committed.
CHILD = """
import hashlib, sys
from agent.storage import Storage
from agent.workspace import Workspace
ws = Workspace(Storage(sys.argv[1]), "maya")
scene = "INT. CABIN - NIGHT\\n\\nMaya searches the drawers, one by one.\\n\\nMAYA\\nWhere are they?\\n\\n"
base = scene * 60
pid = ws.create("Burst", base).id
i = 0
while True:
    text = base + f"EXT. WOODS - DAY\\n\\nStep {i}.\\n"
    rev = ws.save(pid, text, "option" if i % 2 else "typing")
    print(rev.id, hashlib.sha1(text.encode()).hexdigest(), flush=True)
    i += 1
"""


def test_sigkill_mid_burst_keeps_every_acknowledged_revision(tmp_path):
    path = tmp_path / "db.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True, env=env,
                             cwd=ROOT)
    acked: dict[int, str] = {}
    deadline = time.time() + 60
    try:
        while len(acked) < 25 and time.time() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            rev_id, digest = line.split()
            acked[int(rev_id)] = digest  # a coalesced typing save keeps its id: the last text acknowledged counts
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    # Lines already written to the pipe before the kill are acknowledged too.
    for line in child.stdout.read().splitlines():
        rev_id, digest = line.split()
        acked[int(rev_id)] = digest
    assert len(acked) >= 25, f"the child acknowledged only {len(acked)} saves in a minute"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    ws = Workspace(Storage(path), "maya")
    [project] = ws.projects()
    for rev_id, digest in acked.items():
        assert hashlib.sha1(ws.revision(rev_id).fountain.encode()).hexdigest() == digest, f"revision {rev_id}"
    head = ws.head(project.id)
    assert head.id >= max(acked) and ws.revisions(project.id)[0].id == head.id
