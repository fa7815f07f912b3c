"""A real launch of the Gradio app on localhost, driven by gradio_client, on the real embedded model."""

import pytest

from agent.models.factory import build_chat_model
from agent.runtime import Runtime
from agent.settings import Settings
from tests.appserver import free_port, serve

pytestmark = pytest.mark.slow


@pytest.fixture
def launched(embedded_engine, models_home, embedder, router, starter_library, tmp_path):
    settings = Settings(home=tmp_path / "home", port=free_port(), max_new_tokens=24, temperature=0.0)
    runtime = Runtime.create(
        settings, chat_model=build_chat_model(settings, engine=embedded_engine), embedder=embedder, router=router, library=starter_library
    )
    with serve(runtime, concurrency=2, max_size=16) as url:
        yield url
    runtime.close()


def test_chat_streams_a_reply_through_the_launched_app(launched):
    from gradio_client import Client

    client = Client(launched, verbose=False)
    job = client.submit({"text": "What makes a great opening line of dialogue?", "files": []}, [], api_name="/send")
    updates = list(job)  # every streamed update of (history, options, draft)
    history = job.result()[0]
    assert len(updates) >= 3, "the reply should arrive in several streamed updates"
    roles = [m["role"] for m in history]
    assert roles[0] == "user" and roles[-1] == "assistant"
    reply = history[-1]["content"]
    reply_text = reply if isinstance(reply, str) else str(reply)
    assert len(reply_text.strip()) > 10
