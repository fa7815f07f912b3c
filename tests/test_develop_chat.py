"""Developing a story in the chat on a scripted model: ideas route here, each level is shown to approve, edit or
regenerate before the next, edits upstream mark what depends on them stale, and the story is the project."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from agent.development import develop_tool, logline_from, parse_command
from agent.events import EventKind
from agent.loop import Agent
from agent.models.factory import ModelInfo
from agent.room import Room
from agent.session import Session
from agent.settings import Settings
from agent.storage import Storage
from screenplay.formats.fountain import parse
from tests.develop_fake import StoryFake
from tools.develop import StoryEngine
from tools.develop.document import to_fountain
from tools.generator import SceneGenerator

INFO = ModelInfo("fake", "scripted", supports_tool_calling=False, streaming=True, context_window=4096)


@pytest.fixture
def room_agent(router):
    model = StoryFake()
    tool = develop_tool(StoryEngine(model, SceneGenerator(model, extra_candidates=0)))
    return Agent(chat_model=model, info=INFO, tools={tool.name: tool}, router=router)


def say(agent: Agent, session: Session, message: str) -> str:
    events = list(agent.run(session, message))
    errors = [e.text for e in events if e.kind is EventKind.ERROR]
    assert not errors, errors
    return [e.text for e in events if e.kind is EventKind.ANSWER][-1]


def test_the_readme_idea_is_developed_not_summarized(room_agent):
    session = Session()
    answer = say(room_agent, session, "Give me a logline for a heist in a monastery")
    assert "**Title:** Vespers and Gold" in answer and "Say **next**" in answer
    assert session.story.logline.text == "a heist in a monastery"
    assert session.project.name == "Vespers and Gold" and session.project.source == "development"


def test_a_story_climbs_level_by_level_with_edits_and_stale_marks(room_agent):
    s = Session()
    say(room_agent, s, "/develop A disgraced monk plans a heist on his own monastery to save it from closure.")
    assert s.story.level() == "characters"
    answer = say(room_agent, s, "next")
    hero, partner = s.story.names[0], s.story.names[1]
    assert f"**{hero}** (protagonist)" in answer and "rename" in answer
    assert "Renamed" in say(room_agent, s, f"rename {partner.title()} to Anselm")
    assert "ANSELM" in s.story.names
    answer = say(room_agent, s, "next")
    assert "**Structure:** three-act" in answer and len(s.story.beats) == 8
    answer = say(room_agent, s, "use save the cat")
    assert "**Structure:** save-the-cat" in answer and len(s.story.beats) == 15
    answer = say(room_agent, s, "ok")
    assert "**k15**" in answer and all(s.story.cards_of(b.id) for b in s.story.beats)
    # An upstream edit: the renamed character's cards go stale, and say so.
    answer = say(room_agent, s, "rename Anselm to Brother Tomas")
    stale = {ref for level, ref, _ in s.story.stale_items() if level == "cards"}
    assert stale and stale == {c.id for c in s.story.cards if "BROTHER TOMAS" in c.who}
    assert "regenerate stale" in answer and f"card **{sorted(stale)[0]}** is stale: ANSELM is now BROTHER TOMAS" in answer
    written = to_fountain(s.story) + repr([c.to_string() for c in s.story.characters] + [c.to_string() for c in s.story.cards])
    assert "ANSELM" not in written.upper()  # prompts keep what they said when they were sent
    say(room_agent, s, "card k1: Place: the bell tower / Who: " + hero.title() + " / What: A bell rings at midnight.")
    assert s.story.cards[0].place == "BELL TOWER"
    say(room_agent, s, "regenerate stale")
    assert s.story.stale_items() == []
    answer = say(room_agent, s, "next")  # the first three scene drafts
    assert answer.count("```fountain") == 3 and len(s.story.drafts) == 3
    script = s.project.script
    drafted = [sc for sc in script.scenes if any(e.type.value == "dialogue" for e in sc.elements)]
    assert len(drafted) == 3 and set(script.characters) <= set(s.story.names)
    assert drafted[0].heading.text == "INT. BELL TOWER - DAY"
    say(room_agent, s, "redo scene k2")
    assert "A new take on k2" in s.last_result.summary


def test_other_requests_during_development_route_as_usual(room_agent):
    s = Session()
    say(room_agent, s, "make me a heist movie about a monastery")
    assert s.story.logline.text == "a heist movie about a monastery"
    events = list(room_agent.run(s, "what is a character arc"))
    assert [e.text for e in events if e.kind is EventKind.ROUTE] == ["chat"]
    assert s.story.level() == "characters"  # the story waits where it was


def test_commands_and_ideas_are_read_once_at_the_edge():
    assert parse_command("Next").action == "approve"
    cmd = parse_command("rename Prior Hugo to Anselm")
    assert (cmd.action, cmd.ref, cmd.text) == ("rename", "Prior Hugo", "Anselm")
    cmd = parse_command("Tomas's want: to be forgiven")
    assert (cmd.action, cmd.ref, cmd.field, cmd.text) == ("character", "Tomas", "want", "to be forgiven")
    assert parse_command("beat 3: The abbot sells the bells.").ref == "3"
    assert parse_command("what is a character arc") is None
    assert parse_command("give me three openings for act two") is None
    assert logline_from("develop a story from this logline: A monk robs his abbey.") == "A monk robs his abbey."
    assert logline_from("/develop A monk robs his abbey.") == "A monk robs his abbey."
    # the request's framing around the idea is not the premise (a writer's walk, session 12)
    assert logline_from("new idea, separate from this draft: a retired stuntman haunts his own film set. develop it "
                        "with save the cat beats") == "a retired stuntman haunts his own film set."
    assert logline_from("blank page. a mall santa unionizes. make it a story") == "a mall santa unionizes."
    assert logline_from("Nothing is written yet. Premise: two law students find their moot-court problem is a real "
                        "case. Where does it go?") == "two law students find their moot-court problem is a real case."
    # a sentence with any word of the story stays
    assert logline_from("new project: a hotel concierge blackmails a floor. network wants a structure") == \
        "a hotel concierge blackmails a floor. network wants a structure"


def test_a_story_in_development_is_saved_and_comes_back(room_agent, tmp_path):
    s = Session(writer="dana")
    say(room_agent, s, "/develop A disgraced monk plans a heist on his own monastery to save it from closure.")
    say(room_agent, s, "next")
    runtime = SimpleNamespace(new_session=Session, settings=Settings(home=tmp_path))
    room = Room(runtime=runtime, storage=Storage(tmp_path / "db.sqlite3"))
    room.save(s, [])
    again, _ = room.open_session("dana")
    assert again.story.to_dict() == s.story.to_dict() and again.project.name == "Vespers and Gold"
    assert parse(room.storage.load_project("dana", again.project_id).fountain).title == "Vespers and Gold"


def test_a_new_story_says_the_open_draft_is_kept_in_projects(room_agent):
    """Developing an idea while a saved draft is open makes a new project; the answer names the draft it put aside,
    so a writer whose Draft tab changed (and whose "undo" now has nothing to take back) knows where it is."""
    from agent.project import Project

    session = Session(writer="dana")
    session.project = Project.from_script(parse("INT. DINER - NIGHT\n\nMara waits.\n"), name="Night Shift")
    session.project_id = "p1"
    answer = say(room_agent, session, "/develop A disgraced monk plans a heist on his own monastery.")
    assert "*Night Shift* is kept in Projects" in answer
    assert session.project.name == "Vespers and Gold" and session.project_id != "p1"
    fresh = Session()
    assert "kept in Projects" not in say(room_agent, fresh, "/develop A disgraced monk plans a heist on his own monastery.")
