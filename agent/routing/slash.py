"""Slash commands (/scenes, /critique, ...): exact syntax, no model, and a usage line on any mistake."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any, Sequence

from agent.routing.arguments import STYLE_SYNONYMS, find_style
from agent.routing.decision import RoutingDecision
from agent.routing.text import fold, strip_role_markers
from tools.schemas import STATS_TOPICS, STYLE_PRESETS

LEVELS = ("logline", "synopsis", "page", "beats", "scenes")


@dataclass(frozen=True)
class Command:
    intent: str
    usage: str
    flags: dict[str, tuple[str, type]]  # flag -> (argument name, type)
    positional: str | None = None  # name of the first positional argument, if any
    rest: str | None = None  # name of the free text made of the remaining words


COMMANDS: dict[str, Command] = {
    "scenes": Command(
        "generate",
        "/scenes [N] [--act N] [--scene N] [--style S] [brief...]",
        {"--act": ("act", int), "--scene": ("scene", int), "--style": ("style", str)},
        positional="count",
        rest="brief",
    ),
    "critique": Command("critique", "/critique [--act N] [--scene N]", {"--act": ("act", int), "--scene": ("scene", int)}),
    "summarize": Command("summarize", "/summarize [" + "|".join(LEVELS) + "]", {}, positional="level"),
    "similar": Command("similar", "/similar QUERY [-k N]", {"-k": ("k", int)}, rest="query"),
    "style": Command("style", "/style STYLE [--scene N]", {"--scene": ("scene", int)}, positional="style"),
    "insert": Command("insert", "/insert N [--after N]", {"--after": ("after_scene", int)}, positional="option"),
    "stats": Command("stats", "/stats [" + "|".join(STATS_TOPICS) + "]", {}, positional="topic"),
    "develop": Command("develop", "/develop [--structure three-act|save-the-cat|sequences] LOGLINE",
                       {"--structure": ("structure", str)}, rest="logline"),
    "undo": Command("undo", "/undo", {}),
    "help": Command("help", "/help", {}),
}
ALIASES = {"summarise": "summarize", "generate": "scenes", "gen": "scenes", "?": "help"}


class SlashError(ValueError):
    """A slash command was mistyped; the message shows the usage."""


def is_slash(message: str) -> bool:
    return message.lstrip().startswith("/")


def route_slash(message: str) -> RoutingDecision:
    """Parse a slash command; a mistake becomes a clarify decision that shows the usage."""
    try:
        intent, args = parse(message)
    except SlashError as exc:
        name = message.strip()[1:].split(maxsplit=1)[0].lower() if message.strip()[1:] else ""
        name = ALIASES.get(name, name)
        intent = COMMANDS[name].intent if name in COMMANDS else "help"
        return RoutingDecision(intent, {}, 0.0, "slash", clarify=str(exc))
    return RoutingDecision(intent, args, 1.0, "slash")


def all_usages() -> str:
    return "\n".join(c.usage for c in COMMANDS.values())


def parse(message: str) -> tuple[str, dict[str, Any]]:
    try:
        tokens = shlex.split(message.strip()[1:])
    except ValueError:
        tokens = message.strip()[1:].split()
    if not tokens:
        raise SlashError("Which command? Try one of:\n" + all_usages())
    name = ALIASES.get(tokens[0].lower(), tokens[0].lower())
    if name not in COMMANDS:
        raise SlashError(f"/{tokens[0]} is not a command. Try one of:\n" + all_usages())
    cmd = COMMANDS[name]
    args: dict[str, Any] = {}
    words: list[str] = []
    i = 1
    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("-") and not _is_int(tok):
            flag, _, inline = tok.partition("=")
            if flag not in cmd.flags:
                raise SlashError(f"{flag} is not an option of /{name}. Usage: {cmd.usage}")
            key, typ = cmd.flags[flag]
            if inline:
                value = inline
            elif i + 1 < len(tokens):
                value = tokens[i + 1]
                i += 1
            else:
                raise SlashError(f"{flag} needs a value. Usage: {cmd.usage}")
            args[key] = _convert(value, typ, flag, cmd)
        else:
            words.append(tok)
        i += 1

    if cmd.positional and words:
        key = cmd.positional
        if key in ("count", "option"):
            if _is_int(words[0]):
                args[key] = _convert(words.pop(0), int, key, cmd)
            elif key == "option":
                raise SlashError(f"which option? give its number. Usage: {cmd.usage}")
        elif key == "level":
            level = words.pop(0).lower()
            if level not in LEVELS:
                raise SlashError(f"{level!r} is not a summary level; use one of {', '.join(LEVELS)}.")
            args["level"] = level
        elif key == "topic":
            topic = words.pop(0).lower()
            if topic not in STATS_TOPICS:
                raise SlashError(f"{topic!r} is not something I count; use one of {', '.join(STATS_TOPICS)}.")
            args["topic"] = topic
        elif key == "style":
            args["style"] = words.pop(0)
            # "/style film noir": the style may take several words.
            while words:
                args["style"] += " " + words.pop(0)
    if cmd.rest and words:
        args[cmd.rest] = " ".join(words)
    elif words:
        raise SlashError(f"unexpected {' '.join(words)!r}. Usage: {cmd.usage}")

    if "style" in args:
        args["style"] = normalise_style(args["style"], cmd)
    if name == "style" and "style" not in args:
        raise SlashError(f"which style? one of {', '.join(STYLE_PRESETS)}. Usage: {cmd.usage}")
    if name == "insert" and "option" not in args:
        raise SlashError(f"which option? give its number. Usage: {cmd.usage}")
    if name == "develop" and len(args.get("logline", "").split()) < 3:
        raise SlashError(f"give the story in one sentence. Usage: {cmd.usage}")
    if name == "develop" and args.get("structure") not in (None, "three-act", "save-the-cat", "sequences"):
        raise SlashError(f"{args['structure']!r} is not a structure; use three-act, save-the-cat or sequences.")
    if name == "similar" and not args.get("query"):
        raise SlashError(f"what should the scenes be like? Usage: {cmd.usage}")
    if "count" in args and not 1 <= args["count"] <= 10:
        raise SlashError(f"I can write 1 to 10 options at a time, not {args['count']}. Usage: {cmd.usage}")
    for key in ("act", "scene", "option", "k", "after_scene"):
        if key in args and args[key] < (0 if key == "after_scene" else 1):
            raise SlashError(f"{key} must be a positive number. Usage: {cmd.usage}")
    return cmd.intent, args


def normalise_style(value: str, cmd: Command | None = None) -> str:
    folded = fold(value).strip()
    if folded.replace(" ", "-") in STYLE_PRESETS:
        return folded.replace(" ", "-")
    found = find_style(folded)
    if found is None:
        usage = f" Usage: {cmd.usage}" if cmd else ""
        raise SlashError(f"{value!r} is not a style I know; use one of {', '.join(STYLE_SYNONYMS)}.{usage}")
    return found


def _is_int(tok: str) -> bool:
    return tok.lstrip("-").isdigit()


def _convert(value: str, typ: type, flag: str, cmd: Command) -> Any:
    if typ is int:
        if not _is_int(value):
            raise SlashError(f"{flag} takes a number, not {value!r}. Usage: {cmd.usage}")
        return int(value)
    return value


class SlashFirst:
    """The entry both routers share: role markers go, a slash command routes itself, the rest goes to ``_route``."""

    def route(self, message: str, *, characters: Sequence[str] = (), scene_names: Sequence[str] = (),
              has_draft: bool | None = None) -> RoutingDecision:
        """``has_draft`` False says no draft is loaded (None: not known, treated as loaded)."""
        cleaned = strip_role_markers(message or "")
        if is_slash(cleaned):
            return route_slash(cleaned)
        return self._route(message, cleaned, characters, scene_names, has_draft)

    def _route(self, message: str, cleaned: str, characters: Sequence[str], scene_names: Sequence[str],
               has_draft: bool | None) -> RoutingDecision:
        raise NotImplementedError
