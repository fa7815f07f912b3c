"""Load: 20 concurrent writers through gradio_client on the scripted model, no errors, no mixed state."""

import threading
import time

import pytest

from agent.models.fake import ScriptedChatModel
from agent.runtime import Runtime
from agent.settings import Settings
from tests.appserver import free_port, serve

pytestmark = pytest.mark.slow
WRITERS = 20


class EchoModel(ScriptedChatModel):
    """Replies with the writer's own last message, so a mixed-up session shows at once."""

    def reply(self, messages):
        from langchain_core.messages import AIMessage

        return AIMessage(content=f"echo: {messages[-1].content}")


def text_of(message) -> str:
    """Gradio 6 sends content as a list of typed parts."""
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def test_twenty_concurrent_sessions(tmp_path, embedder, router, starter_library):
    from gradio_client import Client

    settings = Settings(home=tmp_path / "home", backend="fake", port=free_port())
    runtime = Runtime.create(settings, chat_model=EchoModel(), embedder=embedder, router=router, library=starter_library)
    results: dict[int, list] = {}
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            client = Client(url, verbose=False, httpx_kwargs={"timeout": 300}, analytics_enabled=False)
            history = []
            for turn in range(2):
                history, _options, _draft = client.predict(
                    {"text": f"Hello from writer {i} turn {turn}, how are you?", "files": []}, history, api_name="/send"
                )
            results[i] = history
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    try:
        with serve(runtime) as url:
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=600)
            elapsed = time.perf_counter() - started
    finally:
        runtime.close()
    elapsed = elapsed = time.perf_counter() - started
    print(f"\n{WRITERS} writers x 2 turns: {elapsed:.1f} s wall, {2 * WRITERS / elapsed:.2f} turns/s, errors {len(errors)}")
    assert not errors, errors[:3]
    assert len(results) == WRITERS
    for i, history in results.items():
        texts = " ".join(text_of(m) for m in history)
        assert f"writer {i} turn 0" in texts and f"writer {i} turn 1" in texts
        others = [j for j in range(WRITERS) if j != i and f"writer {j} " in texts]
        assert not others, f"writer {i} saw writers {others}"
        assert text_of(history[-1]) == f"echo: Hello from writer {i} turn 1, how are you?"
