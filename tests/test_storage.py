import multiprocessing
import os
import signal
import time

from agent.storage import PreferenceRecord, Storage


def test_preferences_round_trip(tmp_path):
    store = Storage(tmp_path / "s.sqlite3")
    store.add_preference(PreferenceRecord(prompt="three openings", chosen="A", rejected="B", writer="w1"))
    store.add_preference(PreferenceRecord(prompt="logline", chosen="good", kind="like", writer="w1"))
    picks = store.preferences("pick")
    assert [(p.prompt, p.chosen, p.rejected) for p in picks] == [("three openings", "A", "B")]
    assert len(Storage(tmp_path / "s.sqlite3").preferences()) == 2  # durable across reopen


def test_projects_are_per_writer(tmp_path):
    store = Storage(tmp_path / "s.sqlite3")
    pid = store.save_project(writer="a", name="Draft", fountain="INT. A - DAY", bible={"logline": "x"}, chat=[])
    assert store.load_project("a", pid).fountain == "INT. A - DAY"
    assert store.load_project("b", pid) is None
    # another writer cannot overwrite it by guessing the id
    store.save_project(writer="b", name="Hijack", fountain="", bible={}, chat=[], project_id=pid)
    assert store.load_project("a", pid).name == "Draft"
    assert store.list_projects("b") == []


def _hammer(path):
    store = Storage(path)
    i = 0
    while True:
        store.add_preference(PreferenceRecord(prompt=f"p{i}", chosen="c"))
        i += 1


def test_a_killed_writer_leaves_every_committed_record_readable(tmp_path):
    path = tmp_path / "s.sqlite3"
    Storage(path)
    proc = multiprocessing.get_context("spawn").Process(target=_hammer, args=(path,))
    proc.start()
    deadline = time.time() + 60
    while time.time() < deadline and len(Storage(path).preferences()) < 20:
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    records = Storage(path).preferences()
    assert len(records) >= 20
    assert [r.prompt for r in records] == [f"p{i}" for i in range(len(records))]
