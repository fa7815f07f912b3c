"""Long tools stream their progress: the worker-thread wrapper, the summarizer's stream, and the chat's step bar."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from agent.events import EventKind
from agent.models.fake import ScriptedChatModel
from agent.runtime import Runtime
from agent.session import Session
from agent.settings import Settings
from screenplay.io import load
from tools.base import ToolError, ToolResult
from tools.context import ToolContext
from tools.library.embedder import HashingEmbedder
from tools.progress import progress_stream
from tools.summarizer import Summarizer, make_summarizer_tool
from ui.chat import progress_line

SAMPLES = Path(__file__).parent / "fixtures" / "samples"


def test_progress_stream_passes_steps_in_order_then_the_result():
    def run(args, context, report):
        for i in range(1, 4):
            report(i, 3, f"part {i}")
        return ToolResult("t", f"done with {args['x']}")

    steps = list(progress_stream(run)({"x": 7}, None))
    assert [(s.kind, s.index, s.total, s.text) for s in steps[:-1]] == [
        ("progress", 1, 3, "part 1"), ("progress", 2, 3, "part 2"), ("progress", 3, 3, "part 3")]
    assert steps[-1].kind == "done" and steps[-1].result.summary == "done with 7"


def test_progress_stream_raises_the_tools_error_in_the_caller():
    def run(args, context, report):
        report(1, 2, "half")
        raise ToolError("no draft")

    stream = progress_stream(run)({}, None)
    assert next(stream).text == "half"
    with pytest.raises(ToolError, match="no draft"):
        next(stream)
    assert not [t for t in threading.enumerate() if t.name == "tool-progress" and t.is_alive()]


def test_summarizer_stream_reports_every_scene(tmp_path):
    script = load(next(SAMPLES.glob("*.fountain")))
    summ = Summarizer(ScriptedChatModel(), embedder=HashingEmbedder(), cache_dir=tmp_path)
    tool = make_summarizer_tool(summ)
    steps = list(tool.metadata["stream"]({"level": "scenes"}, ToolContext(script=script)))
    progress = [s for s in steps if s.kind == "progress"]
    n = len(script.scenes)
    assert [s.index for s in progress] == list(range(1, n + 1)) and {s.total for s in progress} == {n}
    assert all(s.text.startswith("summarising scene") for s in progress)
    assert steps[-1].result.tool == "summarize" and steps[-1].result.data["level"] == "scenes"


def test_chat_summary_streams_progress_events(tmp_path, embedder, router):
    from agent.project import Project

    settings = Settings(home=tmp_path / "home", backend="fake")
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel(), embedder=embedder, router=router,
                             library=None)
    try:
        session = Session()
        session.project = Project.from_file(str(next(SAMPLES.glob("*.fountain"))), max_bytes=10**7)
        events = list(runtime.agent.run(session, "/summarize scenes"))
        kinds = [e.kind for e in events]
        assert EventKind.TOOL_START in kinds and kinds[-1] is EventKind.ANSWER
        progress = [e for e in events if e.kind is EventKind.TOOL_PROGRESS]
        assert len(progress) == len(session.project.script.scenes)
        assert progress[-1].data["total"] == len(session.project.script.scenes)
    finally:
        runtime.close()


def test_progress_line_draws_a_bar():
    assert progress_line(5, 10, "summarising scene 5", width=10) == "`▰▰▰▰▰▱▱▱▱▱` 5/10 · summarising scene 5"
    assert progress_line(3, 0, "scoring scenes") == "step 3 · scoring scenes"
