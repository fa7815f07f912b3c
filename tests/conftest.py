"""Shared fixtures: every test gets its own data directory; real models are loaded once per run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# As the app and the CLI run (tools.embeddings.offline_models): one OpenBLAS thread. Its spinning workers made the
# starter-library fixture outrun the 600 s test timeout on a busy 2-core machine. Read when numpy loads: first.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

REALSCRIPTS = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"


@pytest.fixture(autouse=True)
def scriptroom_home(tmp_path, monkeypatch) -> Path:
    """Redirect the data directory so no test reads or writes the writer's ~/.scriptroom."""
    home = tmp_path / "scriptroom-home"
    monkeypatch.setenv("SCRIPTROOM_HOME", str(home))
    for var in ("SCRIPTROOM_BACKEND", "SCRIPTROOM_MODEL", "SCRIPTROOM_BASE_URL", "SCRIPTROOM_CHROMA_URL", "SCRIPTROOM_ADAPTER",
                "SCRIPTROOM_SCENE_ADAPTER"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(scope="session")
def models_home(tmp_path_factory) -> Path:
    """One data directory per test run for converted model weights (converting takes ~30 s)."""
    return tmp_path_factory.mktemp("models-home")


@pytest.fixture(scope="session")
def embedded_model_dir(models_home) -> Path:
    """The embedded SmolLM2-135M as a transformers checkpoint folder (converted from its GGUF once per run)."""
    from agent.models.store import resolve_model_dir
    from agent.settings import Settings

    return resolve_model_dir("smollm2-135m-instruct", Settings(home=models_home).models_dir)


@pytest.fixture(scope="session")
def embedded_engine(models_home):
    """The real embedded SmolLM2-135M on transformers (the training engine, whose weights tests may read),
    loaded once and shared by every test that needs it."""
    from agent.models.factory import load_engine
    from agent.settings import Settings

    return load_engine(Settings(home=models_home, engine="transformers"))


@pytest.fixture(scope="session")
def llama_engine(models_home):
    """The real embedded SmolLM2-135M GGUF on llama.cpp, the default CPU engine; skips, saying why, only
    where llama-cpp-python could not be built."""
    from agent.models.llamacpp import llama_cpp_problem

    problem = llama_cpp_problem()
    if problem:
        pytest.skip(f"llama-cpp-python is not usable here: {problem}")
    from agent.models.factory import load_engine
    from agent.settings import Settings

    return load_engine(Settings(home=models_home, engine="llama.cpp"))


@pytest.fixture
def realscripts() -> Path:
    if not REALSCRIPTS.is_dir():
        pytest.skip("../shared/realscripts is not present")
    return REALSCRIPTS


@pytest.fixture
def one_thread():
    """On a busy 2-core machine one torch thread decodes several times faster than two fighting for cores."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def embedder():
    """The packaged all-MiniLM-L6-v2, loaded once per run."""
    from tools.embeddings import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def router(embedder):
    from agent.routing import Router

    return Router(embedder)


@pytest.fixture(scope="session")
def starter_library(tmp_path_factory, embedder):
    """One scene library with the starter scenes indexed, shared by the app tests (indexing costs ~20 s)."""
    from tools.library import SceneLibrary

    library = SceneLibrary(tmp_path_factory.mktemp("starter-library"), embedder)
    library.ensure_starter()
    yield library
    library.close()
