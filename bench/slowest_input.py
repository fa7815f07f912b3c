"""Search for the slowest text draft to read: hypothesis, targeted at CPU time, over Fountain's markup.

    .venv/bin/python bench/slowest_input.py [--examples 300] [--size 262144] [--top 5]

Each example repeats a short unit (or alternates two) drawn from Fountain's markup characters and
tokens up to --size bytes, read as .fountain or .txt (the stage-play reader) in this process;
hypothesis.target steers the search towards the slowest. The slowest units found are then repeated
up to the upload limit (10 MB), or to the line limit if they reach it first (a file over it is
refused at once), and read through screenplay.io.loads, worker and deadline included: none may
take more than 10 s to accept or refuse.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings, target  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from screenplay import io  # noqa: E402
from screenplay.errors import ScriptImportError  # noqa: E402

PIECES = [
    "[[", "]]", "/*", "*/", "*", "**", "_", "\\", "!", "@", "#", "=", "===", ">", "<", "~", "^", "(", ")",
    ".", ":", "-", " - ", "--", "\n", "\n\n", " ", "  ", "\t", "  \n", "INT. ", "EXT. ", "I/E ", "TO:",
    "CUT TO:", "BOB", "bob", "a", "X", "Title:", "Author:", "#1#", "(V.O.)", "ACT I", "SCENE 1.", "[", "]",
    "_[", "NORA.", "&", ",", "'", "1",
]
unit = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)


def read_time(text: str, ext: str) -> float:
    start = time.process_time()
    try:
        io.loads(text.encode(), f"draft.{ext}", deadline_s=None)
    except ScriptImportError:
        pass  # a refusal is an answer too; only the time counts
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300)
    parser.add_argument("--size", type=int, default=256 * 1024, help="bytes per example during the search")
    parser.add_argument("--top", type=int, default=5, help="slowest units to read again at 10 MB")
    args = parser.parse_args()
    found: list[tuple[float, str, str]] = []
    per_line: list[tuple[float, str, str]] = []  # the line limit caps a file's lines, not their cost

    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.tuples(unit, unit | st.just("")), st.sampled_from(["fountain", "txt"]))
    def search(units: tuple[str, str], ext: str) -> None:
        pair = units[0] + units[1]
        text = (pair * (args.size // len(pair) + 1))[: args.size]
        elapsed = read_time(text, ext)
        target(elapsed, label="CPU seconds")
        found.append((elapsed, pair, ext))
        per_line.append((elapsed / (text.count("\n") + 1), pair, ext))

    start = time.perf_counter()
    search()
    found.sort(reverse=True)
    per_line.sort(reverse=True)
    print(f"{len(found)} examples of {args.size // 1024} KB in {time.perf_counter() - start:.0f} s; slowest:")
    for elapsed, pair, ext in found[: args.top]:
        print(f"  {elapsed:6.3f} s CPU  .{ext:<8} {pair!r}")
    print(f"\nup to the upload limit ({io.DEFAULT_MAX_BYTES // 2**20} MB) or {io.MAX_TEXT_LINES:,} lines, "
          f"through io.loads (worker, deadline {io.DEFAULT_DEADLINE_S:g} s):")
    slowest = 0.0
    for _, pair, ext in found[: args.top] + per_line[: args.top]:
        times = io.DEFAULT_MAX_BYTES // len(pair.encode())
        if "\n" in pair:
            times = min(times, io.MAX_TEXT_LINES // pair.count("\n") - 1)
        data = (pair * times).encode()
        start = time.perf_counter()
        try:
            io.loads(data, f"draft.{ext}")
            outcome = "accepted"
        except ScriptImportError as exc:
            outcome = f"refused: {str(exc)[:70]}"
        wall = time.perf_counter() - start
        slowest = max(slowest, wall)
        print(f"  {wall:6.2f} s wall  {len(data) / 2**20:5.1f} MB .{ext:<8} {pair!r}: {outcome}")
    print(f"slowest at 10 MB: {slowest:.2f} s ({'ok' if slowest <= 10 else 'OVER'} the 10 s bound)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
