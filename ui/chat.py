"""Turn agent events into Gradio chat messages: tool steps as collapsible messages, tokens streamed."""

from __future__ import annotations

from typing import Any, Iterator

import gradio as gr

from agent.events import EventKind
from agent.runtime import Runtime
from agent.session import Session


def respond(
    runtime: Runtime, message: str, history: list[Any] | None, session: Session | None
) -> Iterator[tuple[list[Any], Session]]:
    """Streaming handler: yields the whole updated history after every event."""
    session = session if session is not None else runtime.new_session()
    history = list(history or [])
    history.append(gr.ChatMessage(role="user", content=message))
    answer: gr.ChatMessage | None = None
    for event in runtime.agent.run(session, message):
        if event.kind is EventKind.TOKEN:
            if answer is None:
                answer = gr.ChatMessage(role="assistant", content="")
                history.append(answer)
            answer.content += event.text
        elif event.kind is EventKind.TOOL_START:
            history.append(
                gr.ChatMessage(
                    role="assistant",
                    content=_args_markdown(event.data.get("args", {})),
                    metadata={"title": f"🛠️ {event.text}", "status": "pending"},
                )
            )
        elif event.kind is EventKind.TOOL_OUTPUT:
            _mark_tools_done(history)
        elif event.kind in (EventKind.ANSWER, EventKind.CLARIFY):
            if answer is None and event.text:
                answer = gr.ChatMessage(role="assistant", content=event.text)
                history.append(answer)
            elif answer is not None and event.kind is EventKind.ANSWER and event.text:
                answer.content = event.text
        elif event.kind is EventKind.ERROR:
            _mark_tools_done(history)
            history.append(gr.ChatMessage(role="assistant", content=f"⚠️ {event.text}"))
        yield history, session
    yield history, session


def _args_markdown(args: dict[str, Any]) -> str:
    shown = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    return "\n".join(f"- **{k}**: {v}" for k, v in shown.items()) or "(no arguments)"


def _mark_tools_done(history: list[Any]) -> None:
    for msg in history:
        meta = getattr(msg, "metadata", None)
        if isinstance(meta, dict) and meta.get("status") == "pending":
            meta["status"] = "done"
