"""The learned intent head: shipped weights match the labelled data and cues they were built from."""

from __future__ import annotations

import numpy as np

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


def test_a_split_missing_from_trained_stays_out(tmp_path):
    """An explicit list: a blind set added later is measured before anything learns from it."""
    from agent.routing.training import DATA

    for name in ("router_utterances.jsonl", "router_eval.jsonl"):
        (tmp_path / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    with (tmp_path / "router_eval.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"text": "a fresh author\'s request", "intent": "chat", "split": "unseen"}\n')
    rows = training_rows(tmp_path)
    assert {r.split for r in rows} == {"project", "exemplar", *TRAINED}
    assert "unseen" not in TRAINED and len(rows) == len(training_rows())


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


def test_the_router_encoder_is_a_twin_that_leaves_the_shared_embedder_alone(embedder):
    """The scene library's vectors depend on the unmodified MiniLM: only the router's twin is tuned."""
    from agent.routing import Router
    from tools.embeddings import embed_one

    text = "a diner at night, two old friends"
    before = embed_one(embedder, text)
    router = Router(embedder)
    assert np.array_equal(embed_one(embedder, text), before)
    tuned = embed_one(router.encoder, text)
    assert float(tuned @ before) < 0.999  # the top layers were tuned
    assert router.encoder.layer(0)["q"][0] is embedder.layer(0)["q"][0]  # the frozen layers are shared


def test_packed_layers_rebuild_the_tuned_ones(embedder):
    from tools.tuned_minilm import pack, unpack

    rng = np.random.default_rng(0)
    base = {5: embedder.layer(5)}
    tuned = {5: {part: (w + rng.normal(0, 1e-3, w.shape).astype(np.float32), b + 1e-3) for part, (w, b) in base[5].items()}}
    rebuilt = unpack(embedder, pack(base, tuned, rank=1536))
    for part, (w, b) in tuned[5].items():
        assert np.allclose(rebuilt[5][part][0], w, atol=1e-4) and np.allclose(rebuilt[5][part][1], b, atol=1e-4)


def test_head_npz_stays_small_enough_for_git():
    from importlib.resources import files

    assert len(files("agent.routing").joinpath("head.npz").read_bytes()) < 2_500_000  # int8 factors: ~1.7 MB
