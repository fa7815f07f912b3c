"""Hub scenes: how crowded each scene's neighbourhood in the library is, to discount it when ranking.

A scene with many near-alike scenes around it (Shakespeare's 780 openings, a feature script's 190 scenes)
sits close to nearly every query, modern or not, and wins ranks it did not earn: on the labelled queries the
scene described came second or lower behind Shakespeare and Big Fish scenes with cosine 0.37-0.47 to
everything. Subtracting ``HUB_WEIGHT`` x a scene's density (the mean cosine of its action row to its
``HUB_NEIGHBOURS`` nearest action rows) corrects this, as CSLS does for word translation; only the library's
own vectors are used. Subtracting the corpus mean instead (centering) was measured and lost.

The densities are computed in memory from the stored action rows the first time a search needs them and again
when the library changes (like the BM25 index). Above ``REFERENCE_ROWS`` scenes the neighbours are looked for
in a fixed sample of that many: the cost stays linear in the library's size.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable

import numpy as np

# Chosen with the lexical settings by cross-validation on the project, paraphrased and first held-out queries
# (tune on two, check on the third; bench/retrieval.py and notes): 0.3 and 0.4 scored alike, 10 neighbours
# above 5 and 20.
HUB_WEIGHT = 0.3
HUB_NEIGHBOURS = 10
REFERENCE_ROWS = 2000  # 100k scenes: about 4 s on one core, once per change of the library
_BLOCK = 1024


def densities(vectors: np.ndarray, k: int = HUB_NEIGHBOURS, reference: int = REFERENCE_ROWS) -> np.ndarray:
    """Per row of ``vectors`` (unit rows), the mean cosine to its ``k`` nearest other rows (among a fixed
    sample of ``reference`` rows when there are more)."""
    n = len(vectors)
    if n < 2:
        return np.zeros(n, dtype=np.float32)
    ref_idx = np.arange(n) if n <= reference else np.sort(np.random.default_rng(0).choice(n, reference, replace=False))
    ref = vectors[ref_idx]
    k = min(k, len(ref_idx) - 1)
    out = np.empty(n, dtype=np.float32)
    for start in range(0, n, _BLOCK):
        stop = min(n, start + _BLOCK)
        sims = vectors[start:stop] @ ref.T
        own = (ref_idx >= start) & (ref_idx < stop)  # a row is not its own neighbour
        sims[ref_idx[own] - start, np.nonzero(own)[0]] = -np.inf
        out[start:stop] = np.partition(sims, -k, axis=1)[:, -k:].mean(axis=1)
    return out


class HubIndex:
    """Scene id -> density, rebuilt when the library's version changes. Thread-safe: sessions share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: Any = None
        self._density: dict[str, float] = {}
        self._default = 0.0

    def ensure(self, version: Any, rows: Callable[[], Iterable[tuple[str, np.ndarray]]]) -> None:
        """(Re)build from ``rows()`` -> (scene id, unit vector) pairs unless already built for ``version``."""
        with self._lock:
            if self._version == version:
                return
            pairs = list(rows())
            ids = [sid for sid, _ in pairs]
            values = densities(np.stack([v for _, v in pairs]).astype(np.float32)) if pairs else np.zeros(0)
            self._density = dict(zip(ids, values.tolist()))
            # A scene without an action row yet (an upgrade another process has not finished) counts as typical.
            self._default = float(values.mean()) if len(values) else 0.0
            self._version = version

    def penalty(self, scene_id: str, weight: float = HUB_WEIGHT) -> float:
        with self._lock:
            return weight * self._density.get(scene_id, self._default)
