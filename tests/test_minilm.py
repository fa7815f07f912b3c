"""The numpy MiniLM gives sentence-transformers' vectors (the library's Chroma index was built with those)."""

import numpy as np
import pytest

from tools.embeddings import embedding_model_path, load_embedder

TEXTS = [
    "give me three openings for act two",
    "INT. DINER - NIGHT\n\nA waitress pours coffee for a man who will not look up. " * 30,  # past 256 tokens
    "Ünïcödé naïve café — “quotes” and an emoji 🎬",
    "",
    "a",
    "MAYA\n(quietly)\nYou were never here.",
]


@pytest.fixture(scope="module")
def reference():
    st = pytest.importorskip("sentence_transformers")
    return st.SentenceTransformer(str(embedding_model_path()), device="cpu")


def test_same_vectors_and_tokens_as_sentence_transformers(reference):
    ours = load_embedder()
    mine = ours.encode(TEXTS, batch_size=4)
    theirs = reference.encode(TEXTS, batch_size=4, convert_to_numpy=True, normalize_embeddings=True)
    assert mine.shape == theirs.shape == (len(TEXTS), 384) and mine.dtype == np.float32
    assert np.abs(mine - theirs).max() < 1e-5
    assert np.allclose(ours.encode(TEXTS[0]), theirs[0], atol=1e-5)  # a single string: one vector
    assert ours.max_seq_length == reference.max_seq_length
    plain = ours.tokenizer(TEXTS, add_special_tokens=False)["input_ids"]
    assert plain == reference.tokenizer(TEXTS, add_special_tokens=False)["input_ids"]
    assert len(plain[1]) > ours.max_seq_length  # counting tokens is not cut at the window


def test_vectors_are_unit_length_and_independent_of_batching():
    ours = load_embedder()
    together = ours.encode(TEXTS, batch_size=64)
    alone = np.stack([ours.encode([t])[0] for t in TEXTS])
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert np.abs(together - alone).max() < 1e-5
