"""The learned intent head: shipped weights match the labelled data and cues they were built from."""

from __future__ import annotations

import numpy as np
import pytest

from agent.registry import INTENTS
from agent.routing.head import CLARIFY, IntentHead
from agent.routing.training import TRAINED, digest, training_rows


def test_shipped_head_was_built_from_the_current_data_and_cues():
    """A changed row, label, cue or argument rule changes the head's features: rebuild it
    (python -m agent.routing.training)."""
    head = IntentHead.load()
    assert head.digest == digest(training_rows()), "head.npz is stale: run python -m agent.routing.training"
    assert set(head.labels) == set(INTENTS) | {CLARIFY}
    assert head.weights.shape == (384 + len(head.cue_keys), len(head.labels))


def test_the_final_blind_split_is_not_trained_on():
    rows = training_rows()
    assert {r.split for r in rows} == {"project", "exemplar", *TRAINED}
    # An explicit list: a blind set added later (blind6) is measured before anything learns from it.
    assert "blind6" not in TRAINED


def test_head_probabilities_and_the_embedding_alone_choice():
    head = IntentHead.load()
    rng = np.random.default_rng(0)
    vector = rng.normal(size=384).astype(np.float32)
    vector /= np.linalg.norm(vector)
    out = head(vector, {"critique": 0.35})
    assert abs(sum(out.probabilities.values()) - 1) < 1e-5
    # The cue moves the probabilities, never the embedding's own choice.
    assert out.heard == head(vector, {}).heard
    assert out.probabilities["critique"] > head(vector, {}).probabilities["critique"]


@pytest.mark.slow
def test_head_rebuilds_to_the_shipped_weights(embedder):
    from agent.routing.training import build

    shipped, rebuilt = IntentHead.load(), build(embedder)
    assert rebuilt.labels == shipped.labels and rebuilt.cue_keys == shipped.cue_keys
    assert np.allclose(rebuilt.weights, shipped.weights, atol=2e-3)
    assert np.allclose(rebuilt.bias, shipped.bias, atol=2e-3)
