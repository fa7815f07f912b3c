"""The agent loop: one writer message in, a stream of events out (routing, tools, tokens, answer).

Routing sees only the writer's message plus the draft's character and scene names; the draft's
text reaches a model only inside data delimiters (see agent.prompting.quote_data).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from agent.events import Event, EventKind, OptionReady, ToolProgress
from agent.models.factory import ModelInfo
from agent.prompting import bible_brief, quote_data, render_prompt
from agent.registry import help_lines, spec
from agent.project import inserted, option_cause
from agent.references import scene_names
from agent.routing.arguments import ONE_LINE_TOKENS, asks_for_one_line
from agent.session import Session
from screenplay.errors import ACCEPTED
from screenplay.scope import Scope, ScopeError, resolve
from tools.base import Option, ToolError, ToolResult, pick_option
from tools.context import ToolContext
from tools.progress import StepKind

# A tool's answer as a small model's chat history keeps it: its first line, at most this long.
TOOL_GIST_CHARS = 240


@dataclass
class Agent:
    """Holds what every session shares (model, tools, router); per-writer state lives in Session."""

    chat_model: Any
    info: ModelInfo
    tools: dict[str, Any] = field(default_factory=dict)  # tool name -> LangChain BaseTool
    router: Any = None  # anything with route(message, characters=..., scene_names=...)
    asker: Any = None  # agent.grounding.DraftAsker: answers questions about the attached draft from the draft

    # ---- prompts -------------------------------------------------------------------------
    def system_message(self, session: Session) -> SystemMessage:
        bible = ""
        project = session.project
        if project is not None and project.bible is not None and bible_brief(project.bible):
            bible = quote_data("STORY BIBLE", bible_brief(project.bible))
        return SystemMessage(content=render_prompt("system.md", bible=bible, summary=session.summary))

    def remembered(self, answer: str) -> str:
        """What later chat turns see of a tool's answer. A capable model keeps all of it; a small one its first
        line (what was done): three whole scenes and a page of coverage were ~1,000 tokens of prefill before
        every later chat answer on a 135M model (11 s to its first token on 2 cores), which it could not use."""
        if self.info.writing_tier == "free":
            return answer
        first = answer.strip().split("\n", 1)[0]
        return first if len(first) <= TOOL_GIST_CHARS else first[: TOOL_GIST_CHARS - 1] + "…"

    def chat_messages(self, session: Session, message: str) -> list[BaseMessage]:
        return [*self.chat_prefix(session), HumanMessage(content=message)]

    def chat_prefix(self, session: Session) -> list[BaseMessage]:
        # Leave room for the reply inside the model's window.
        session.trim(max(256, self.info.context_window // 2))
        return [self.system_message(session), *session.history]

    # ---- the turn ------------------------------------------------------------------------
    def run(self, session: Session, message: str) -> Iterator[Event]:
        """Run one turn. A failing tool becomes an ERROR event; the conversation goes on."""
        yield from self._turn(session, message)
        # Once every event is out: a local model prefills the next chat question's system prompt and history in
        # the background while the writer reads, so the question prefills only itself (after four tool turns its
        # first token came 2.6 s after asking, the prefill of ~350 tokens on 2 cores). keep_prefix returns at
        # once, and any request that comes meanwhile stops that prefill rather than waiting for it.
        if self.info.keeps_prefix:  # llama.cpp; a served model's server keeps its own cache
            self.chat_model.keep_prefix(self.chat_prefix(session))

    def _turn(self, session: Session, message: str) -> Iterator[Event]:
        message = message.strip()
        if not message:
            yield Event(EventKind.ERROR, f"Type a message, or attach a draft: {ACCEPTED}.")
            return
        if session.story is not None:
            # A story in development answers its own commands ("next", "rename Tomas to Anselm") first.
            from agent.development import parse_command

            command = parse_command(message)
            if command is not None:
                yield from self._develop(session, message, command=command)
                return
        decision = self._route(session, message)
        if decision is None:
            yield from self._chat(session, message)
            return
        one_line = decision.intent in ("generate", "chat") and asks_for_one_line(message)
        if one_line and decision.intent == "generate":
            # One line is a chat answer of a few dozen tokens; the scene pipeline would write K whole scenes.
            decision = replace(decision, intent="chat", args={})
        yield Event(EventKind.ROUTE, decision.intent, decision.to_dict())
        if decision.clarify:
            session.add_turn(message, decision.clarify)
            yield Event(EventKind.CLARIFY, decision.clarify, {"candidates": decision.to_dict()["candidates"]})
            return
        intent = decision.intent
        if intent == "chat":
            yield from self._chat(session, message, max_tokens=ONE_LINE_TOKENS if one_line else None)
        elif intent == "help":
            text = render_prompt("help.md", capabilities="\n".join(help_lines()), accepted=ACCEPTED)
            session.add_turn(message, text)
            yield Event(EventKind.ANSWER, text)
        elif intent in ("insert", "undo"):
            yield from self._edit(session, message, intent, decision.args)
        elif intent == "develop":
            yield from self._develop(session, message, args=decision.args)
        else:
            yield from self._tool(session, message, intent, dict(decision.args))

    def _route(self, session: Session, message: str):
        if self.router is None:
            return None
        script = session.project.script if session.project is not None else None
        return self.router.route(
            message,
            characters=script.characters if script is not None else (),
            scene_names=scene_names(script),
            has_draft=script is not None,
        )

    def _chat(self, session: Session, message: str, *, max_tokens: int | None = None) -> Iterator[Event]:
        script = session.project.script if session.project is not None else None
        if self.asker is not None and script is not None and max_tokens is None and self.asker.about_draft(script, message):
            from agent.grounding.turn import grounded_turn

            yield from grounded_turn(self.asker, session, message, self.chat_model, self.info)
            return
        started = time.perf_counter()
        pieces: list[str] = []
        kwargs: dict[str, Any] = {"temperature": session.temperature} if session.temperature is not None else {}
        if max_tokens is not None:
            kwargs[self.info.token_limit_param] = max_tokens
        for chunk in self.chat_model.stream(self.chat_messages(session, message), **kwargs):
            piece = chunk.content if isinstance(chunk.content, str) else ""
            if piece:
                pieces.append(piece)
                yield Event(EventKind.TOKEN, piece)
        answer = "".join(pieces).strip()
        session.add_turn(message, answer)
        yield Event(
            EventKind.ANSWER,
            answer,
            {"model": self.info.name, "seconds": round(time.perf_counter() - started, 3)},
        )

    def _tool(self, session: Session, message: str, intent: str, args: dict[str, Any]) -> Iterator[Event]:
        what = spec(intent)
        name = what.tool
        tool = self.tools.get(name)
        if tool is None:
            text = (
                f"I can't {what.action} yet: that tool is not part of this Scriptroom. "
                "Ask me anything else, or type /help."
            )
            session.add_turn(message, text)
            yield Event(EventKind.ANSWER, text)
            return
        started = time.perf_counter()
        try:
            context = self._context(session)
            args = self._resolve(intent, args, context, session)
            yield Event(EventKind.TOOL_START, name, {"args": args})
            stream = (getattr(tool, "metadata", None) or {}).get("stream")
            if stream is not None:
                # A streaming tool: the generator shows each option as it is written; the summarizer and
                # critic report their steps.
                result = None
                for step in stream(_accepted(tool, args), context):
                    if step.kind is StepKind.DONE:
                        result = step.result
                    else:
                        yield _progress_event(name, step)
            else:
                result = tool.invoke({**_accepted(tool, args), **({"context": context} if _takes_context(tool) else {})})
            if not isinstance(result, ToolResult):
                result = ToolResult(tool=name, summary=str(result))
        except ToolError as exc:
            session.add_turn(message, f"(could not {what.action}: {exc})")
            yield Event(EventKind.ERROR, str(exc), {"tool": name})
            return
        # Anything else is a bug in a tool: it is raised, not hidden behind a friendly line.
        session.last_result = result
        if result.options:
            session.options, session.options_tool = list(result.options), name
        session.add_turn(message, self.remembered(result.summary))
        data = result.to_dict()
        data["seconds"] = round(time.perf_counter() - started, 3)
        yield Event(EventKind.TOOL_OUTPUT, name, data)
        yield Event(EventKind.ANSWER, result.summary, {"tool": name})

    def _develop(self, session: Session, message: str, *, args: dict[str, Any] | None = None,
                 command: Any = None) -> Iterator[Event]:
        """Story development: stateful per session, so the loop drives the engine itself, a level a turn."""
        from agent.development import develop_turn

        tool = self.tools.get(spec("develop").tool)
        if tool is None:
            text = "I can't develop stories yet: that tool is not part of this Scriptroom."
            session.add_turn(message, text)
            yield Event(EventKind.ANSWER, text)
            return
        args = args or {}
        try:
            yield from develop_turn(tool.metadata["engine"], session, message, logline=args.get("logline", ""),
                                    structure=args.get("structure"), command=command)
        except ToolError as exc:
            session.add_turn(message, f"(could not develop: {exc})")
            yield Event(EventKind.ERROR, str(exc), {"tool": "develop_story"})

    def _context(self, session: Session) -> ToolContext:
        project = session.project
        return ToolContext(
            script=project.script if project is not None else None,
            bible=project.bible if project is not None else None,
            last_options=list(session.options),
        )

    def _resolve(self, intent: str, args: dict[str, Any], context: ToolContext, session: Session) -> dict[str, Any]:
        """Turn the writer's pointers into what the tool needs; bad pointers raise ToolError."""
        pointers = {k: args.get(k) for k in ("act", "scene", "scene_ref", "beat")}
        if intent == "similar":
            scene, ref = args.pop("scene", None), args.pop("scene_ref", None)
            if scene is not None or ref:
                if context.script is None or not context.script.scenes:
                    raise ToolError(f"there is no draft to point into yet: attach one ({ACCEPTED}) first")
                scope = self._scope(context, scene=scene, scene_ref=ref)
                args["query"] = context.script.scenes[scope.scene].text  # find look-alikes of that scene's text
                if session.project is not None:  # the draft, once added to the library, is not its own look-alike
                    args["exclude_source"] = session.project.library_source
            if not args.get("query"):
                raise ToolError("tell me what to look for, e.g. 'find scenes like a tense night standoff'")
            return args
        if context.script is not None and context.script.scenes and not args.get("option"):
            # Resolved once, here: every tool reads the same act, scene or beat from context.scope.
            context.scope = self._scope(context, **pointers)
            if context.scope.scene is not None:
                args["scene"], args["scene_ref"] = context.scope.scene + 1, None
        elif pointers["scene"] is not None or pointers["scene_ref"]:
            raise ToolError(f"there is no draft to point into yet: attach one ({ACCEPTED}) first")
        if intent == "generate":
            args.setdefault("count", session.options_count)  # the writer's default when no number was said
        if intent in ("revise",) or (intent == "style" and args.get("option")):
            pick_option(context.last_options, int(args["option"]))
        return {k: v for k, v in args.items() if v is not None}

    @staticmethod
    def _scope(context: ToolContext, **pointers: Any) -> Scope:
        try:
            return resolve(context.script, **pointers)
        except ScopeError as exc:
            raise ToolError(str(exc)) from None

    def _edit(self, session: Session, message: str, intent: str, args: dict[str, Any]) -> Iterator[Event]:
        project = session.project
        try:
            if project is None:
                raise ToolError("there is no draft to edit: attach one first")
            if intent == "undo":
                text = "Undone: the draft is back as it was before the last edit." if project.undo() else "Nothing to undo."
            else:
                number = int(args["option"])
                option = pick_option(session.options, number)
                positions, where = project.insert_option(
                    option, after_scene=args.get("after_scene"), before_scene=args.get("before_scene"),
                    cause=option_cause(session.options_tool),
                )
                text = inserted(number, positions, where)
        except ToolError as exc:
            session.add_turn(message, str(exc))
            yield Event(EventKind.ERROR, str(exc))
            return
        session.add_turn(message, text)
        yield Event(EventKind.ANSWER, text, {"edit": intent})


def _progress_event(tool: str, step: Any) -> Event:
    """A tool step as an event; a written option carries the Option itself, so the view can show it at once."""
    data = {"tool": tool, "kind": step.kind.value, "index": step.index, "score": step.score, "total": step.total}
    if step.kind is StepKind.OPTION:
        option = step.option if step.option is not None else Option.of(step.text)
        payload: Any = OptionReady(tool, step.index, option, step.score)
    else:
        payload = ToolProgress(tool, step.kind.value, step.index, step.total, step.score)
    return Event(EventKind.TOOL_PROGRESS, step.text, data, payload)


def _takes_context(tool: Any) -> bool:
    schema = getattr(tool, "args_schema", None)
    fields = getattr(schema, "model_fields", {}) if schema is not None else {}
    return "context" in fields


def _accepted(tool: Any, args: dict[str, Any]) -> dict[str, Any]:
    """Only the arguments the tool's schema declares (the router's schema can be wider)."""
    schema = getattr(tool, "args_schema", None)
    fields = getattr(schema, "model_fields", None)
    if not fields:
        return args
    return {k: v for k, v in args.items() if k in fields and k != "context"}
