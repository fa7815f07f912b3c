"""The one table of what Scriptroom can do: each intent, the tool that serves it and how to build that tool.

The router's intents, the loop's dispatch, the native tool-calling schema, /help, the clarifying questions and
the CLI's tool commands are all read from ``SPECS``; adding a capability is adding a row here (and its builder).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel

from tools import schemas


@dataclass(frozen=True)
class ToolSpec:
    intent: str
    action: str  # what it does, as a verb phrase: "I can't {action} yet", "Should I {action} or ...?"
    args: type[BaseModel] | None = None  # the argument model the router validates and a tool-calling model sees
    tool: str | None = None  # the LangChain tool serving it; None when the loop itself does it (insert, undo, help, chat)
    builder: str | None = None  # "module:function" building {tool name: tool} from a Runtime, imported when used
    label: str = ""  # its line in /help: label, an example in words, the slash command
    example: str = ""
    slash: str | None = None  # the slash command's name (agent/routing/slash.py holds its syntax)
    description: str = ""  # one line for a tool-calling model when there is no argument model to describe it
    cli: str | None = None  # the cli/ module holding its `scriptroom` command; None: only in the chat

    @property
    def one_line(self) -> str:
        return (self.args.__doc__ if self.args is not None else self.description or self.action).strip()

    def build(self, runtime: Any) -> dict[str, Any]:
        module, _, function = (self.builder or "").partition(":")
        make: Callable[[Any], dict[str, Any]] = getattr(importlib.import_module(module), function)
        return make(runtime)


BUILDERS = "agent.tool_builders"

SPECS: tuple[ToolSpec, ...] = (
    ToolSpec("generate", "write new options", schemas.GenerateArgs, "generate_scenes", f"{BUILDERS}:generator_tools",
             "Scenes", "give me three openings for act two", "scenes", cli="generate"),
    ToolSpec("critique", "give notes", schemas.CritiqueArgs, "critique", f"{BUILDERS}:critic_tools",
             "Notes", "what's wrong with my second act?", "critique", cli="critique"),
    ToolSpec("summarize", "summarize it", schemas.SummarizeArgs, "summarize", f"{BUILDERS}:summarizer_tools",
             "Summaries", "summarize what I uploaded", "summarize", cli="summarize"),
    ToolSpec("similar", "find similar scenes in the library", schemas.SimilarArgs, "similar_scenes",
             f"{BUILDERS}:similar_tools", "Similar scenes", "find scenes like the diner scene", "similar", cli="library"),
    ToolSpec("style", "rewrite it in another style", schemas.StyleArgs, "style_transfer", f"{BUILDERS}:style_tools",
             "Style", "rewrite scene 12 as a noir", "style", cli="style"),
    ToolSpec("insert", "insert an option into the draft", schemas.InsertArgs,
             label="Insert", example="insert option 2 after scene 14", slash="insert"),
    ToolSpec("revise", "rework one of the options", schemas.ReviseArgs, "revise_option", f"{BUILDERS}:generator_tools",
             "Follow-ups", "make option 1 darker, more like option 2, continue option 3"),
    ToolSpec("stats", "count up the draft (pages, scenes, who speaks how much)", schemas.StatsArgs, "script_stats",
             f"{BUILDERS}:stats_tools", "Numbers", "how do the pages divide among the characters?", "stats", cli="stats"),
    ToolSpec("develop", "develop a new story from a logline", schemas.DevelopArgs, "develop_story",
             "agent.development:develop_tools", "Develop a story",
             "develop a story from this logline: a monk robs his own monastery", "develop", cli="develop"),
    ToolSpec("undo", "undo the last change", label="Undo", example="take that back", slash="undo",
             description="Undo the last change to the draft."),
    ToolSpec("help", "show what I can do", slash="help", description="Show what the writers' room can do."),
    ToolSpec("chat", "just talk it through"),
)

BY_INTENT: dict[str, ToolSpec] = {s.intent: s for s in SPECS}
INTENTS: tuple[str, ...] = tuple(BY_INTENT)
# Intents whose arguments the router extracts and validates.
TOOL_INTENTS: tuple[str, ...] = tuple(s.intent for s in SPECS if s.args is not None)
INTENT_ARGS: dict[str, type[BaseModel]] = {s.intent: s.args for s in SPECS if s.args is not None}
# Served by a tool built from the runtime (the others the loop does itself).
TOOL_SPECS: tuple[ToolSpec, ...] = tuple(s for s in SPECS if s.tool is not None)


def spec(intent: str) -> ToolSpec:
    try:
        return BY_INTENT[intent]
    except KeyError:
        raise ValueError(f"unknown intent {intent!r}; expected one of {', '.join(INTENTS)}") from None


def native_tools() -> dict[str, tuple[type[BaseModel] | None, str]]:
    """What a tool-calling model is offered: {name: (argument model or None, one-line description)}.

    Named by intent, which is what the model's call is routed back to; chat is answering without a tool.
    """
    return {s.intent: (s.args, s.one_line) for s in SPECS if s.intent != "chat" and (s.args is not None or s.description)}


def help_lines() -> list[str]:
    """One line per capability for /help: its label, an example in words, and its slash command."""
    from agent.routing.slash import COMMANDS

    lines = []
    for s in SPECS:
        if not s.label:
            continue
        usage = f" — `{COMMANDS[s.slash].usage}`" if s.slash in COMMANDS else ""
        lines.append(f'- **{s.label}**: "{s.example}"{usage}')
    return lines
