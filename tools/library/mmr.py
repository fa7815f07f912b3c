"""Maximal marginal relevance: pick results that are relevant to the query but unlike each other."""

from __future__ import annotations

import numpy as np


def mmr_select(relevance: np.ndarray, embeddings: np.ndarray, k: int, lambda_: float = 0.5) -> list[int]:
    """Indices of up to ``k`` candidates in pick order.

    relevance: (n,) similarity of each candidate to the query; embeddings: (n, d) unit vectors.
    lambda_ = 1 ranks by relevance alone; 0 by novelty alone.
    """
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError(f"MMR lambda must be between 0 and 1, got {lambda_}")
    n = len(relevance)
    if n == 0 or k <= 0:
        return []
    sims = embeddings @ embeddings.T
    chosen: list[int] = [int(np.argmax(relevance))]
    # Highest similarity of each candidate to anything already chosen.
    redundancy = sims[chosen[0]].copy()
    available = np.ones(n, dtype=bool)
    available[chosen[0]] = False
    while len(chosen) < min(k, n):
        scores = lambda_ * relevance - (1.0 - lambda_) * redundancy
        scores[~available] = -np.inf
        pick = int(np.argmax(scores))
        chosen.append(pick)
        available[pick] = False
        redundancy = np.maximum(redundancy, sims[pick])
    return chosen


def spread_sources(scores: list[float], sources: list[str], k: int, penalty: float) -> list[int]:
    """Indices of up to ``k`` candidates in pick order: best score first, less ``penalty`` for every scene
    already picked from the same source (one long script's near-alike scenes would otherwise fill the top)."""
    left = list(range(len(scores)))
    shown: dict[str, int] = {}
    order: list[int] = []
    while left and len(order) < k:
        pick = max(left, key=lambda i: scores[i] - penalty * shown.get(sources[i], 0))
        left.remove(pick)
        order.append(pick)
        shown[sources[pick]] = shown.get(sources[pick], 0) + 1
    return order
