"""Fixtures for the scene-library tests: embedders loaded once per run, a real Chroma server, fresh libraries.

Test modules import what they use (``from tests.library_conftest import ...``); the model and the server
are cached here so every module that imports them shares one instance.
"""

from __future__ import annotations

import functools
import sys
import uuid
from pathlib import Path

import pytest

from screenplay.formats import fountain
from tests.appserver import free_port, server_process
from tools.library import SceneLibrary
from tools.library.embedder import HashingEmbedder, SentenceTransformerEmbedder

CHROMA_BIN = Path(sys.executable).parent / "chroma"


@functools.cache
def _minilm() -> SentenceTransformerEmbedder:
    from tools.embeddings import load_embedder

    return SentenceTransformerEmbedder(load_embedder())


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    """The real packaged all-MiniLM-L6-v2 (loaded once per test run)."""
    return _minilm()


@pytest.fixture(scope="session")
def hashing_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` on a free local port; yields its URL and stops it afterwards."""
    if not CHROMA_BIN.exists():
        pytest.skip("the chroma CLI is not installed next to this Python")
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(CHROMA_BIN), "run", "--path", str(data / "db"), "--port", str(port), "--host", "127.0.0.1"]
    with server_process(command, f"{url}/api/v2/heartbeat", data / "server.log"):
        yield url


@pytest.fixture(params=["local", "http"])
def client_kind(request) -> str:
    return request.param


@pytest.fixture
def make_library(client_kind, request, tmp_path, hashing_embedder):
    """Factory for fresh libraries on the parametrised client: a temp folder, or a new collection on the
    shared server (one per test, so tests never see each other's scenes)."""
    opened: list[SceneLibrary] = []
    collection = f"t{uuid.uuid4().hex[:12]}"

    def make(embedder=None, **kwargs) -> SceneLibrary:
        kwargs.setdefault("starter", False)
        if client_kind == "http":
            location = request.getfixturevalue("chroma_server")
            kwargs.setdefault("collection", collection)
        else:
            location = tmp_path / "library"
        lib = SceneLibrary(location, embedder or hashing_embedder, **kwargs)
        opened.append(lib)
        return lib

    yield make
    for lib in opened:
        lib.close()


def script(text: str):
    """A Script from Fountain text (tests write drafts inline)."""
    return fountain.parse(text)
