"""Keeping a chat prefix in the background: the engine lock that counts waiting requests, and the queue of
conversations waiting to be kept (agent.models.llamacpp.LlamaEngine.keep does the prefill)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

# A background keep starts only once the engine has been free this long: the K candidates of one request come a
# few milliseconds apart, and a keep between them would evict the prompt head they share.
KEEP_QUIET_S = 0.3
# A keep a request interrupted is tried again this many times, and dropped after.
KEEP_TRIES = 3
# Conversations waiting to be kept, every session's together; the oldest goes past this.
KEEP_PENDING = 4


class RequestLock:
    """The engine's lock, counting the requests waiting for it: a background keep takes it only when the engine
    has been free a while (``take_idle``) and stops as soon as a request waits, so no request waits for a keep."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = threading.Lock()
        self.waiting = 0
        self.released_at = 0.0

    def __enter__(self) -> "RequestLock":
        self.acquire()
        return self

    def acquire(self, timeout: float = -1) -> bool:
        """Take the lock as a request does (a running keep stops); False when ``timeout`` passed first."""
        with self._count:
            self.waiting += 1
        try:
            return self._lock.acquire(timeout=timeout)
        finally:
            with self._count:
                self.waiting -= 1

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def take_idle(self, quiet: float = KEEP_QUIET_S) -> bool:
        """Take the lock if no request waits and none has ended in the last ``quiet`` seconds."""
        if self.waiting or time.monotonic() - self.released_at < quiet:
            return False
        return self._lock.acquire(blocking=False)

    def release(self) -> None:
        self.released_at = time.monotonic()
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()


@dataclass
class PendingKeeps:
    """Chat prefixes (token ids) waiting for the background keep, newest last; ``running`` while a worker thread
    works on them (it ends when none is left)."""

    ids: list[list[int]] = field(default_factory=list)
    tries: dict[tuple[int, ...], int] = field(default_factory=dict)
    running: bool = False
    closed: bool = False
    mutex: threading.Lock = field(default_factory=threading.Lock)
    idle: threading.Event = field(default_factory=lambda: _event(True))  # set while nothing is pending

    def add(self, ids: list[int]) -> bool:
        """Queue ``ids``; True when a worker thread must be started."""
        with self.mutex:
            # An earlier state of the same conversation is of no more use: this one restores all it would.
            self.ids = [old for old in self.ids if shared_prefix(old, ids) < len(old)][-(KEEP_PENDING - 1):] + [ids]
            self.idle.clear()
            if self.running or self.closed:
                return False
            self.running = True
            return True

    def next(self) -> list[int] | None:
        """The newest prefix to keep, or None (and the worker ends) when there is none."""
        with self.mutex:
            if not self.ids or self.closed:
                self.running = False
                self.idle.set()
                return None
            return self.ids[-1]

    def done(self, ids: list[int], *, kept: bool) -> None:
        """``ids`` was kept, or a request stopped it: it is tried again up to KEEP_TRIES times."""
        key = tuple(ids)
        with self.mutex:
            tries = self.tries.get(key, 0) + 1
            if kept or tries >= KEEP_TRIES:
                self.ids = [old for old in self.ids if old != ids]
                self.tries.pop(key, None)
            else:
                self.tries[key] = tries

    def close(self) -> None:
        with self.mutex:
            self.closed = True
            self.ids.clear()


def _event(value: bool) -> threading.Event:
    event = threading.Event()
    if value:
        event.set()
    return event


def close_when_free(llama: Any, lock: RequestLock, pending: PendingKeeps, timeout: float = 10.0) -> None:
    """Free the native model once no keep uses it (taking the lock as a request does stops a running keep). A
    stream abandoned mid-reply can hold the lock for good: after ``timeout`` the model is freed all the same, as
    it was before keeps ran in the background, rather than hang the exit."""
    pending.close()
    taken = lock.acquire(timeout=timeout)
    try:
        llama.close()
    finally:
        if taken:
            lock.release()


def shared_prefix(a: Any, b: Any) -> int:
    """How many leading items two token sequences share."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n
