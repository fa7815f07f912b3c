"""One writer per local library folder, enforced by an OS lock that dies with its process.

Chroma's local files are not safe for two writing processes (each keeps its own copy of the vector index
in memory and overwrites the other's). The lock is advisory: flock on a file in the library folder,
released on close or when the holder exits, even by SIGKILL.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from tools.library.errors import LibraryLockedError

LOCK_NAME = ".scriptroom-writer.lock"


class WriterLock:
    def __init__(self, folder: Path):
        self.path = Path(folder) / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise LibraryLockedError(
                f"the scene library at {self.path.parent} is being written by another process (pid {holder}). "
                "A local library takes one writer at a time: wait for it to finish, or share the library "
                f"through a Chroma server (`chroma run --path {self.path.parent} --port 8000`, then set "
                "SCRIPTROOM_CHROMA_URL=http://localhost:8000 or pass --library http://localhost:8000)."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
