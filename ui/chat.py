"""The chat column: attaching drafts, running a message through the room, and showing its events as messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from agent.errors import RoomError
from agent.events import Event, EventKind, OptionReady
from agent.session import Session
from ui.figures import chart_messages
from ui.options import options_answer


class ChatHandlers:
    """Mixed into WritersRoom: expects ``self.room`` (agent.room.Room), ``self.save`` and ``self._outputs``."""

    def send(self, value: Any, history: list[Any] | None, session: Session | None, request: gr.Request = None,
             profile: gr.OAuthProfile | None = None) -> Iterator[tuple]:
        """The multimodal box in one call (the API's ``/send``): attach any draft files, then run the message."""
        out = None
        for out in self.send_files(value, history, session, request, profile):
            yield out
        yield from self.send_text(value, out[0], out[1])

    def send_files(self, value: Any, history: list[Any] | None, session: Session | None, request: gr.Request = None,
                   profile: gr.OAuthProfile | None = None) -> Iterator[tuple]:
        """The box's draft files, loaded. The page runs this apart from the message, so the editor shows the draft
        while the message's request is still running."""
        # An API client may send before the page's load event ran: it gets a session the same way a tab does.
        session = session or self.start(None, request, profile)[1]
        history = list(history or [])
        _, files = _split(value)
        for path in files:
            history.append(gr.ChatMessage(role="user", content=f"📎 {Path(path).name}"))
            history.append(gr.ChatMessage(role="assistant", content=self.attach(session, path)))
            yield self._outputs(history, session)
        if files:
            self.save(session, history)  # stored now, so the editor shows it as the request runs
        yield self._outputs(history, session)

    def send_text(self, value: Any, history: list[Any] | None, session: Session) -> Iterator[tuple]:
        """The box's message, run through the agent (its files were loaded by ``send_files``)."""
        history = list(history or [])
        text, _ = _split(value)
        if text.strip():
            yield from self.chat(text, history, session)
        self.save(session, history)
        yield self._outputs(history, session)

    def attach(self, session: Session, path: str) -> str:
        """Load a draft. A bad file leaves the open project as it was and says what is accepted."""
        try:
            loaded = self.room.attach(session, path)
        except RoomError as exc:
            return f"⚠️ I couldn't read that draft: {exc}"
        return (
            f"Loaded **{loaded.name}**: {loaded.scenes} scenes, about {loaded.pages} "
            f"page{'' if loaded.pages == 1 else 's'}, "
            f"{loaded.characters} speaking characters. Ask me for notes, a summary, new scenes or rewrites."
        )

    def chat(self, message: str, history: list[Any], session: Session) -> Iterator[tuple]:
        history.append(gr.ChatMessage(role="user", content=message))
        answer: gr.ChatMessage | None = None
        shown: list[str] | None = None  # options written so far this turn, read from OptionReady events
        charts: list[gr.ChatMessage] = []  # shown under the answer once the turn ends
        offered: list[str] = []  # the options the tool's result brought: the options row shows them in full
        for event in self.room.run(session, message):
            if event.kind is EventKind.TOKEN:
                if answer is None:
                    answer = gr.ChatMessage(role="assistant", content="")
                    history.append(answer)
                answer.content += event.text
            elif event.kind is EventKind.ROUTE:
                continue
            elif event.kind is EventKind.TOOL_START:
                history.append(
                    gr.ChatMessage(
                        role="assistant",
                        content=_args_markdown(event.data.get("args", {})),
                        metadata={"title": f"🛠️ {event.text}", "status": "pending"},
                    )
                )
            elif event.kind is EventKind.TOOL_PROGRESS:
                if isinstance(event.payload, OptionReady):
                    # Shown the moment it is written; the session's options take over when the tool is done.
                    shown = (shown or []) + [event.payload.option.fountain]
                _show_progress(history, event)
            elif event.kind is EventKind.TOOL_OUTPUT:
                _mark_done(history, seconds=event.data.get("seconds"))
                charts = chart_messages(event.data)
                offered = list(event.data.get("options") or [])
            elif event.kind in (EventKind.ANSWER, EventKind.CLARIFY):
                text = options_answer(event.text, offered) if offered else event.text
                if answer is None:
                    answer = gr.ChatMessage(role="assistant", content=text)
                    history.append(answer)
                else:
                    answer.content = text
            elif event.kind is EventKind.ERROR:
                _mark_done(history)
                history.append(gr.ChatMessage(role="assistant", content=f"⚠️ {event.text}"))
            yield self.with_streamed_options(self._outputs(history, session), shown)
        if charts:
            history.extend(charts)
            yield self._outputs(history, session)

    def undo_turn(self, history: list[Any], session: Session) -> tuple:
        """Chatbot's undo: drop the last exchange from the screen and from the model's memory."""
        history = list(history or [])
        while history and plain(history[-1]).get("role") != "user":
            history.pop()
        if history:
            history.pop()
        self.room.forget_last_turn(session)
        return self._outputs(history, session)

    def like(self, session: Session, history: list[Any], data: gr.LikeData) -> None:
        """👍/👎 on an answer becomes a preference record for DPO."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        answer = plain(history[index]).get("content", "") if 0 <= index < len(history) else ""
        prompt = next(
            (plain(m).get("content", "") for m in reversed(history[:index]) if plain(m).get("role") == "user"), ""
        )
        self.room.rate(session, str(prompt), str(answer), bool(data.liked))


def _split(value: Any) -> tuple[str, list[str]]:
    if isinstance(value, dict):
        files = [f if isinstance(f, str) else f.get("path", "") for f in value.get("files", []) or []]
        return str(value.get("text", "") or ""), [f for f in files if f]
    return str(value or ""), []


def plain(message: Any) -> dict[str, Any]:
    """A chat message as the dict Gradio and storage both read."""
    if isinstance(message, dict):
        return {k: message.get(k) for k in ("role", "content", "metadata") if k in message}
    return {"role": getattr(message, "role", ""), "content": getattr(message, "content", ""), "metadata": getattr(message, "metadata", None)}


def _args_markdown(args: dict[str, Any]) -> str:
    shown = {k: v for k, v in args.items() if v not in (None, "", [], {})}
    return "\n".join(f"- **{k}**: {v}" for k, v in shown.items()) or "(no arguments)"


def _show_progress(history: list[Any], event: Event) -> None:
    """Write a streaming tool's latest step into its pending step message."""
    step = next((m for m in reversed(history) if (getattr(m, "metadata", None) or {}).get("status") == "pending"), None)
    if step is None:
        return
    head = step.content.split("\n\n---\n", 1)[0]
    if isinstance(event.payload, OptionReady):
        step.content = f"{head}\n\n---\n*option {event.payload.number} ready*"
        return
    kind, index = event.data.get("kind"), event.data.get("index", 0)
    if kind == "progress":
        step.content = f"{head}\n\n---\n{progress_line(index, event.data.get('total', 0), event.text)}"
        return
    if kind == "candidate":
        label = f"writing draft {index + 1}…"
    else:
        label = f"draft {index + 1} done"
    step.content = f"{head}\n\n---\n*{label}*\n\n```\n{event.text[-600:]}\n```"


def progress_line(done: int, total: int, label: str, width: int = 20) -> str:
    """A text progress bar for a tool step in the chat: ``▰▰▰▱▱ 12/40 · summarising scene 12``."""
    if total > 0:
        filled = round(width * min(done, total) / total)
        return f"`{'▰' * filled}{'▱' * (width - filled)}` {done}/{total} · {label}"
    return f"step {done} · {label}"


def _mark_done(history: list[Any], seconds: float | None = None) -> None:
    for msg in history:
        meta = getattr(msg, "metadata", None)
        if isinstance(meta, dict) and meta.get("status") == "pending":
            meta["status"] = "done"
            if seconds is not None:
                meta["duration"] = seconds
