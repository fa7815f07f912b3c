"""The served path, proven against a real OpenAI-compatible server: llama-cpp-python's server on localhost,
serving the embedded GGUF, started and stopped by this module. Each test checks the request the server received.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.models.factory import build_chat_model, model_info
from agent.settings import Settings
from tests.appserver import free_port
from tests.llama_server import llama_server, received

pytestmark = pytest.mark.slow

DRAFT = Path(__file__).parent / "fixtures" / "generator" / "lighthouse.fountain"
ALIAS = "smollm2-135m-instruct"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from agent.models.llamacpp import llama_cpp_problem

    problem = llama_cpp_problem()
    if problem:
        pytest.skip(f"llama-cpp-python (and its server) is not usable here: {problem}")
    with llama_server(tmp_path_factory.mktemp("llama-server"), free_port()) as (base, requests):
        yield base, requests


def served(base: str, **overrides) -> Settings:
    values = dict(backend="openai", base_url=base, model=ALIAS, temperature=0.0, max_new_tokens=40, seed=3)
    return Settings(**{**values, **overrides})


def last_request(requests: Path, before: int) -> dict:
    bodies = received(requests, before)
    assert bodies, "the server received no chat completion"
    return bodies[-1]


def mark(requests: Path) -> int:
    return len(requests.read_text().splitlines())


def test_a_streamed_chat_sends_max_tokens_and_sampling(server):
    base, requests = server
    before = mark(requests)
    chunks = list(build_chat_model(served(base)).stream("Say hello to a screenwriter."))
    body = last_request(requests, before)
    assert len(chunks) > 5 and "".join(c.content for c in chunks).strip()
    assert body["stream"] is True and body["max_tokens"] == 40 and "max_completion_tokens" not in body
    assert (body["temperature"], body["top_p"], body["seed"]) == (0.0, 0.9, 3)
    usage = [c.usage_metadata for c in chunks if c.usage_metadata] or [None]
    assert usage[-1] is None or usage[-1]["output_tokens"] <= 40


def test_per_call_limit_stop_and_extra_sampling_reach_the_server(server):
    base, requests = server
    model = build_chat_model(served(base))
    before = mark(requests)
    reply = model.invoke("Count from one to twenty in words, separated by commas.", stop=["seven"], max_new_tokens=30,
                         min_p=0.05, repetition_penalty=1.05)
    body = last_request(requests, before)
    assert body["max_tokens"] == 30 and body["stop"] == ["seven"] and body["stream"] is False
    assert body["min_p"] == 0.05 and body["repeat_penalty"] == 1.05
    assert "seven" not in reply.content
    assert reply.response_metadata["token_usage"]["completion_tokens"] <= 30


@pytest.mark.parametrize("writing", ["scaffold", "free"])
def test_scene_generation_through_the_server_uses_stop_and_max_tokens(server, writing):
    from screenplay.io import load
    from tools.context import ToolContext
    from tools.generator import SceneGenerator
    from tools.generator.generator import FREE_STOP, STOP, free_token_budget, scene_token_budget

    base, requests = server
    # No explicit limit: each candidate gets the budget of what its tier keeps (a scaffold's lines, or a whole
    # scene on the free tier), not the model's 384; the stop sequences are the tier's own.
    settings = served(base, temperature=0.7, max_new_tokens=384, writing=writing)
    info = model_info(settings)
    assert info.writing_tier == writing
    generator = SceneGenerator(build_chat_model(settings), info=info, extra_candidates=0, max_attempts=1)
    before = mark(requests)
    result = generator.generate({"count": 1, "brief": "the keeper finds a letter"}, ToolContext(script=load(DRAFT)))
    bodies = received(requests, before)
    assert len(bodies) == result.data["candidates"] >= 1
    budget, stop = (free_token_budget, FREE_STOP) if writing == "free" else (scene_token_budget, STOP)
    budgets = {budget(lines) for lines in range(1, 13)}
    assert all(b["stream"] and b["stop"] == stop and b["max_tokens"] in budgets for b in bodies)
    assert all("max_completion_tokens" not in b for b in bodies)
    assert result.data["options"] or result.data["valid_candidates"] == 0  # whatever the model wrote is accounted


def test_a_critique_through_the_server(server, tmp_path):
    from screenplay.io import load
    from tools.critic.critic import Critic

    base, requests = server
    critic = Critic(build_chat_model(served(base, max_new_tokens=60)), out_dir=tmp_path, plots=False)
    before = mark(requests)
    result = critic.critique(load(DRAFT), pdf=False)
    bodies = received(requests, before)
    assert bodies and all(b["max_tokens"] == 60 for b in bodies)
    assert result.summary and result.data


def test_native_tool_calling_routes_and_falls_back_when_no_tool_is_called(server, router):
    from agent.routing.native import ToolCallingRouter
    from tools.schemas import CritiqueArgs, GenerateArgs

    base, requests = server
    schemas = {"generate": GenerateArgs, "critique": CritiqueArgs}
    model = build_chat_model(served(base, max_new_tokens=48))
    # tool_choice "auto": the 135M model answers in prose, the semantic router decides.
    before = mark(requests)
    decision = ToolCallingRouter(model, schemas, fallback=router).route("give me three openings for act two")
    body = last_request(requests, before)
    assert {"generate", "critique"} <= {t["function"]["name"] for t in body["tools"]}
    assert decision.layer == "fallback" and decision.intent == "generate"
    # A server told to call a tool (tool_choice by name, as a deployment may pin it) returns a real tool call,
    # which the router turns into its decision.
    pinned = model.model_copy(update={"model_kwargs": {"tool_choice": {"type": "function",
                                                                       "function": {"name": "critique"}}}})
    decision = ToolCallingRouter(pinned, schemas, fallback=router).route("what's wrong with my second act?")
    assert decision.layer == "native" and decision.intent == "critique"


def test_scriptroom_chat_with_backend_openai(server, models_home):
    base, requests = server
    before = mark(requests)
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "chat", "Hello! How are you today?", "--json",
         "--backend", "openai", "--base-url", base, "--model", ALIAS, "--max-new-tokens", "32", "--temperature", "0"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert out["model"]["engine"] == "openai" and out["model"]["token_limit_param"] == "max_tokens" and out["reply"]
    bodies = received(requests, before)
    # The routing call (with tools: the served model may pick one natively), then the streamed answer.
    assert "tools" in bodies[0] and bodies[-1]["stream"] and bodies[-1]["max_tokens"] == 32
    assert not any("max_completion_tokens" in b for b in bodies)
