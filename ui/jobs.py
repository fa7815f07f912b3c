"""The panels' long work, each with a progress bar: critique, summary, adding a draft to the library, and
fine-tuning runs. ``progress`` is Gradio's ``gr.Progress`` (called with a fraction or (done, total) and a desc);
tests pass a recorder.
"""

from __future__ import annotations

import time
from itertools import count
from typing import Any, Callable

from agent.runtime import Runtime
from agent.session import Session
from agent.storage import Storage
from tools.base import ToolError

ProgressBar = Callable[..., Any]
NO_DRAFT = "Attach a draft first (📎 in the chat box)."


def critique(runtime: Runtime, session: Session | None, progress: ProgressBar) -> tuple[list[Any], str]:
    critic = runtime.extras.get("critic")
    if critic is None:
        return [], "The critic is not part of this Scriptroom yet."
    if session is None or session.project is None:
        return [], NO_DRAFT
    steps = count(1)

    def say(message: str) -> None:
        # The critic names its steps but not how many: the bar creeps towards the end.
        progress(min(0.95, next(steps) / 10), desc=message)

    try:
        result = critic.critique(session.project.script, progress=say)
    except ToolError as exc:
        return [], f"⚠️ {exc}"
    plots = result.data.get("plots", {})
    images = list(plots.values()) if isinstance(plots, dict) else list(plots)
    return images, result.summary


def summarize(runtime: Runtime, session: Session | None, level: str, progress: ProgressBar) -> str:
    summarizer = runtime.extras.get("summarizer")
    if summarizer is None:
        return "The summarizer is not part of this Scriptroom yet."
    if session is None or session.project is None:
        return NO_DRAFT

    def say(done: int, total: int, label: str) -> None:
        progress((done, total), desc=f"summarising {label}", unit="scenes")

    try:
        summary = summarizer.summarize(session.project.script, level, progress=say)
    except ToolError as exc:
        return f"⚠️ {exc}"
    return summary.text


def add_to_library(runtime: Runtime, session: Session | None, progress: ProgressBar) -> str:
    if session is None or session.project is None:
        return NO_DRAFT
    project = session.project
    scenes = len(project.script.scenes)
    indexed = 0

    def on_commit(batch: list[Any]) -> None:
        nonlocal indexed
        indexed += len(batch)
        progress((indexed, scenes), desc="indexing scenes", unit="scenes")

    progress((0, scenes), desc="indexing scenes", unit="scenes")
    report = runtime.scene_library().add_script(project.script, source=project.source or project.name, on_commit=on_commit)
    return (f"Added **{project.name}** to the library: {report.added} new scene(s), {report.unchanged} unchanged"
            + (f", {report.removed} removed" if report.removed else "") + ". Search for it in this tab.")


def preference_counts(storage: Storage, session: Session | None) -> str:
    writer = session.writer if session is not None else ""
    mine = [r for r in storage.preferences() if r.writer == writer]
    picks = sum(r.kind == "pick" for r in mine)
    likes = sum(r.kind == "like" for r in mine)
    dislikes = sum(r.kind == "dislike" for r in mine)
    # A pick among N options is stored as N - 1 pairs (chosen over each other option).
    return (f"Your stored judgements: **{picks}** pairs from picks among options, **{likes}** likes, "
            f"**{dislikes}** dislikes. Preference training needs at least two pairs (a pick among three gives two; "
            "a like and a dislike for the same request give one).")


def adapter_choices(runtime: Runtime) -> list[str]:
    if runtime.settings.backend != "local":
        return ["none"]
    from finetune.adapters import list_adapters

    return ["none", *[str(a.path) for a in list_adapters(runtime.settings)]]


def train(runtime: Runtime, session: Session | None, kind: str, steps: float, name: str,
          progress: ProgressBar) -> str:
    """A LoRA run on the writer's draft ("sft") or DPO on their judgements ("dpo"); returns what happened."""
    from finetune.errors import FinetuneError
    from finetune.jobs import train_on_draft, train_on_preferences
    from screenplay.formats.fountain import render

    if session is None:
        return "The page is still loading; try again in a moment."
    name = (name or "").strip() or f"mine-{time.strftime('%Y%m%d-%H%M%S')}"
    started = time.perf_counter()

    def on_step(step: int, total: int, loss: float | None) -> None:
        shown = f", loss {loss:.3f}" if loss is not None else ""
        progress((step, total), desc=f"training step {step} of {total}{shown}", unit="steps")

    progress(0.0, desc="preparing data and loading the model")
    try:
        if kind == "sft":
            if session.project is None:
                return NO_DRAFT + " LoRA training learns from your draft's scenes."
            result = train_on_draft(runtime.settings, render(session.project.script), name, steps=int(steps),
                                    on_step=on_step)
        elif kind == "dpo":
            result = train_on_preferences(runtime.settings, session.writer, name, steps=int(steps), on_step=on_step)
        else:
            return f"⚠️ unknown training kind {kind!r}; use sft or dpo"
    except FinetuneError as exc:
        return f"⚠️ {exc}"
    return result.summary() + f" ({time.perf_counter() - started:.0f} s in all)"
