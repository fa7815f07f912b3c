"""The scene search's tuned query encoder: what it reads, what it leaves alone, and what it never learned from."""

from __future__ import annotations

import numpy as np

from tests.library_conftest import chroma_server, client_kind, hashing_embedder, make_library, script  # noqa: F401
from tools.embeddings import embed_one
from tools.library.embedder import HashingEmbedder, SentenceTransformerEmbedder, embed_query
from tools.library.query_encoder import load_arrays, query_twin
from tools.library.query_training import (
    DATA, PATH, SCENE_LAYERS, SCENE_PATH, digest, evaluation_scenes, fresh, training_pairs, training_scene_keys,
)
from tools.library.quality import load_queries


def test_shipped_encoders_were_built_from_the_current_data():
    """A changed description, training scene or setting changes both towers: rebuild them
    (python -m tools.library.query_training)."""
    arrays = load_arrays()
    assert arrays is not None, f"{PATH.name} is missing"
    assert fresh(arrays, load_arrays(SCENE_PATH.name), digest(training_pairs())), \
        f"{PATH.name} / {SCENE_PATH.name} stale: run python -m tools.library.query_training"


def test_a_query_file_from_another_build_than_the_scene_file_is_stale():
    stamp = "0123456789abcdef" * 4
    query = {"digest": np.array(stamp), "scene_encoder": np.array(stamp[:16])}
    scene = {"digest": np.array(stamp)}
    if SCENE_LAYERS:
        assert fresh(query, scene, stamp)
        assert not fresh({**query, "scene_encoder": np.array("base")}, scene, stamp)
        assert not fresh(query, {"digest": np.array("f" * 64)}, stamp)
        assert not fresh(query, None, stamp)
    else:  # a single-tower build: no scene file, and a query file that names none
        assert fresh({"digest": np.array(stamp)}, None, stamp)
        assert not fresh(query, None, stamp) and not fresh({"digest": np.array(stamp)}, scene, stamp)
    assert not fresh(query, scene, "f" * 64)


def test_encoders_stay_small_for_git():
    """Each rebuild adds the whole files to git history."""
    assert PATH.stat().st_size < 1_500_000
    assert not SCENE_PATH.exists() or SCENE_PATH.stat().st_size < 500_000


def test_the_scene_towers_training_replica_gives_the_stored_vectors(embedder):
    """Before any step, the scene side re-encodes each training scene's chunks and action row to the vectors the
    store gave them: the two-tower loss scores what the library will store."""
    import torch

    from tools.library.query_training import _SceneSide, training_scenes

    pairs = [p for p in training_pairs() if p.scenes[0].startswith("training/")][:4:2]  # two queries a scene
    scenes = training_scenes(embedder, pairs)
    assert len(scenes) == 2 and all(s.chunk_texts and s.action_text for s in scenes)
    longest = max(len(s.chunks) for s in scenes)
    chunks = torch.zeros(len(scenes), longest, 384)
    for i, s in enumerate(scenes):
        chunks[i, : len(s.chunks)] = torch.tensor(s.chunks)
    actions = torch.tensor(np.stack([s.action for s in scenes]))
    side = _SceneSide(embedder, scenes, chunks, actions, 1)
    side.refresh()
    assert torch.allclose(side.chunks, chunks, atol=1e-5) and torch.allclose(side.actions, actions, atol=1e-5)
    all_chunks, _, drift = side.with_fresh([1])
    assert float(drift.detach()) < 1e-5 and torch.allclose(all_chunks, chunks, atol=1e-5)
    assert all_chunks.requires_grad and not side.chunks.requires_grad  # the refreshed cache never carries a graph


def test_the_scene_tower_stays_near_the_packaged_encoder(embedder):
    """Pasted-scene searches and the hub discount read the scene vectors too: the tuned scene side moves them (it
    must, or the file is dead weight), not beyond recognition. The shipped build (session 12) puts a scene's tuned
    vector at cosine 0.75-0.81 from its packaged one on these eight scenes, and on the 1,130-scene library every
    one of 79 starter scenes pasted without its heading still finds itself first, as with the packaged vectors."""
    from tools.library.query_training import _synthetic_rows
    from tools.tuned_minilm import tuned_encoder

    scene_arrays = load_arrays(SCENE_PATH.name)
    if not SCENE_LAYERS:
        assert scene_arrays is None
        return
    assert {int(k.split(".")[1]) for k in scene_arrays if k.startswith("enc.")} == {embedder.depth - 1}
    twin = tuned_encoder(embedder, scene_arrays)
    texts = [row["scene"] for row in _synthetic_rows(DATA)[:8]]
    plain, tuned = embedder.encode(texts, normalize_embeddings=True), twin.encode(texts, normalize_embeddings=True)
    cosines = (plain * tuned).sum(1)
    assert cosines.min() > 0.7 and cosines.max() < 0.9999


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


def test_descriptions_are_read_by_the_query_twin_and_everything_else_by_the_scene_side(embedder):
    from tools.library.scene_encoder import load_arrays as scene_file
    from tools.tuned_minilm import tuned_encoder

    emb = SentenceTransformerEmbedder(embedder).for_scenes()  # as the scene library embeds
    scene_side = tuned_encoder(embedder, scene_file()) if SCENE_LAYERS else embedder
    text = "two old friends argue about money in a diner"
    as_scene = embed_one(scene_side, text)
    assert np.allclose(emb.embed([text])[0], as_scene, atol=1e-6)  # scenes are embedded as the stored vectors were
    tuned = emb.embed_query(text)[0]
    assert float(tuned @ as_scene) < 0.999 and abs(float(np.linalg.norm(tuned)) - 1) < 1e-5
    twin = query_twin(embedder, load_arrays())
    assert np.array_equal(embed_one(twin, text), tuned)
    assert twin.layer(0)["q"][0] is embedder.layer(0)["q"][0]  # the frozen layers are shared
    untuned = SentenceTransformerEmbedder(embedder, tuned_queries=False).for_scenes()
    assert np.allclose(untuned.embed_query(text)[0], as_scene, atol=1e-6)
    pasted = "INT. DINER - NIGHT\nMARLOWE stirs a cold coffee and watches the door."
    assert np.allclose(emb.embed_query(pasted)[0], embed_one(scene_side, pasted), atol=1e-6)
    if SCENE_LAYERS:  # the router's and critic's embedder keeps the packaged vectors, and a description is read
        # as they are: the query twin was trained against the scene side, not against them
        packaged = SentenceTransformerEmbedder(embedder)
        assert np.array_equal(packaged.embed([text])[0], embed_one(embedder, text))
        assert np.allclose(packaged.embed_query(text)[0], embed_one(embedder, text), atol=1e-6)


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
