"""Story development inside Scriptroom: the StoryEngine built from the runtime's shared parts, and a developed
story saved as an ordinary project (draft, bible) with its development records beside it."""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass
from typing import Any, Iterator

from agent.events import Event, EventKind
from tools.base import ToolResult
from tools.develop import LEVELS, Story, StoryEngine, Title

DRAFTS_AT_A_TIME = 3  # scene drafts per "next": a few at a time, each shown before the next ones


def story_engine(runtime: Any, *, library: bool = True) -> StoryEngine:
    """One engine per runtime (it holds no writer's state): words from the main model, scenes from a generator
    built like the chat's (scene adapter, critic's scorer, library examples). The tier is the model's own."""
    engine = runtime.extras.get("story_engine")
    if engine is None:
        from agent.tool_builders import _scene_model, _scene_scorer
        from tools.generator import SceneGenerator

        if runtime.embedder is None:  # a runtime built without tools (the CLI) still reranks like the chat
            from tools.embeddings import load_embedder

            runtime.embedder = load_embedder()
        info = runtime.agent.info
        generator = SceneGenerator(_scene_model(runtime), library=runtime.scene_library() if library else None,
                                   embedder=runtime.embedder, scorer=_scene_scorer(runtime), info=info)
        engine = StoryEngine(runtime.agent.chat_model, generator, info=info)
        runtime.extras["story_engine"] = engine
    return engine


def save_story(storage: Any, writer: str, story: Story, engine: StoryEngine, *, project_id: str | None = None,
               chat: list[dict[str, Any]] | None = None) -> str:
    """The story as a project (its Fountain and bible) plus its records; returns the project id."""
    from tools.develop.document import to_fountain

    name = story.title.text if story.title else story.logline.text[:40]
    project_id = storage.save_project(writer=writer, name=name, fountain=to_fountain(story),
                                      bible=asdict(engine.bible(story)), chat=chat or [], source="development",
                                      project_id=project_id)
    storage.save_story(writer=writer, project_id=project_id, story=story.to_dict())
    return project_id


# ---- the chat: a story developed level by level, the writer approving, editing or regenerating each ---------
@dataclass(frozen=True)
class DevCommand:
    """What a writer's message asks of the story being developed (parsed once, here)."""

    action: str  # approve, regenerate, stale, structure, title, rename, character, beat, card, redo, show, stop
    ref: str = ""  # a character's name, a beat number or a card id
    field: str = ""  # description, want or flaw for "character"
    text: str = ""  # the writer's new wording


_WORDS = r"[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*)?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("stale", re.compile(r"^(?:regenerate|update|redo|rewrite) (?:the |what(?:'s| is) )?(?:stale|changed)\b", re.I)),
    ("redo", re.compile(r"^(?:redo|regenerate|rewrite|another take on) (?:scene |card |draft )(?P<ref>k?\d+)\s*$", re.I)),
    ("regenerate", re.compile(r"^(?:regenerate|redo|try again|another|again|another take|rewrite it)\b"
                              r"(?: (?:the )?(?P<ref>title|characters|cast|beats|structure|outline|cards|scenes|drafts))?"
                              r"[.!]?$", re.I)),
    ("structure", re.compile(r"^(?:use |switch to |make it |try )?(?P<ref>save[ -]the[ -]cat|three[ -]acts?|sequences)"
                             r"(?: structure| beats| instead)?[.!]?$", re.I)),
    ("title", re.compile(r"^(?:title\s*[:=]|call it|rename the (?:film|story|movie) to)\s*(?P<text>.+)$", re.I)),
    ("rename", re.compile(rf"^(?:rename|call) (?P<ref>{_WORDS}) (?:to|as|instead) (?P<text>{_WORDS})[.!]?$", re.I)),
    ("character", re.compile(rf"^(?:change |make |set )?(?P<ref>{_WORDS})'s (?P<field>want|flaw|description)"
                             r"\s*(?:to|is|should be|[:=])\s*(?P<text>.+)$", re.I)),
    ("beat", re.compile(r"^beat (?P<ref>\d+)\s*[:=-]\s*(?P<text>.+)$", re.I | re.S)),
    ("card", re.compile(r"^(?:scene )?card (?P<ref>k?\d+)\s*[:=-]?\s*(?P<text>(?:place|time|who|what|beat)\s*:.+)$",
                        re.I | re.S)),
    ("approve", re.compile(r"^(?:ok(?:ay)?|yes|yep|approve[d]?|approved?|looks good|good|great|fine|perfect|next"
                           r"|continue|go on|keep going|go ahead|more scenes|draft (?:the )?(?:next|more) scenes?"
                           r"|write (?:the )?(?:next|more) scenes?)\b[ ,.!a-z]*$", re.I)),
    ("show", re.compile(r"^(?:show|where are we|show (?:me )?(?:the )?(?:story|outline|cards|stale))[?.!]?$", re.I)),
    ("stop", re.compile(r"^(?:stop|stop developing|done developing|leave the story)[.!]?$", re.I)),
)
STRUCTURE_WORDS = {"save": "save-the-cat", "three": "three-act", "sequences": "sequences"}
LEVEL_WORDS = {"cast": "characters", "structure": "beats", "outline": "beats", "scenes": "drafts"}


def parse_command(message: str) -> DevCommand | None:
    """The development command in ``message``, or None when it is something else (routed as usual)."""
    text = message.strip()
    for action, pattern in _PATTERNS:
        m = pattern.match(text)
        if m:
            groups = {k: (v or "").strip() for k, v in m.groupdict().items()}
            return DevCommand(action, groups.get("ref", ""), groups.get("field", "").lower(), groups.get("text", ""))
    return None


_LEAD_RE = re.compile(
    r"^\s*(?:please\s+|can you\s+|could you\s+|let'?s\s+)?"
    r"(?:develop|make|write|give|build|create|pitch|turn)(?: me| us)?\s+"
    r"(?:an?\s+|the\s+)?(?:(?:story|film|movie|screenplay|script|logline|premise)\s+)?"
    r"(?:(?:from|out of|for|of)\s+)?(?:this|my|the following|a)?\s*(?:logline|idea|premise)?\s*[:\-–]?\s*",
    re.IGNORECASE,
)


# Words of a request's framing, never of a story: a sentence or clause made only of these ("blank page", "new idea,
# separate from this draft", "develop it with save the cat beats", "three act structure pls") is not the premise.
_FRAMING = frozenset("""
a an the this that it its me us my our new fresh brand separate different another next idea story film movie feature
project premise logline concept spec script screenplay draft no nothing not yet written page pages blank scratch zero
develop build break shape outline turn make take start begin crack work up into in with from using use for of to
save cat beats beat structure three act acts 3 sequence sequences eight 8 please pls thanks thx kindly go help could
can would will you i i'd i'm let's lets want like just only on paper one where does do what now it's style approach
i've got current totally here here's is unpolished scene cards so
""".split())
# Where a request's framing ends and the idea starts: sentence ends, a colon, a dash between spaces.
_SEGMENT_RE = re.compile(r"(?<=[.!?;:])\s+|\s+[-–—]\s+")


def _is_framing(segment: str) -> bool:
    words = re.findall(r"[\w']+", segment.lower())
    return all(w in _FRAMING for w in words)


def logline_from(message: str) -> str:
    """The story idea in a request: "develop a story from this logline: X" -> X; "make me a heist movie about a
    monastery" -> "a heist movie about a monastery"; "new idea, no draft: X. save the cat beats please" -> X."""
    text = re.sub(r"^\s*/develop\b", "", message).strip().strip("\"'“”")
    kept = [seg for seg in _SEGMENT_RE.split(text) if seg.strip() and not _is_framing(seg)]
    if kept and len(kept) < len(_SEGMENT_RE.split(text)):
        text = " ".join(kept).strip().rstrip(":;-–— ").strip("\"'“”")
    rest = _LEAD_RE.sub("", text, count=1).strip().strip("\"'“”")
    if len(rest.split()) < 3:
        return text
    return rest if re.match(r"(?i)^(?:a|an|the|two|some|when|after|in|on)\b", rest) or ":" in text[:60] \
        else (("a " + rest) if not rest[0].isupper() else rest)


def develop_turn(engine: StoryEngine, session: Any, message: str, *, logline: str = "",
                 structure: str | None = None, command: DevCommand | None = None) -> Iterator[Event]:
    """One development turn: start a story (``logline``), or carry out ``command`` on the session's story."""
    from tools.develop.present import stale_text, turn_text

    started = time.perf_counter()
    note = ""
    if command is None:
        idea = logline or logline_from(message)
        yield Event(EventKind.TOOL_START, "develop_story", {"args": {"logline": idea, "structure": structure}})
        story = engine.start(idea, structure or "three-act")
        session.story = story
        # A new story is a new project. The draft that was open stays saved in Projects: say so, since the
        # Draft tab now shows the story and "undo" no longer reaches the draft's last change.
        kept = getattr(session.project, "name", "") if session.project_id else ""
        session.project, session.project_id = None, None
        level = "title"
        yield from _write(engine, story, level)
        note = f"Developing *{story.logline.text}* ({story.genre}, {story.tier} tier), one level at a time."
        if kept:
            note += f" It is a new project: *{kept}* is kept in Projects, where you can open it again."
    else:
        story = session.story
        yield Event(EventKind.TOOL_START, "develop_story", {"args": {"command": command.action, "ref": command.ref}})
        level, note = yield from _command(engine, story, command)
    text = stale_text(story) if command is not None and command.action == "show" and story.stale_items() else \
        turn_text(story, level, note=note)
    _to_project(session, story, engine)
    result = ToolResult(tool="develop_story", summary=text,
                        data={"level": level, "next": story.level(), "stale": story.stale_items(),
                              "story": story.to_dict(), "seconds": round(time.perf_counter() - started, 3)},
                        prompt=_prompt_of(story, level))
    session.last_result = result
    session.add_turn(message, text)
    yield Event(EventKind.TOOL_OUTPUT, "develop_story", result.to_dict())
    yield Event(EventKind.ANSWER, text, {"tool": "develop_story"})


def _command(engine: StoryEngine, story: Story, cmd: DevCommand) -> Iterator[Event]:
    """Carry out one command; returns (the level to show, a note on what was done). A generator of progress."""
    last = _last_written(story)
    if cmd.action == "approve":
        if story.stale_items():
            for level, ref, _ in story.stale_items():
                _clear(story, level, ref)  # "next" with stale marks keeps what is there
        if last not in story.approved:
            story.approved.append(last)
        nxt = story.level()
        if nxt == "done":
            return "drafts", "Every card has its draft."
        yield from _write(engine, story, nxt)
        return nxt, f"Approved the {last}."
    if cmd.action == "regenerate":
        level = LEVEL_WORDS.get(cmd.ref.lower(), cmd.ref.lower()) if cmd.ref else last
        _drop_below(story, level)
        if level == "drafts":
            story.drafts.clear()
        yield from _write(engine, story, level)
        return level, f"A new take on the {level}; what came after it was cleared."
    if cmd.action == "stale":
        for step in engine.regenerate_stale(story):
            yield _progress(step.level, step.seconds)
        return _last_written(story), "Rewrote what was stale; everything else is as it was."
    if cmd.action == "structure":
        story.structure = STRUCTURE_WORDS[cmd.ref.lower().split()[0].split("-")[0]]
        if not story.characters:
            return last, f"The structure will be {story.structure}."
        _drop_below(story, "beats")
        yield from _write(engine, story, "beats")
        return "beats", f"Switched to {story.structure}."
    if cmd.action == "title":
        story.title = Title.from_string(cmd.text)
        return "title", "Your title is in."
    if cmd.action == "rename":
        old = story.character(cmd.ref).name
        engine.edit_character(story, cmd.ref, new_name=cmd.text)
        return "characters", f"Renamed {old} to {story.character(cmd.text).name} everywhere."
    if cmd.action == "character":
        engine.edit_character(story, cmd.ref, **{cmd.field: cmd.text})
        return "characters", f"Changed {story.character(cmd.ref).name}'s {cmd.field}."
    if cmd.action == "beat":
        engine.edit_beat(story, cmd.ref, cmd.text)
        return "beats", f"Beat {cmd.ref} is yours now."
    if cmd.action == "card":
        ref = cmd.ref if cmd.ref.startswith("k") else f"k{cmd.ref}"
        engine.edit_card(story, ref, cmd.text.replace(" / ", "\n"))
        return "cards", f"Card {ref} is yours now."
    if cmd.action == "redo":
        ref = cmd.ref if cmd.ref.startswith("k") else f"k{cmd.ref}"
        level = "drafts" if ref in story.drafts else "cards"
        step = engine.write(story, level, ref=ref)
        yield _progress(step.level, step.seconds)
        return level, f"A new take on {ref}."
    if cmd.action == "stop":
        return last, "Leaving the story as it is; it stays your project. Say **/develop LOGLINE** to start another."
    return last, ""


def _write(engine: StoryEngine, story: Story, level: str) -> Iterator[Event]:
    step = engine.write(story, level, count=DRAFTS_AT_A_TIME)
    yield _progress(level, step.seconds, step.checks)


def _progress(level: str, seconds: float, checks: list[str] | None = None) -> Event:
    return Event(EventKind.TOOL_PROGRESS, f"wrote the {level} in {seconds:.1f} s",
                 {"tool": "develop_story", "kind": "level", "level": level, "checks": list(checks or [])})


def _last_written(story: Story) -> str:
    nxt = story.level()
    if nxt == "done":
        return "drafts"
    if nxt == "drafts" and story.drafts:
        return "drafts"
    order = list(LEVELS)
    return order[max(0, order.index(nxt) - 1)] if nxt != "title" else "title"


def _drop_below(story: Story, level: str) -> None:
    """Clear ``level`` and everything under it, so it can be written afresh."""
    order = list(LEVELS)
    for lower in order[order.index(level):]:
        if lower == "title":
            story.title = None
        elif lower == "drafts":
            story.drafts = {}
        else:
            setattr(story, lower, [])
        if lower in story.approved:
            story.approved.remove(lower)


def _clear(story: Story, level: str, ref: str) -> None:
    if level == "title" and story.title:
        story.title.stale = ""
    elif level == "characters":
        story.character(ref).stale = ""
    elif level == "beats":
        story.beat(ref).stale = ""
    elif level == "cards":
        story.card(ref).stale = ""
    elif ref in story.drafts:
        story.drafts[ref].stale = ""


def _prompt_of(story: Story, level: str) -> str | None:
    items = {"title": [story.title] if story.title else [], "characters": story.characters, "beats": story.beats,
             "cards": story.cards, "drafts": list(story.drafts.values())}.get(level, [])
    return items[-1].prompt if items else None


def _to_project(session: Any, story: Story, engine: StoryEngine) -> None:
    """The story so far as the session's project: the Draft panel shows it and the room saves it."""
    from agent.project import Project
    from tools.develop.document import to_script

    name = story.title.text if story.title else "Untitled story"
    script = to_script(story)
    if session.project is None:
        session.project = Project(name=name, script=script, source="development", bible=engine.bible(story))
    else:
        session.project.name, session.project.script, session.project.bible = name, script, engine.bible(story)


def develop_tools(runtime: Any) -> dict[str, Any]:
    tool = develop_tool(story_engine(runtime))
    return {tool.name: tool}


def develop_tool(engine: StoryEngine) -> Any:
    """The develop_story tool: the whole outline (title to scene cards) from a logline, for a tool-calling model
    or a script; the chat runs the same engine one level at a time (develop_turn, with metadata["engine"])."""
    from langchain_core.tools import StructuredTool

    from tools.develop.document import to_fountain
    from tools.schemas import DevelopArgs

    def outline(logline: str = "", structure: str | None = None) -> ToolResult:
        story = engine.start(logline, structure or "three-act")
        engine.run(story, scenes=0)
        return ToolResult(tool="develop_story", summary=story.outline_text(),
                          data={"story": story.to_dict(), "fountain": to_fountain(story)},
                          prompt=story.cards[-1].prompt if story.cards else None)

    tool = StructuredTool.from_function(outline, name="develop_story", args_schema=DevelopArgs,
                                        description=DevelopArgs.__doc__ or "")
    tool.metadata = {"engine": engine}
    return tool
