"""The panels' long work, each with a progress bar: critique, summary, adding a draft to the library, and
fine-tuning runs. ``progress`` is Gradio's ``gr.Progress`` (called with a fraction or (done, total) and a desc);
tests pass a recorder. The work itself is the Room's; this module only draws the bars and words the outcome.
"""

from __future__ import annotations

from typing import Any, Callable

from agent.errors import NeedsDraft, RoomError
from agent.room import NO_DRAFT, Room
from agent.session import Session
from ui.notes import pin

ProgressBar = Callable[..., Any]
__all__ = ["NO_DRAFT", "critique", "summarize", "add_to_library", "preference_counts", "train"]


def _bar(progress: ProgressBar, unit: str, verb: str = "") -> Callable[[int, int, str], None]:
    """The room's (done, total, label) progress as a Gradio bar."""

    def say(done: int, total: int, label: str) -> None:
        progress((done, total), desc=f"{verb}{label}", unit=unit)

    return say


def critique(room: Room, session: Session | None, progress: ProgressBar) -> tuple[list[Any], str]:
    def say(done: int, total: int, label: str) -> None:
        # The critic names its steps but not how many: the bar creeps towards the end.
        progress(min(0.95, done / 10), desc=label)

    try:
        result = room.critique(session, progress=say)
    except RoomError as exc:
        return [], _warn(exc)
    pinned = pin(room, session, result.findings)
    where = f"\n\n{pinned} note(s) pinned beside their scenes in the Draft tab." if pinned else ""
    return result.plots, result.notes + where


def summarize(room: Room, session: Session | None, level: str, progress: ProgressBar) -> str:
    try:
        return room.summarize(session, level, progress=_bar(progress, "scenes", "summarising "))
    except RoomError as exc:
        return _warn(exc)


def add_to_library(room: Room, session: Session | None, progress: ProgressBar) -> str:
    try:
        return room.add_to_library(session, progress=_bar(progress, "scenes"))
    except RoomError as exc:
        return _warn(exc)


def preference_counts(room: Room, session: Session | None) -> str:
    counts = room.preference_counts(session)
    # A pick among N options is stored as N - 1 pairs (chosen over each other option).
    return (f"Your stored judgements: **{counts['pick']}** pairs from picks among options, **{counts['like']}** likes, "
            f"**{counts['dislike']}** dislikes. Preference training needs at least two pairs (a pick among three gives "
            "two; a like and a dislike for the same request give one).")


def train(room: Room, session: Session | None, kind: str, steps: float, name: str, progress: ProgressBar) -> str:
    """A LoRA or QLoRA run on the writer's draft ("sft", "qlora") or DPO on their judgements ("dpo")."""
    progress(0.0, desc="preparing data and loading the model")
    try:
        return room.train(session, kind, int(steps), name, progress=_bar(progress, "steps"))
    except RoomError as exc:
        return _warn(exc)


def _warn(exc: RoomError) -> str:
    # "Attach a draft first" is guidance, not a failure: it reads without the warning sign.
    return str(exc) if isinstance(exc, NeedsDraft) else f"⚠️ {exc}"
