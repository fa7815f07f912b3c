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


def test_score_is_cosine_similarity(make_library, hashing_embedder):
    lib = make_library()
    lib.add_script(script(PICNIC), "sunday.fountain")
    query = "watermelon picnic wasp"
    hit = lib.search(query, k=1)[0]
    record_text = lib._chunks([lib_record(PICNIC)])[0][0]
    expected = float(hashing_embedder.embed([query])[0] @ hashing_embedder.embed([record_text])[0])
    assert hit.score == pytest.approx(expected, abs=1e-3)


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
    assert last > 0.15 and middle < 0.05, (last, middle)


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
    assert top.heading == "INT. DINER - NIGHT" and top.score > 0.9  # not 1: the library copy carries tags
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
