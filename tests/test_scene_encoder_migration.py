"""A library moves to a new scene encoder (tools/library/scene_encoder.py) by re-embedding what it stores:
the vectors a fresh index would give, resumably, nothing lost, search right at every moment.

The shipped files are never touched: a synthetic scene encoder (layer 5 of the packaged MiniLM, perturbed and
packed as the trainer packs it) and a query encoder trained "against" it are handed to the embedder.
"""

from __future__ import annotations

import functools
import os
import signal
import textwrap
from pathlib import Path

import numpy as np
import pytest

import cli.library
import cli.main
from tests.library_conftest import (  # noqa: F401  (fixtures)
    _minilm,
    chroma_server,
    client_kind,
    hashing_embedder,
    make_library,
    script,
)
from tests.test_library import DRAFT, PICNIC
from tools.library import LibraryError
from tools.library.embedder import HashingEmbedder, SentenceTransformerEmbedder, for_scenes
from tools.library.scene_encoder import BASE, load_arrays, trained_against, version
from tools.library.lock import WriterLock
from tools.library.recut import first_window
from tools.library.sources import find_sources, load_script, script_records
from tools.library.store import ACTIONS_SUFFIX, SCENE_ENCODER, STARTER_DIR, SceneLibrary
from tools.tuned_minilm import pack

# One scene each, of three windows: MiniLM on the shared test machine embeds a few texts a second.
DRAFT_FILE = sorted(STARTER_DIR.glob("noir/*.fountain"))[0]
STARTER_FILE = sorted(STARTER_DIR.glob("heist/*.fountain"))[0]


@functools.cache
def _tuned_layer5(seed: int, scale: float, extra: tuple[tuple[str, str], ...] = ()) -> dict[str, np.ndarray]:
    """Layer 5 perturbed and packed; ``extra`` string keys added (the digest, the query file's scene version)."""
    model = _minilm().packaged
    base = {5: model.layer(5)}
    rng = np.random.default_rng(seed)
    tuned = {5: {part: (w + scale * w.std() * rng.standard_normal(w.shape).astype(np.float32), b)
                 for part, (w, b) in base[5].items()}}
    arrays = pack(base, tuned, rank=8)
    arrays.update({k: np.array(v) for k, v in extra})
    return arrays


def scene_arrays() -> dict[str, np.ndarray]:
    return _tuned_layer5(1, 0.6, (("digest", "5ce9e0000000000000000synthetic"),))


def query_arrays(against: str) -> dict[str, np.ndarray]:
    return _tuned_layer5(2, 0.6, (("digest", "9e4700000000synthetic"), ("scene_encoder", against)))


def embedder(scenes: dict | None, queries: dict | None = None) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(_minilm().packaged, scene_arrays=scenes if scenes is not None else {},
                                       query_arrays=queries)


class Retuned(HashingEmbedder):
    """The hasher under another scene encoder version: the same name (the same model), other vectors."""

    scene_version = "retuned0"

    def embed(self, texts):
        return np.ascontiguousarray(super().embed(texts)[:, ::-1])


def test_versions_and_which_side_reads_a_description():
    x = version(scene_arrays())
    assert x == "5ce9e00000000000" and version(None) == version({}) == BASE
    assert trained_against(None) == trained_against({"digest": np.array("abc")}) == BASE
    assert trained_against(query_arrays(x)) == x

    model = _minilm().packaged
    text = "a detective argues over a harbour map"
    tuned = embedder(scene_arrays(), query_arrays(x))
    scene_side = tuned.embed(["one", text])[1]
    assert tuned.scene_version == x and not np.allclose(scene_side, embedder(None).embed(["one", text])[1], atol=1e-3)
    # Trained against the stored vectors: the query twin reads it; against other vectors: read as a scene.
    described = tuned.embed_query(text)[0]
    assert not np.allclose(described, scene_side, atol=1e-3)
    assert np.allclose(tuned.embed_query(text, stored_version=BASE)[0], scene_side, atol=1e-5)
    assert np.allclose(embedder(scene_arrays(), query_arrays(BASE)).embed_query(text)[0], scene_side, atol=1e-5)
    # The query twin is a twin of the packaged model, whatever the scene side.
    plain = embedder(None, query_arrays(x))
    assert np.allclose(plain.embed_query(text, stored_version=x)[0], described, atol=1e-5)
    # A pasted scene is embedded as the scenes are.
    pasted = "INT. DINER - NIGHT\nMARLOWE stirs a cold coffee."
    assert np.allclose(tuned.embed_query(pasted)[0], tuned.embed(["one", pasted])[1], atol=1e-5)
    # The router, the critic and the style tools keep the packaged vectors; the library takes the shipped file.
    assert np.allclose(SentenceTransformerEmbedder(model).embed(["one", text])[1],
                       model.encode([text], normalize_embeddings=True)[0], atol=1e-5)
    shipped = version(load_arrays())
    assert for_scenes(model).scene_version == shipped == for_scenes(SentenceTransformerEmbedder(model)).scene_version
    assert for_scenes(tuned) is tuned


def _records(path, source_prefix: str) -> list:
    return script_records(load_script(path), f"{source_prefix}/{path.parent.name}/{path.name}")


def _rows(lib: SceneLibrary) -> dict[str, tuple]:
    """Every stored row (both collections): id -> (document, metadata, vector)."""
    out = {}
    for col in (lib._get_collection(create=False), lib._actions(create=False)):  # reading takes no lock
        got = col.get(include=["documents", "metadatas", "embeddings"])
        for id_, doc, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"]):
            out[f"{col.name}:{id_}".replace(lib.collection_name, "")] = (doc, meta, np.asarray(vec))
    return out


def test_a_stored_scene_gives_back_its_first_window(tmp_path):
    """Every starter scene, read as a writer's draft (its stored text and chunk 1's window only), gives the
    tokens its first window had when indexed from the file."""
    records = [r for f in find_sources([STARTER_DIR]) for r in script_records(load_script(f.path), f.source)]
    with SceneLibrary(tmp_path / "lib", _minilm(), starter=False) as lib:
        windows = lib._chunks(records)
    tokens = _minilm().model.tokenizer
    several = 0
    for record, chunks in zip(records, windows):
        several += len(chunks) > 1
        rebuilt = first_window(record.header, record.text, record.metadata, chunks[1] if len(chunks) > 1 else None)
        assert tokens([rebuilt])["input_ids"] == tokens([chunks[0]])["input_ids"], record.source
    assert len(records) > 150 and several > 150


def test_migration_gives_the_vectors_a_fresh_index_gives(tmp_path):
    """A writer's drafts (no source file to re-read: chunk 0's window is recut from the stored scene) and
    bundled starter scenes (re-read) move to the new scene encoder; every row equals a fresh index's."""
    drafts, starter = _records(DRAFT_FILE, "drafts"), _records(STARTER_FILE, "starter")
    assert len(drafts[0].body) > 12  # a long scene: several windows
    x = version(scene_arrays())
    with SceneLibrary(tmp_path / "old", embedder(None), starter=False, batch_size=8) as old:
        old.add_records(drafts + starter)
        assert old.stored_version() == BASE and not old.needs_upgrade()
        before = _rows(old)
    with SceneLibrary(tmp_path / "old", embedder(scene_arrays(), query_arrays(x)), starter=False,
                      batch_size=8) as lib:
        assert lib.needs_upgrade() and lib.needs_starter()
        heard: list[int] = []
        report = lib.upgrade(on_start=heard.append, on_commit=lambda batch: heard.append(len(batch)))
        n = len(drafts) + len(starter)
        assert (report.scenes, report.added, heard[0], sum(heard[1:])) == (n, n, n, n)
        assert lib.stored_version() == x and not lib.needs_upgrade() and lib.stats().scene_encoder == x
        migrated = _rows(lib)
        hit = lib.search("a safecracker at a vault", k=1)[0]
        assert SCENE_ENCODER not in hit.metadata
    with SceneLibrary(tmp_path / "fresh", embedder(scene_arrays()), starter=False, batch_size=8) as fresh:
        fresh.add_records(drafts + starter)
        expected = _rows(fresh)
    assert migrated.keys() == expected.keys() == before.keys()
    for id_, (doc, meta, vec) in expected.items():
        assert migrated[id_][:2] == (doc, meta), id_
        assert np.allclose(migrated[id_][2], vec, atol=2e-5), id_
        assert not np.allclose(before[id_][2], vec, atol=1e-3), id_  # it really was re-embedded


def test_a_killed_migration_resumes_loses_nothing_and_searches_meanwhile(make_library):
    old = make_library(batch_size=1)
    old.add_script(script(DRAFT), "night.fountain")
    old.add_script(script(PICNIC), "sunday.fountain")
    scenes = old.stats().scenes
    old.close()

    class Killed(Exception):
        pass

    def kill(batch):
        raise Killed

    lib = make_library(Retuned(), batch_size=1)
    with pytest.raises(Killed):
        lib.upgrade(on_commit=kill)
    lib.close()

    lib = make_library(Retuned(), batch_size=1)
    assert lib.stored_version() == BASE and lib.needs_upgrade()  # the collection flips last
    rows = _rows(lib)
    versions = sorted(meta.get(SCENE_ENCODER, BASE) for _, meta, _ in rows.values())
    assert BASE in versions and "retuned0" in versions  # one scene done, the rest not
    assert lib.stats().scenes == scenes
    if not lib.remote:  # a search while another process holds the folder ranks every scene, half re-embedded
        holder = WriterLock(Path(lib.location))
        holder.acquire()
        assert len(lib.search("gulls scream over the water", k=4, hybrid=False)) == 4
        holder.release()
        assert lib.stored_version() == BASE

    # Indexing into it re-embeds the rest first: versions never mix silently.
    lib.add_script(script(DRAFT.replace("Night Shift", "Night Shift II")), "night2.fountain")
    assert lib.stored_version() == "retuned0" and not lib.needs_upgrade()
    assert {meta.get(SCENE_ENCODER) for _, meta, _ in _rows(lib).values()} == {"retuned0"}
    assert lib.stats().scenes == scenes + 3

    got = _rows(lib)
    lib.close()
    fresh = make_library(Retuned(), collection=lib.collection_name + "fresh")
    fresh.add_script(script(DRAFT), "night.fountain")
    fresh.add_script(script(PICNIC), "sunday.fountain")
    for id_, (doc, meta, vec) in _rows(fresh).items():
        assert got[id_][0] == doc and np.allclose(got[id_][2], vec, atol=1e-5), id_


def test_another_model_is_still_refused(make_library):
    first = make_library()
    first.add_script(script(PICNIC), "sunday.fountain")
    first.close()

    class Other(HashingEmbedder):
        def __init__(self):
            super().__init__(dim=384)
            self.name = "other-model"

    with pytest.raises(LibraryError, match="holds hashing-384 embeddings"):
        make_library(Other()).search("a picnic")


def test_scriptroom_search_re_embeds_with_progress_first(monkeypatch, capsys, tmp_path):
    library = tmp_path / "lib"
    with SceneLibrary(library, HashingEmbedder(), starter=False) as lib:
        lib.add_script(script(DRAFT), "night.fountain")
        lib.collection.modify(metadata={**lib.collection.metadata, "starter_indexed": True})
    monkeypatch.setattr("cli.library.make_embedder", Retuned)
    bars: list[str] = []
    shown = cli.library._index_with_progress
    monkeypatch.setattr("cli.library._index_with_progress", lambda desc, run: bars.append(desc) or shown(desc, run))
    assert cli.main.main(["search", "gulls over the water", "--library", str(library), "-k", "1"]) == 0
    assert "HARBOUR PIER" in capsys.readouterr().out and bars == ["re-embedding library (base -> retuned0)"]
    with SceneLibrary(library, Retuned(), starter=False) as lib:
        assert lib.stored_version() == "retuned0" and lib._actions(create=False).name == "scenes" + ACTIONS_SUFFIX


MIGRATOR = textwrap.dedent(
    """
    import sys
    import numpy as np
    from tools.library import SceneLibrary
    from tools.library.embedder import HashingEmbedder

    class Retuned(HashingEmbedder):
        scene_version = "retuned0"

        def embed(self, texts):
            return np.ascontiguousarray(super().embed(texts)[:, ::-1])

    lib = SceneLibrary(sys.argv[1], Retuned(), starter=False, batch_size=3)
    lib.upgrade(on_commit=lambda batch: print("ACK", *batch, flush=True))
    print("DONE", flush=True)
    """
)


@pytest.mark.timeout(180)
def test_sigkill_mid_migration_loses_no_scene_and_resumes(tmp_path):
    from tests.test_library_reliability import _spawn, _write_drafts

    drafts = tmp_path / "drafts"
    _write_drafts(drafts, 120)
    with SceneLibrary(tmp_path / "lib", HashingEmbedder(), starter=False) as lib:
        lib.index_paths([drafts])
    proc = _spawn(MIGRATOR, str(tmp_path / "lib"))
    acked: set[str] = set()
    for line in proc.stdout:
        assert not line.startswith("DONE"), "the migration finished before it could be killed"
        acked.update(line.split()[1:])
        if len(acked) >= 9:
            os.kill(proc.pid, signal.SIGKILL)
            break
    assert proc.wait(timeout=30) == -signal.SIGKILL, proc.stderr.read()

    with SceneLibrary(tmp_path / "lib", Retuned(), starter=False, batch_size=3) as lib:
        assert lib.stats().scenes == 120 and lib.stored_version() == BASE
        rows = _rows(lib)
        stale = {meta["scene_id"] for _, meta, _ in rows.values() if meta.get(SCENE_ENCODER) != "retuned0"}
        done = {meta["scene_id"] for _, meta, _ in rows.values()} - stale  # killed between two writes: stale
        assert acked <= done and len(done) < 120
        report = lib.upgrade()
        assert (report.scenes, report.unchanged) == (120, len(done)) and lib.stored_version() == "retuned0"
        got = _rows(lib)
    with SceneLibrary(tmp_path / "fresh", Retuned(), starter=False) as fresh:
        fresh.index_paths([drafts])
        want = _rows(fresh)
    assert got.keys() == want.keys()
    assert all(np.allclose(got[id_][2], vec, atol=1e-6) for id_, (_, _, vec) in want.items())
