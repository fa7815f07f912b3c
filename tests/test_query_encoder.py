"""The scene search's tuned query encoder: what it reads, what it leaves alone, and what it never learned from."""

from __future__ import annotations

import numpy as np

from tests.library_conftest import chroma_server, client_kind, hashing_embedder, make_library, script  # noqa: F401
from tools.embeddings import embed_one
from tools.library.embedder import HashingEmbedder, SentenceTransformerEmbedder, embed_query
from tools.library.query_encoder import load_arrays, query_twin
from tools.library.query_training import (
    DATA, PATH, digest, evaluation_scenes, training_pairs, training_scene_keys,
)
from tools.library.quality import load_queries


def test_shipped_query_encoder_was_built_from_the_current_data():
    """A changed description, training scene or setting changes the encoder: rebuild it
    (python -m tools.library.query_training)."""
    arrays = load_arrays()
    assert arrays is not None, f"{PATH.name} is missing"
    assert str(arrays["digest"]) == digest(training_pairs()), f"{PATH.name} is stale: run python -m tools.library.query_training"


def test_query_encoder_stays_small_for_git():
    """Each rebuild adds the whole file to git history."""
    assert PATH.stat().st_size < 1_500_000


def test_the_evaluation_scenes_and_the_guard_set_never_reach_training():
    banned = evaluation_scenes()
    assert len(banned) == 60
    # heldout4 (session 9) and heldout5 (session 10) describe the same 60 scenes, so the same exclusion keeps them unseen.
    for name in ("retrieval_heldout4.jsonl", "retrieval_heldout5.jsonl"):
        assert {r for q in load_queries([DATA / name]) for r in q["relevant"]} == banned
    pairs = training_pairs()
    assert len(pairs) > 200
    assert not banned & {s for p in pairs for s in p.scenes}
    assert not banned & training_scene_keys(pairs)  # not even as negatives
    guard = {q["query"] for q in load_queries([DATA / "retrieval_heldout2.jsonl"])}
    assert not guard & {p.text for p in pairs}


def test_descriptions_are_read_by_the_twin_and_everything_else_by_minilm(embedder):
    emb = SentenceTransformerEmbedder(embedder)
    text = "two old friends argue about money in a diner"
    plain = embed_one(embedder, text)
    assert np.array_equal(emb.embed([text])[0], plain)  # scenes are embedded as the stored vectors were
    tuned = emb.embed_query(text)[0]
    assert float(tuned @ plain) < 0.999 and abs(float(np.linalg.norm(tuned)) - 1) < 1e-5
    twin = query_twin(embedder, load_arrays())
    assert np.array_equal(embed_one(twin, text), tuned)
    assert twin.layer(0)["q"][0] is embedder.layer(0)["q"][0]  # the frozen layers are shared
    assert np.array_equal(SentenceTransformerEmbedder(embedder, tuned_queries=False).embed_query(text)[0], plain)
    pasted = "INT. DINER - NIGHT\nMARLOWE stirs a cold coffee and watches the door."
    assert np.array_equal(emb.embed_query(pasted)[0], embed_one(embedder, pasted))


class _Steered(HashingEmbedder):
    """Reads every query as the words of one scene: the store must ask it, not embed the query itself."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed(["gulls scream over the water a body floats face down"])


def test_search_embeds_a_text_query_through_the_embedders_query_side(make_library):
    from tests.test_library import DRAFT

    lib = make_library(_Steered())
    lib.add_script(script(DRAFT), "night.fountain")
    assert lib.search("three detectives argue over a map", k=1, hybrid=False)[0].heading == "EXT. HARBOUR PIER - DAY"
    assert np.array_equal(embed_query(HashingEmbedder(), "a map"), HashingEmbedder().embed(["a map"]))
