"""Import + stats time for a 120-page screenplay in every format, and export time to PDF (not a test).

    .venv/bin/python bench/documents.py [--repeat 5] [--scripts ../shared/realscripts] [--round-trips]

Target: Fountain import + stats of Big Fish (about 120 pages) under 0.3 s.
--round-trips adds, for every real script, what survives Fountain -> FDX -> Fountain and
Fountain -> PDF -> Fountain (headings, cues, speeches: kept/in the file (read back)), and the PDF
heading agreement of each PDF with its Fountain twin.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screenplay import io, stats  # noqa: E402
from screenplay.compare import compare, through  # noqa: E402

FILES = ["Big-Fish.fountain", "Big-Fish.fdx", "lexington__Big-Fish.fdx", "Big-Fish.pdf"]
TARGET_S = {"fountain": 0.3}


def _available(module: str) -> bool:
    try:
        importlib.import_module(f"screenplay.formats.{module}")
    except ModuleNotFoundError:
        return False
    return True


def _best(fn, repeat: int) -> tuple[float, float, object]:
    """Best and median seconds over repeat runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the best and median are shown")
    parser.add_argument(
        "--scripts", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "realscripts"
    )
    parser.add_argument("--round-trips", action="store_true", help="also print the round-trip tables")
    args = parser.parse_args()

    print(f"{'file':<26} {'import s':>9} {'stats s':>8} {'total s':>8} {'med.tot':>8} {'pages':>6} {'scenes':>7}")
    script = None
    for name in FILES:
        path = args.scripts / name
        fmt = io.FORMATS_BY_EXTENSION[path.suffix.lower()]
        if not path.exists() or not _available("pdf_import" if fmt == "pdf" else fmt):
            print(f"{name:<26} {'n/a':>9}")
            continue
        repeat = 1 if fmt == "pdf" else args.repeat
        t_import, _, loaded = _best(lambda: io.load(path), repeat)
        t_stats, _, st = _best(lambda: stats.compute(loaded), repeat)
        _, t_median, _ = _best(lambda: stats.compute(io.load(path)), repeat)
        total = t_import + t_stats
        flag = ""
        if fmt in TARGET_S:
            flag = "  ok" if total < TARGET_S[fmt] else f"  OVER the {TARGET_S[fmt]} s target"
        print(f"{name:<26} {t_import:9.3f} {t_stats:8.3f} {total:8.3f} {t_median:8.3f} {st.pages:6d} {len(st.scenes):7d}{flag}")
        if fmt == "fountain":
            script = loaded

    if script is None:
        print("export to PDF: n/a (no Fountain script to export)")
    elif not _available("pdf_export"):
        print("export to PDF: n/a")
    else:
        t_pdf, _, data = _best(lambda: io.render(script, "pdf"), max(1, args.repeat // 2))
        print(f"export to PDF: {t_pdf:.3f} s ({len(data) / 1024:.0f} KB)")
    if args.round_trips:
        _round_trips(args.scripts)
    return 0


def _cell(result: dict) -> str:
    return "  ".join(f"{a.matched}/{a.reference}({a.other})" for a in result.values())


def _round_trips(folder: Path) -> None:
    print(f"\n{'file':<32} {'via FDX: headings cues speeches':<36} via PDF: headings cues speeches")
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in io.FORMATS_BY_EXTENSION:
            continue
        script = io.load(path)
        cells = [_cell(compare(script, through(script, fmt))) for fmt in ("fdx", "pdf")]
        print(f"{path.name:<32} {cells[0]:<36} {cells[1]}")
    print(f"\n{'PDF':<32} heading agreement with the Fountain twin (matched/fountain(pdf))")
    for pdf in sorted(folder.glob("*.pdf")):
        twin = pdf.with_suffix(".fountain")
        if twin.exists():
            h = compare(io.load(twin), io.load(pdf))["headings"]
            print(f"{pdf.name:<32} {h.score:.3f}  {h.matched}/{h.reference}({h.other})")


if __name__ == "__main__":
    sys.exit(main())
