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
