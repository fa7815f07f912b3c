"""Read a draft in a child process that a deadline can stop, so no upload holds the app past it.

A Python thread cannot be stopped, so a file that made a reader run for minutes (a parser's slow
path, a PDF whose streams inflate without end) would hold the request's worker for all of it. The
child process is killed at the deadline instead, and runs under a memory ceiling so a decompression
bomb fails there, not in the app.

    python -m screenplay.parse_worker   # reads a pickled (data, name, fmt) on stdin; used by screenplay.io
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

from screenplay.errors import ScriptImportError
from screenplay.model import Script

# Far above what any real draft needs (Big Fish's 122-page PDF reads in about 150 MB).
MEMORY_LIMIT_BYTES = 2 * 1024**3
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


def parse_in_worker(data: bytes, name: str, fmt: str, deadline_s: float) -> Script:
    """The Script of a draft, read in a child process that is killed after deadline_s seconds."""
    env = dict(os.environ)
    # The child must import this checkout's screenplay package, whatever the parent's working folder.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "screenplay.parse_worker"],
            input=pickle.dumps((data, name, fmt)), capture_output=True, timeout=deadline_s, env=env,
            cwd=_PACKAGE_ROOT,  # "-m" puts the working folder first on the path: make it this checkout
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed and reaped the child
        raise ScriptImportError(
            f"{name} took more than {deadline_s:g} s to read and was stopped; a screenplay reads in a "
            "second or two, so this file is damaged or made to stall the reader. Export the draft again "
            "from your writing app, or save it as Fountain"
        ) from None
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise ScriptImportError(f"{name} could not be read: the reader stopped ({reason[0][:200]})")
    # The reply is written by our own code in the child, never by the file, so unpickling it is safe.
    status, payload = pickle.loads(done.stdout)
    if status == "ok":
        return payload
    raise ScriptImportError(payload)


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the deadline still applies
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT_BYTES if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT_BYTES, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _main() -> int:
    data, name, fmt = pickle.loads(sys.stdin.buffer.read())
    _limit_memory()
    from screenplay.io import parse_bytes

    try:
        reply = ("ok", parse_bytes(data, name, fmt))
    except ScriptImportError as exc:
        reply = ("error", str(exc))
    except MemoryError:
        reply = ("error", f"{name} needs more memory to read than any screenplay does; it may be damaged "
                          "or a compression bomb. Export the draft again from your writing app")
    sys.stdout.buffer.write(pickle.dumps(reply))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
