"""The similar_scenes LangChain tool over a real (temp-folder) library with the hashing embedder."""

from __future__ import annotations

import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool
from pydantic import ValidationError

from tests.library_conftest import hashing_embedder, script  # noqa: F401  (fixture)
from tools.base import ToolError, ToolResult
from tools.library import SceneLibrary
from tools.similar_scenes import make_similar_scenes_tool

DRAFT = """Title: Night Shift
Genre: Noir
Tone: Tense

INT. DINER - NIGHT

Rain on the window. MARLOWE stirs a cold coffee and watches the door.

MARLOWE
You're late, Vera.

EXT. HARBOUR PIER - DAY

Gulls scream over the water. A body floats face down between the pilings.

COP
Third one this month.
"""

WESTERN = """Title: Dust
Genre: Western

EXT. MAIN STREET - DAY

Two gunslingers face each other in the dust at high noon. A tumbleweed rolls between them.

KID
Draw.
"""


@pytest.fixture
def tool(tmp_path, hashing_embedder):
    lib = SceneLibrary(tmp_path / "lib", hashing_embedder, starter=False)
    lib.add_script(script(DRAFT), "night.fountain")
    lib.add_script(script(WESTERN), "dust.fountain")
    yield make_similar_scenes_tool(lib)
    lib.close()


def test_tool_is_a_typed_langchain_tool(tool):
    assert isinstance(tool, BaseTool) and tool.name == "similar_scenes"
    schema = tool.args_schema.model_json_schema()
    assert set(schema["properties"]) == {"query", "k", "genre", "int_ext", "time", "diverse", "exclude_source"}
    assert schema["required"] == ["query"]
    with pytest.raises(ValidationError):
        tool.invoke({"query": "x", "k": 0})
    with pytest.raises(ValidationError):
        tool.invoke({"query": "x", "mood": "sad"})


def test_tool_returns_a_tool_result_with_markdown_and_hits(tool):
    result = tool.invoke({"query": "gunslingers at high noon in the dust", "k": 2})
    assert isinstance(result, ToolResult) and result.tool == "similar_scenes"
    first = result.data["hits"][0]
    assert first["heading"] == "EXT. MAIN STREET - DAY" and first["source"] == "dust.fountain"
    assert len(result.data["hits"]) == 2
    assert result.summary.startswith("Found 2 similar scenes:")
    assert "1. **EXT. MAIN STREET - DAY** (`dust.fountain`, scene 1; score " in result.summary
    assert "> Two gunslingers face each other" in result.summary
    assert str(result) == result.summary


def test_filters_reach_the_library(tool):
    result = tool.invoke({"query": "gunslingers at high noon", "k": 5, "genre": "Noir", "time": "day"})
    assert [h["heading"] for h in result.data["hits"]] == ["EXT. HARBOUR PIER - DAY"]
    assert result.data["filters"] == {"genre": "Noir", "time": "day"}
    none = tool.invoke({"query": "gunslingers at high noon", "genre": "Noir", "int_ext": "INT", "time": "day"})
    assert none.data["hits"] == []
    assert none.summary == ("No scenes in the library matched (genre Noir, int_ext INT, time day). "
                            "Try fewer filters or other words.")
    # A genre the library does not carry answers with the closest scenes of any genre, and says so.
    missing = tool.invoke({"query": "gunslingers at high noon", "genre": "horror"})
    assert missing.data["hits"][0]["heading"] == "EXT. MAIN STREET - DAY" and missing.data["filters"] == {}
    assert missing.summary.startswith("No horror scenes in the library; the closest of any genre.\n\nFound ")
    # A genre the library has, with no scene under the other filters: the note does not claim the genre is absent.
    narrowed = tool.invoke({"query": "a cold coffee in the rain", "genre": "Western", "time": "night"})
    assert narrowed.data["hits"][0]["heading"] == "INT. DINER - NIGHT" and narrowed.data["filters"] == {"time": "night"}
    assert narrowed.summary.startswith("No Western scenes matched (time night); the closest of any genre.\n\nFound ")


def test_writer_errors_are_tool_errors(tool):
    with pytest.raises(ToolError, match="give a search text"):
        tool.invoke({"query": "   "})


def test_tool_call_gives_the_model_the_markdown(tool):
    msg = tool.invoke({"type": "tool_call", "id": "c1", "name": "similar_scenes",
                       "args": {"query": "a body in the water by the pier", "k": 1}})
    assert isinstance(msg, ToolMessage)
    assert "HARBOUR PIER" in msg.content


def test_scenes_like_my_named_scene_leave_out_the_writers_own_draft(router, embedder, tmp_path):
    """Once the writer's draft is in the library (the Library tab's "add"), "scenes like my diner scene" searches
    with that scene's text and must not answer with the scene itself: the draft's source is excluded. Real Chroma
    and the real MiniLM; without the exclusion the draft's own diner scene comes first."""
    from agent.loop import Agent
    from agent.models.factory import ModelInfo
    from agent.models.fake import ScriptedChatModel
    from agent.project import Project
    from agent.session import Session
    from screenplay.formats import fountain

    draft = fountain.parse(DRAFT)
    other = fountain.parse(WESTERN + "\nINT. ALL-NIGHT CAFE - NIGHT\n\nRain streaks the glass. A man nurses a coffee "
                           "and watches the door for someone who is late.\n")
    session = Session()
    session.project = Project.from_script(draft, name="Night Shift", source="night-shift.fountain")
    with SceneLibrary(tmp_path / "lib", embedder, starter=False) as lib:
        lib.add_script(draft, session.project.library_source)
        lib.add_script(other, "dust.fountain")
        assert lib.search(draft.scenes[0].text, k=1)[0].source == "night-shift.fountain"  # what it used to answer
        tool = make_similar_scenes_tool(lib)
        agent = Agent(ScriptedChatModel(), ModelInfo("fake", "s", True, True, 4096), {tool.name: tool}, router)
        events = list(agent.run(session, "scenes like my diner scene"))
    output = next(e for e in events if e.data and e.data.get("tool") == tool.name and "data" in e.data)
    hits = output.data["data"]["hits"]
    assert hits and all(h["source"] != "night-shift.fountain" for h in hits)
    assert hits[0]["heading"] == "INT. ALL-NIGHT CAFE - NIGHT"
