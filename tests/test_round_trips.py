"""Every real script keeps each scene heading, cue and speech through Fountain -> FDX -> Fountain
and Fountain -> PDF -> Fountain.

Each script is taken from its Fountain or plain-text file; the FDX and PDF copies in the folder are
other readings of the same scripts, measured by bench/documents.py --round-trips (a per-file table).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screenplay import io
from screenplay.compare import compare, through

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"
NAMES = sorted(p.name for p in REAL.glob("*") if p.suffix.lower() in (".fountain", ".txt")) if REAL.exists() else []


@pytest.mark.skipif(not NAMES, reason="shared/realscripts not present")
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["fdx", "pdf"])
def test_round_trip_keeps_every_heading_cue_and_speech(name, fmt):
    script = io.load(REAL / name)
    result = compare(script, through(script, fmt))
    for kind, agreement in result.items():
        assert agreement.lost == 0, f"{name} via {fmt}: {kind} lost {agreement.lost} of {agreement.reference}"
    # A PDF reader may read an action line that starts with a heading prefix the Fountain guide does
    # not list ("EXT/INT. SWAMP SHACK") as a heading: a gain, never a loss, and at most one in fifty.
    assert result["headings"].score >= 0.98
