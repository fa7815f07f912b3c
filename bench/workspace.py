"""The project store under a writer's typing: save latency and database growth per save on a feature-length draft.

    .venv/bin/python bench/workspace.py [--draft FILE] [--saves 500] [--json]

On Big Fish from ../shared/realscripts (a synthetic 120-page draft when that is absent) it makes ``--saves`` typing
saves, each one word more in one scene (a different scene every 25 saves, as a writer moves through the draft), with
coalescing off so every save is a revision (the worst case), then the same typing as the app runs it (a burst within
20 s is one revision). It prints save latency p50/p95, and database bytes per save beside what storing each save's
whole text would cost, raw and zlib-compressed (the same texts, measured in the same run).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REALSCRIPT = ROOT.parent / "shared" / "realscripts" / "Big-Fish.fountain"


def synthetic_draft(pages: int = 120) -> str:
    scene = ("INT. KITCHEN {n} - NIGHT\n\nMaya counts the coins on the table, twice, and does not look up when the "
             "door opens behind her.\n\nBEN\nYou waited.\n\nMAYA\n(not turning)\nSomeone had to.\n\nBen sets the "
             "keys down between them. Neither of them reaches for them.\n\n")
    return "Title: Synthetic\n\n" + "".join(scene.format(n=n) for n in range(int(pages * 3.5)))


def db_bytes(path: Path) -> int:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def typing(ws, pid: str, text: str, headings: list[str], saves: int, path: Path) -> tuple:
    """``saves`` typing saves, one word more each, moving to another scene every 25: (latencies, db growth in bytes,
    raw and zlib bytes of the texts, the last text)."""
    before = db_bytes(path)
    latencies, raw, packed = [], 0, 0
    lines = text.split("\n")
    anchors = [k for k, line in enumerate(lines) if line.strip() in headings] or [0]
    draft = text
    for i in range(saves):
        at = min(anchors[(i // 25 * 7) % len(anchors)] + 2, len(lines) - 1)  # the action line under a heading
        lines[at] = lines[at] + f" word{i}"
        draft = "\n".join(lines)
        t0 = time.perf_counter()
        ws.save(pid, draft, "typing")
        latencies.append(time.perf_counter() - t0)
        raw += len(draft.encode())
        packed += len(zlib.compress(draft.encode(), 6))
    return latencies, db_bytes(path) - before, raw, packed, draft


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft", default=None, help="a Fountain file (default: Big Fish, else a synthetic draft)")
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from agent.storage import Storage
    from agent.workspace import Workspace, revstore
    from screenplay.formats import fountain
    from screenplay.stats import compute

    source = Path(args.draft) if args.draft else REALSCRIPT
    text = source.read_text(encoding="utf-8") if source.exists() else ""
    script = fountain.parse(text)
    if not script.scenes:  # no draft to hand (or one without scenes): the synthetic one
        source, text = Path("synthetic"), synthetic_draft()
        script = fountain.parse(text)
    pages = compute(script).pages
    headings = [s.heading.text for s in script.scenes]
    window = revstore.TYPING_WINDOW_S

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        ws = Workspace(Storage(path), "bench")
        started = time.perf_counter()
        pid = ws.create("Bench", text).id
        create_s = time.perf_counter() - started
        revstore.TYPING_WINDOW_S = 0.0  # every save its own revision: the worst case for growth
        latencies, growth, raw, packed, draft = typing(ws, pid, text, headings, args.saves, path)
        revisions = len(ws.revisions(pid))
        t0 = time.perf_counter()
        assert ws.head(pid).fountain == draft
        read_s = time.perf_counter() - t0
        revstore.TYPING_WINDOW_S = window  # as the app runs: a burst of typing is one revision
        pid = ws.create("Coalesced", text).id
        co_latencies, co_growth, *_ = typing(ws, pid, text, headings, args.saves, path)
        co_revisions = len(ws.revisions(pid))

    result = {
        "draft": source.name, "pages": pages, "scenes": len(script.scenes),
        "chars": len(text), "saves": args.saves, "revisions": revisions,
        "save_ms_p50": round(1000 * statistics.median(latencies), 1),
        "save_ms_p95": round(1000 * percentile(latencies, 0.95), 1),
        "create_ms": round(1000 * create_s, 1), "head_read_ms": round(1000 * read_s, 1),
        "db_bytes_per_save": round(growth / args.saves),
        "baseline_full_text_bytes_per_save": round(raw / args.saves),
        "baseline_zlib_full_text_bytes_per_save": round(packed / args.saves),
        "db_growth_mb": round(growth / 1e6, 2),
        "coalesced_revisions": co_revisions, "coalesced_save_ms_p50": round(1000 * statistics.median(co_latencies), 1),
        "coalesced_save_ms_p95": round(1000 * percentile(co_latencies, 0.95), 1),
        "coalesced_db_bytes_per_save": round(co_growth / args.saves),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:>40}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
