"""The statistics' chart in the chat: a TOOL_OUTPUT carrying plots becomes an image message under the answer."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace

from agent.events import Event, EventKind
from screenplay.formats import fountain
from tests.test_stats_tool import DRAFT
from tools.stats import answer
from ui.chat import ChatHandlers, plain
from ui.figures import chart_messages


def _output(tmp_path: Path, topic: str = "characters", tool: str = "script_stats") -> dict:
    result = answer(fountain.parse(DRAFT), topic, tmp_path)
    return {"tool": tool, "summary": result.text, "data": {"topic": topic, "numbers": result.numbers,
                                                           "plots": result.plots}}


def test_stats_charts_are_named_by_their_numbers(tmp_path):
    first = answer(fountain.parse(DRAFT), "characters", tmp_path).plots["characters"]
    again = answer(fountain.parse(DRAFT), "characters", tmp_path).plots["characters"]
    other = answer(fountain.parse(DRAFT.replace("I know.", "I know. I know.")), "characters", tmp_path)
    assert first == again and Path(first).exists()
    assert other.plots["characters"] != first  # another draft's chart never overwrites this one


def test_a_stats_result_becomes_a_servable_image_message(tmp_path):
    out = _output(tmp_path)
    [message] = chart_messages(out)
    path = Path(message.content["path"])
    # Gradio serves files from the temp directory; the writer's data folder is not one it may serve.
    assert path.is_relative_to(tempfile.gettempdir()) and path.read_bytes()[:4] == b"\x89PNG"
    assert path.read_bytes() == Path(out["data"]["plots"]["characters"]).read_bytes()
    assert "characters" in message.content["alt_text"]


def test_other_tools_and_missing_charts_add_nothing(tmp_path):
    assert chart_messages(_output(tmp_path, tool="critique")) == []
    assert chart_messages({"tool": "script_stats", "data": {"plots": {"acts": str(tmp_path / "gone.png")}}}) == []
    assert chart_messages({"tool": "script_stats", "data": {}}) == []


class _Chat(ChatHandlers):
    def __init__(self, events):
        self.room = SimpleNamespace(run=lambda session, message: iter(events))

    def _outputs(self, history, session):
        return (history,)

    @staticmethod
    def with_streamed_options(outputs, shown):
        return outputs


def test_the_chart_follows_the_answer_in_the_chat(tmp_path):
    out = _output(tmp_path)
    events = [Event(EventKind.TOOL_START, "script_stats", {"args": {"topic": "characters"}}),
              Event(EventKind.TOOL_OUTPUT, "script_stats", {**out, "seconds": 0.1}),
              Event(EventKind.ANSWER, out["summary"], {"tool": "script_stats"})]
    history: list = []
    list(_Chat(events).chat("who talks most?", history, session=None))
    records = [plain(m) for m in history]
    assert records[-2]["content"] == out["summary"]
    assert isinstance(records[-1]["content"], dict) and records[-1]["content"]["path"].endswith(".png")
