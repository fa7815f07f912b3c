"""The llama.cpp engine's prefill choices that need no model: thread count by load, the kept-state cache."""

from __future__ import annotations

import os

from agent.models.llamacpp import KeptStates, prefill_threads


def test_prefill_takes_every_core_only_when_the_machine_is_about_idle(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.4, 0.4, 0.4))
    assert prefill_threads(1) == 2
    monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 1.0, 1.0))
    assert prefill_threads(1) == 1  # two threads at a busy barrier prefilled 3x slower than one
    monkeypatch.setattr(os, "getloadavg", lambda: (18.0, 18.0, 18.0))
    assert prefill_threads(1) == 1


def test_kept_states_find_the_longest_prefix_replace_what_they_extend_and_stay_in_budget():
    kept = KeptStates(capacity_bytes=100)
    kept.put([1, 2, 3], b"a" * 30)
    kept.put([1, 2, 3, 4, 5], b"b" * 30)  # extends [1, 2, 3]: that one goes
    assert list(kept.states) == [(1, 2, 3, 4, 5)]
    kept.put([7, 8], b"c" * 30)
    key, state, shared = kept.best([1, 2, 3, 4, 9, 9])
    assert (key, shared) == ((1, 2, 3, 4, 5), 4) and state == b"b" * 30
    assert kept.best([5, 5]) is None
    kept.put([9, 9, 9], b"d" * 50)  # over budget: the least recently used ([7, 8]) is dropped
    assert list(kept.states) == [(1, 2, 3, 4, 5), (9, 9, 9)]


def test_a_waiting_request_is_counted_and_keeps_take_the_engine_only_when_it_has_been_free():
    import threading
    import time

    from agent.models.keeping import RequestLock

    lock = RequestLock()
    assert lock.take_idle(quiet=0.0)  # free and nobody waits
    waiter = threading.Thread(target=lambda: lock.__enter__() and lock.release())
    waiter.start()
    deadline = time.monotonic() + 5
    while lock.waiting == 0 and time.monotonic() < deadline:
        time.sleep(0.001)
    assert lock.waiting == 1  # what the running keep's abort callback reads
    lock.release()
    waiter.join(5)
    assert lock.waiting == 0 and not lock.locked()
    assert not lock.take_idle(quiet=60)  # a request just ended: its next one may follow at once


def test_pending_keeps_drop_what_a_newer_state_of_the_conversation_restores_and_retry_a_stopped_one():
    from agent.models.keeping import KEEP_TRIES, PendingKeeps

    pending = PendingKeeps()
    assert pending.add([1, 2, 3]) and not pending.add([1, 2, 3, 4])  # one worker thread
    assert pending.ids == [[1, 2, 3, 4]]
    pending.add([7, 8])  # another writer's conversation stays
    assert pending.next() == [7, 8]
    for _ in range(KEEP_TRIES - 1):
        pending.done([7, 8], kept=False)
        assert pending.next() == [7, 8]  # stopped by a request: tried again
    pending.done([7, 8], kept=False)
    assert pending.next() == [1, 2, 3, 4]
    pending.done([1, 2, 3, 4], kept=True)
    assert pending.next() is None and pending.idle.is_set() and not pending.running


def test_the_model_is_freed_after_a_keep_and_even_when_an_abandoned_stream_holds_the_engine():
    from agent.models.keeping import PendingKeeps, RequestLock, close_when_free

    class Native:
        closed = 0

        def close(self):
            self.closed += 1

    native, lock, pending = Native(), RequestLock(), PendingKeeps()
    pending.add([1, 2])
    close_when_free(native, lock, pending)
    assert native.closed == 1 and pending.closed and not pending.ids and not lock.locked()
    lock.acquire()  # a stream that was never finished
    close_when_free(native, lock, PendingKeeps(), timeout=0.1)
    assert native.closed == 2  # no hang at exit
