"""SceneLibrary against real Chroma: a local folder and a `chroma run` server, same tests on both."""

from __future__ import annotations

import pytest

from screenplay.model import Element, ElementType, Scene, parse_heading
from tests.library_conftest import (  # noqa: F401  (fixtures)
    chroma_server,
    client_kind,
    hashing_embedder,
    make_library,
    minilm,
    script,
)
from tools.library import LibraryError, SceneHit
from tools.library.embedder import HashingEmbedder
from tools.library.framing import strip_frame
from tools.library.records import action_lines_from_text, action_text, record_header
from tools.library.store import ACTION_WEIGHT, ACTIONS_SUFFIX

DRAFT = """Title: Night Shift
Genre: Noir
Tone: Tense

INT. DINER - NIGHT

Rain on the window. MARLOWE stirs a cold coffee and watches the door.

MARLOWE
You're late, Vera.

VERA
I'm never late. You're early.

EXT. HARBOUR PIER - DAY

Gulls scream over the water. A body floats face down between the pilings.

COP
Third one this month.

INT. POLICE STATION - NIGHT

A bare bulb. Three detectives argue over a map of the harbour.

CHIEF
Somebody is dumping them at the pier.

RUIZ
Or somebody wants us to think so.

MARLOWE
Either way, we watch the pier tonight.
"""

PICNIC = """Title: Sunday
Genre: Comedy

EXT. PARK - DAY

A picnic blanket, a wasp, and a family losing a battle with a watermelon.

MOM
Nobody move. It can smell fear.
"""


def _ids(lib) -> set[str]:
    return {id_ for id_, _ in lib._all_metadata()}


def test_index_is_incremental_and_never_duplicates(make_library):
    lib = make_library()
    first = lib.add_script(script(DRAFT), "night.fountain")
    assert (first.added, first.unchanged) == (3, 0)
    ids = _ids(lib)
    again = lib.add_script(script(DRAFT), "night.fountain")
    assert (again.added, again.unchanged, again.chunks_added) == (0, 3, 0)
    assert _ids(lib) == ids
    assert lib.stats().scenes == 3


def test_changed_scene_replaces_only_itself(make_library):
    lib = make_library()
    lib.add_script(script(DRAFT), "night.fountain")
    before = _ids(lib)
    edited = DRAFT.replace("Third one this month.", "Fourth one this month.")
    report = lib.add_script(script(edited), "night.fountain")
    assert (report.added, report.unchanged, report.removed) == (1, 2, 1)
    after = _ids(lib)
    assert len(after) == 3 and len(after & before) == 2
    assert set(lib._actions(create=False).get(include=[])["ids"]) == {i.rsplit("-", 1)[0] for i in after}
    hits = lib.search("fourth one this month", k=3)
    assert "Fourth one" in hits[0].text


def test_search_returns_typed_hits_best_first(make_library):
    lib = make_library()
    lib.add_script(script(DRAFT), "night.fountain")
    lib.add_script(script(PICNIC), "sunday.fountain")
    hits = lib.search("a body floats face down between the pilings", k=4)
    assert all(isinstance(h, SceneHit) for h in hits)
    assert len(hits) == 4
    assert hits[0].heading == "EXT. HARBOUR PIER - DAY"
    assert hits[0].source == "night.fountain" and hits[0].scene_number == 2
    assert "body floats" in hits[0].text
    dense = lib.search("a body floats face down between the pilings", k=4, hybrid=False)
    scores = [h.score for h in dense]
    assert scores == sorted(scores, reverse=True)  # MiniLM alone ranks by cosine
    assert all(-1.0 <= s <= 1.0 for s in scores)
    # hybrid reorders the same scenes (BM25, and a source's second scene pays SOURCE_REPEAT_PENALTY)
    assert {h.id for h in hits} == {h.id for h in dense}
    assert hits[0].metadata["characters"] == "COP" and hits[0].metadata["n_characters"] == 1
    assert hits[0].metadata["genre"] == "noir" and hits[0].metadata["tone"] == "tense"


def test_score_mixes_the_best_chunk_with_the_action_row(make_library, hashing_embedder):
    lib = make_library()
    lib.add_script(script(PICNIC), "sunday.fountain")
    query = "watermelon picnic wasp"
    hit = lib.search(query, k=1)[0]
    record = lib_record(PICNIC)
    q, chunk, action = hashing_embedder.embed([query, lib._chunks([record])[0][0], action_text(record.header, record.action)])
    expected = (1 - ACTION_WEIGHT) * float(q @ chunk) + ACTION_WEIGHT * float(q @ action)
    assert hit.score == pytest.approx(expected, abs=1e-3)


def test_the_action_row_is_the_header_and_the_action_without_dialogue():
    from tools.library.sources import script_records

    station = script_records(script(DRAFT), "night.fountain")[2]
    text = action_text(station.header, station.action)
    assert text.startswith(station.header) and "Three detectives argue over a map" in text
    assert "dumping" not in text and "watch the pier" not in text


def test_a_stored_scene_gives_the_action_lines_its_source_does():
    """An upgrade has only the stored text: for screenplay dialogue (every starter scene) it must find exactly
    the action lines the parsed source has, and rebuild the header from the stored metadata."""
    from tools.library.sources import find_sources, load_script, script_records
    from tools.library.store import STARTER_DIR

    records = [r for f in find_sources([STARTER_DIR]) for r in script_records(load_script(f.path), f.source)]
    assert len(records) > 150
    for r in records:
        assert record_header(r.metadata) == r.header
        assert action_lines_from_text(r.text, r.metadata) == list(r.action), r.source


def test_an_older_library_gains_its_action_rows_on_open(make_library):
    """A library written before layout 3 (the same scenes collection, no action rows) is upgraded by its first
    search, or by upgrade() with progress, and then ranks and scores as a library built today."""
    lib = make_library()
    lib.add_script(script(DRAFT), "night.fountain")
    lib.add_script(script(PICNIC), "sunday.fountain")
    query = "detectives argue over a map of the harbour"
    today = [(h.id, h.score) for h in lib.search(query, k=4)]

    def make_old(library) -> None:
        library._client.delete_collection(library.collection_name + ACTIONS_SUFFIX)
        col = library.collection
        col.modify(metadata={**col.metadata, "layout": 2})
        library.close()

    make_old(lib)
    old = make_library()  # another process opens the old folder
    assert old.needs_upgrade() and old.needs_starter()
    assert [(h.id, h.score) for h in old.search(query, k=4)] == today
    assert not old.needs_upgrade() and old._actions(create=False).count() == 4

    make_old(old)
    again = make_library()
    heard: list[int] = []
    report = again.upgrade(on_start=heard.append, on_commit=lambda batch: heard.append(len(batch)))
    assert (report.scenes, report.added, heard) == (4, 4, [4, 4])
    assert again.upgrade().added == 0 and [(h.id, h.score) for h in again.search(query, k=4)] == today


def lib_record(text: str):
    from tools.library.sources import script_records

    return script_records(script(text), "sunday.fountain")[0]


@pytest.mark.parametrize(
    "where, expected",
    [
        ({"int_ext": "ext"}, {"EXT. HARBOUR PIER - DAY", "EXT. PARK - DAY"}),
        ({"time": "night"}, {"INT. DINER - NIGHT", "INT. POLICE STATION - NIGHT"}),
        ({"genre": "Comedy"}, {"EXT. PARK - DAY"}),
        ({"n_characters": {"$gte": 3}}, {"INT. POLICE STATION - NIGHT"}),
        ({"n_characters": 2, "int_ext": "INT"}, {"INT. DINER - NIGHT"}),
        ({"source": "sunday.fountain"}, {"EXT. PARK - DAY"}),
    ],
)
def test_metadata_filters(make_library, where, expected):
    lib = make_library()
    lib.add_script(script(DRAFT), "night.fountain")
    lib.add_script(script(PICNIC), "sunday.fountain")
    hits = lib.search("people talking", k=10, where=where)
    assert {h.heading for h in hits} == expected


def test_bad_filter_and_query_say_what_is_accepted(make_library):
    lib = make_library()
    lib.add_script(script(DRAFT), "night.fountain")
    with pytest.raises(LibraryError, match="filter on one of: genre"):
        lib.search("x", where={"mood": "sad"})
    with pytest.raises(LibraryError, match="search text"):
        lib.search("   ")
    with pytest.raises(LibraryError, match="whole number"):
        lib.search("x", where={"n_characters": "many"})


def test_mmr_trades_duplicates_for_variety(make_library):
    lib = make_library()
    dupes = "".join(
        f"\nINT. VAULT {i} - NIGHT\n\nThe safe cracker spins the dial of the bank vault safe. Click. Click.\n"
        for i in range(4)
    )
    other = "\nINT. BANK LOBBY - NIGHT\n\nThe guard naps while the vault alarm blinks beside a safe.\n"
    lib.add_script(script("Title: Heist\n" + dupes + other), "heist.fountain")
    plain_hits = lib.search("safe cracker bank vault", k=3)
    assert all(h.heading.startswith("INT. VAULT") for h in plain_hits)
    diverse = lib.search("safe cracker bank vault", k=3, mmr=True, mmr_lambda=0.3)
    assert "INT. BANK LOBBY - NIGHT" in {h.heading for h in diverse}
    assert diverse[0].heading == plain_hits[0].heading  # the most relevant scene still leads
    with pytest.raises(LibraryError, match="between 0 and 1"):
        lib.search("vault", mmr=True, mmr_lambda=1.5)


def test_long_scene_is_chunked_and_scored_once(make_library):
    lib = make_library(HashingEmbedder(max_tokens=60))
    filler = "\n\n".join(f"ALICE\nLine {i} about the weather and the long drive north." for i in range(30))
    long_scene = f"Title: Road\n\nINT. CAR - NIGHT\n\n{filler}\n\nBOB\nThe zeppelin is made of marmalade.\n"
    lib.add_script(script(long_scene + "\n" + PICNIC.split("\n", 2)[2]), "road.fountain")
    stats = lib.stats()
    assert stats.scenes == 2 and stats.chunks > 5
    hits = lib.search("zeppelin marmalade", k=2)
    assert [h.heading for h in hits].count("INT. CAR - NIGHT") == 1
    assert hits[0].heading == "INT. CAR - NIGHT"
    assert hits[0].text.startswith("INT. CAR - NIGHT") and "marmalade" in hits[0].text and "Line 0 " in hits[0].text


def test_capped_scene_keeps_its_first_and_last_windows(make_library):
    """index_shakespeare embeds few windows per scene: the cap spreads them, so the close is still searchable."""
    from tools.library.sources import script_records

    lib = make_library(HashingEmbedder(max_tokens=60))
    filler = "\n\n".join(f"ALICE\nLine {i} about the weather and the long drive north." for i in range(30))
    middle = "\n\nCAROL\nA gazebo of porcupines.\n\n" + filler
    long_scene = f"Title: Road\n\nINT. CAR - NIGHT\n\n{filler}{middle}\n\nBOB\nThe zeppelin is made of marmalade.\n"
    records = script_records(script(long_scene), "road.fountain")
    assert len(lib._chunks(records)[0]) > 4
    lib.add_records(records, max_chunks=2)
    assert lib.stats().chunks == 2
    last = lib.search("zeppelin marmalade", k=1, hybrid=False)[0].score
    middle = lib.search("gazebo porcupines", k=1, hybrid=False)[0].score  # a middle window, not embedded
    # the score mixes in the action row (no action lines here, so near 0): the chunk part is what differs
    assert last > 0.15 * (1 - ACTION_WEIGHT) and middle < 0.05, (last, middle)


def test_search_by_a_scene_of_the_draft(make_library):
    lib = make_library()
    lib.add_script(script(DRAFT), "night.fountain")
    lib.add_script(script(PICNIC), "sunday.fountain")
    mine = Scene(
        heading=parse_heading("EXT. BEACH - DAY"),
        elements=[Element(ElementType.ACTION, "A family picnic; a wasp circles the watermelon.")],
    )
    hits = lib.search(mine, k=1)
    assert hits[0].heading == "EXT. PARK - DAY"
    own = script(DRAFT).scenes[0]
    top = lib.search(own, k=1)[0]
    # not 1: the library copy carries tags, and its action row (no dialogue) is further from the whole scene
    assert top.heading == "INT. DINER - NIGHT" and top.score > 0.8
    assert all(h.source != "night.fountain" for h in lib.search(own, k=5, exclude_source="night.fountain"))


def test_stats_and_remove(make_library):
    lib = make_library()
    lib.add_script(script(DRAFT), "drafts/night.fountain")
    lib.add_script(script(PICNIC), "drafts/sunday.fountain")
    lib.add_script(script(PICNIC), "other.fountain")
    stats = lib.stats()
    assert stats.sources == {"drafts/night.fountain": 3, "drafts/sunday.fountain": 1, "other.fountain": 1}
    assert stats.genres == {"comedy": 2, "noir": 3}
    assert lib.remove("other.fountain") == 1
    assert lib.remove("drafts") == 4
    assert lib.stats().scenes == 0 and lib.search("picnic") == []
    assert lib._actions(create=False).count() == 0  # the action rows went with their scenes
    with pytest.raises(LibraryError, match="no source 'nope.fountain'"):
        lib.remove("nope.fountain")


def test_empty_library_finds_nothing(make_library):
    assert make_library().search("anything") == []


def test_other_embedder_is_refused(make_library):
    make_library().add_script(script(PICNIC), "sunday.fountain")
    with pytest.raises(LibraryError, match="hashing-384 embeddings .* hashing-128"):
        make_library(HashingEmbedder(dim=128)).search("picnic")


def test_chroma_default_embedding_function_never_runs(make_library, monkeypatch):
    from chromadb.utils import embedding_functions

    def refuse(self, input):
        raise AssertionError("Chroma's default embedding function was called")

    monkeypatch.setattr(embedding_functions.DefaultEmbeddingFunction, "__call__", refuse)
    monkeypatch.setattr(embedding_functions.ONNXMiniLM_L6_V2, "__call__", refuse)
    lib = make_library()
    lib.add_script(script(DRAFT), "night.fountain")
    assert lib.search("diner coffee", k=1, mmr=True)[0].heading == "INT. DINER - NIGHT"
    assert lib._get_collection(create=False).configuration_json["hnsw"]["space"] == "cosine"


@pytest.mark.slow
def test_a_request_frame_is_cut_and_the_description_kept():
    assert strip_frame("I need the one where the kids find a compass") == "the kids find a compass"
    assert strip_frame("Is there a scene in which a boy hides an egg?") == "a boy hides an egg?"
    assert strip_frame("could you show me scenes about grief after a funeral") == "grief after a funeral"
    assert strip_frame("a scene with the dog") == "a scene with the dog"  # too little would be left
    assert strip_frame("one of the brothers leaves home at dawn") == "one of the brothers leaves home at dawn"
    assert strip_frame("restless kids sneak into the attic") == "restless kids sneak into the attic"


def test_search_ranks_a_framed_request_as_its_description(make_library):
    lib = make_library()
    lib.add_script(script(DRAFT), "night.fountain")
    lib.add_script(script(PICNIC), "sunday.fountain")
    plain = lib.search("a body floats face down between the pilings", k=4)
    framed = lib.search("find me the scene where a body floats face down between the pilings", k=4)
    assert [(h.id, h.score) for h in framed] == [(h.id, h.score) for h in plain]


def test_minilm_finds_by_meaning_not_words(make_library, minilm):
    """No shared content words between query and scene: only a real embedding can rank it first."""
    lib = make_library(minilm)
    lib.add_script(script(DRAFT), "night.fountain")
    lib.add_script(script(PICNIC), "sunday.fountain")
    hits = lib.search("corpse discovered in the sea near the docks", k=2)
    assert hits[0].heading == "EXT. HARBOUR PIER - DAY"
    assert hits[0].score > hits[1].score


def test_spread_sources_lets_a_second_source_in_before_a_third_scene_of_the_first():
    from tools.library.mmr import spread_sources

    scores, sources = [0.90, 0.89, 0.88, 0.80], ["big", "big", "big", "other"]
    assert spread_sources(scores, sources, 3, 0.05) == [0, 1, 3]
    assert spread_sources(scores, sources, 3, 0.0) == [0, 1, 2]  # no penalty: score order
    assert spread_sources(scores, sources, 10, 0.05) == [0, 1, 3, 2]  # nothing is dropped


def test_a_crowded_neighbourhood_is_dense_and_a_row_is_not_its_own_neighbour():
    import numpy as np

    from tools.library.hubs import densities

    rng = np.random.default_rng(1)
    centre = rng.standard_normal(16)
    crowd = centre + 0.1 * rng.standard_normal((12, 16))  # one source's near-alike scenes
    loners = rng.standard_normal((6, 16))
    vectors = np.vstack([crowd, loners]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    exact = densities(vectors, k=3)
    assert exact[:12].min() > 0.9 > exact[12:].max()  # a row's own 1.0 would lift the loners too
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    assert exact[12] == pytest.approx(np.sort(sims[12])[-3:].mean(), abs=1e-6)
    sampled = densities(vectors, k=3, reference=10)  # neighbours among a fixed sample of 10 rows
    assert sampled[:12].mean() > sampled[12:].mean() and len(sampled) == len(vectors)


def test_bm25_counts_only_what_stands_above_its_floor():
    from tools.library.lexical import LexicalHit, blend

    dense = {"a": 0.30, "b": 0.31}
    flat = [LexicalHit(s, 5.0 - 0.1 * i) for i, s in enumerate("abcdefghijkl")]  # common words: a flat ranking
    assert list(blend(dense, flat, weight=0.12, floor_rank=10)) == ["b", "a"]  # BM25's winner "a" does not overturn
    assert blend(dense, flat, weight=0.12, floor_rank=10)["a"] == pytest.approx(0.30 + 0.12 * 1.0 / 5.0)
    standout = [LexicalHit("a", 12.0)] + flat[1:]  # a rare word only "a" shares; the floor is still 4.0
    assert blend(dense, standout, weight=0.12, floor_rank=10)["a"] == pytest.approx(0.30 + 0.12 * (12.0 - 4.0) / 12.0)
    few = [LexicalHit("a", 3.0)]  # fewer scenes than the floor's rank share a word: the floor is 0
    assert blend(dense, few, weight=0.12, floor_rank=10)["a"] == pytest.approx(0.42)
    assert list(blend(dense, [], weight=0.12).items()) == [("b", 0.31), ("a", 0.30)]
