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
