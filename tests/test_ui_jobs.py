"""The panels' long work with progress bars: critique, summary, adding a draft to the library, fine-tuning."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.models.fake import ScriptedChatModel
from agent.room import Room
from agent.runtime import Runtime
from agent.settings import Settings
from agent.storage import PreferenceRecord
from ui import jobs
from ui.handlers import WritersRoom

DRAFT = Path(__file__).parent / "fixtures" / "ui" / "night_shift.fountain"


class Bar:
    """Records what a handler tells Gradio's progress bar."""

    def __init__(self):
        self.calls: list[tuple] = []

    def __call__(self, value, desc=None, unit="steps", **_):
        self.calls.append((value, desc))


def run(gen):
    out = None
    for out in gen:
        pass
    return out


@pytest.fixture
def room(tmp_path, embedder, router):
    # Its own library in the test's data directory: adding a draft must not touch the shared starter one.
    settings = Settings(home=tmp_path / "home", backend="fake")
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(["Sure."]), embedder=embedder,
                             router=router)
    yield WritersRoom.create(runtime)
    runtime.close()


def opened(room):
    writer, session, history = room.start(None)
    run(room.send({"text": "", "files": [str(DRAFT)]}, history, session))
    return session


def test_panels_ask_for_a_draft_first(room):
    _, session, _ = room.start(None)
    bar = Bar()
    assert jobs.critique(room.room, session, bar) == ([], jobs.NO_DRAFT)
    assert jobs.summarize(room.room, session, "synopsis", bar) == jobs.NO_DRAFT
    assert jobs.add_to_library(room.room, session, bar) == jobs.NO_DRAFT
    assert jobs.train(room.room, session, "sft", 2, "x", bar).startswith(jobs.NO_DRAFT)
    assert bar.calls[-1] == (0.0, "preparing data and loading the model")


def test_critique_panel_shows_plots_and_notes_with_progress(room):
    session = opened(room)
    bar = Bar()
    images, notes = jobs.critique(room.room, session, bar)
    assert images and all(Path(p).suffix == ".png" and Path(p).exists() for p in images)
    assert "scene" in notes.lower()
    fractions = [v for v, _ in bar.calls]
    assert len(fractions) >= 3 and fractions == sorted(fractions) and all(0 < f < 1 for f in fractions)


def test_summary_panel_reports_scene_by_scene(room):
    session = opened(room)
    bar = Bar()
    text = jobs.summarize(room.room, session, "scenes", bar)
    assert "DINER" in text.upper()
    steps = [v for v, _ in bar.calls]
    assert steps and steps[-1] == (3, 3) and all(isinstance(v, tuple) and v[1] == 3 for v in steps)
    assert all(d.startswith("summarising scene") for _, d in bar.calls)


def test_adding_the_draft_to_the_library_reports_each_batch_then_finds_it(room):
    session = opened(room)
    bar = Bar()
    message = jobs.add_to_library(room.room, session, bar)
    assert "3 new scene(s)" in message
    assert bar.calls[0] == ((0, 3), "indexing scenes") and bar.calls[-1] == ((3, 3), "indexing scenes")
    hits = room.runtime.scene_library().search("a waitress in a diner kitchen at night", k=3)
    assert any("Night Shift" in h.source or "night_shift" in h.source for h in hits)
    assert "0 new scene(s), 3 unchanged" in jobs.add_to_library(room.room, session, Bar())


def test_preference_counts_are_the_writers_own(room):
    session = opened(room)
    room.storage.add_preference(PreferenceRecord(prompt="p", chosen="a", rejected="b", kind="pick", writer=session.writer))
    room.storage.add_preference(PreferenceRecord(prompt="p", chosen="a", rejected="", kind="like", writer="someone-else"))
    text = jobs.preference_counts(room.room, session)
    assert "**1** pairs from picks" in text and "**0** likes" in text


def test_training_refuses_bad_names_and_served_backends(room):
    session = opened(room)
    out = jobs.train(room.room, session, "sft", 2, "../escape", Bar())
    assert out.startswith("⚠️") and "not a usable adapter name" in out
    for kind in ("sft", "qlora"):  # both train the local model on the draft
        out = jobs.train(room.room, session, kind, 2, "fine-name", Bar())
        assert out.startswith("⚠️") and "fake backend" in out
    assert "use sft, qlora or dpo" in jobs.train(room.room, session, "ppo", 2, "fine-name", Bar())
    assert not (room.runtime.settings.adapters_dir / "fine-name").exists()


@pytest.mark.slow
def test_training_on_the_draft_writes_an_adapter_the_app_lists(tmp_path, models_home, embedder, router):
    """A real two-step LoRA run on the embedded model, started as the app's Fine-tune section starts it."""
    from agent.models.store import resolve_model_dir
    from finetune.jobs import train_on_draft
    from screenplay.formats.fountain import render
    from screenplay.io import load

    model_dir = resolve_model_dir("smollm2-135m-instruct", Settings(home=models_home).models_dir)
    settings = Settings(home=tmp_path / "home", model=str(model_dir))
    seen = []
    result = train_on_draft(settings, render(load(DRAFT)), "night-shift-v1", steps=2, max_length=192,
                            on_step=lambda step, total, loss: seen.append((step, total)))
    assert seen == [(1, 2), (2, 2)]
    folder = settings.adapters_dir / "night-shift-v1"
    assert result.path == str(folder) and (folder / "adapter_config.json").is_file()
    assert (folder / "adapter_model.safetensors").stat().st_size > 100_000
    # The run's work folder (data, checkpoints) is gone; nothing half-written is left beside the adapter.
    assert not list(settings.adapters_dir.glob(".*partial")) and not list((settings.home / "runs").glob("night-shift-v1*"))
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel(), with_tools=False)
    assert str(folder) in Room.create(runtime).adapter_choices()
    with pytest.raises(Exception, match="already exists"):
        train_on_draft(settings, render(load(DRAFT)), "night-shift-v1", steps=1)


@pytest.mark.slow
def test_preference_training_uses_only_this_writers_pairs(tmp_path, models_home):
    from agent.models.store import resolve_model_dir
    from agent.storage import Storage
    from finetune.errors import FinetuneError
    from finetune.jobs import train_on_preferences

    model_dir = resolve_model_dir("smollm2-135m-instruct", Settings(home=models_home).models_dir)
    settings = Settings(home=tmp_path / "home", model=str(model_dir))
    store = Storage(settings.database)
    scene = "INT. DINER - NIGHT\n\nRain.\n\nMAYA\nNot tonight.\n"
    flat = "INT. DINER - NIGHT\n\nMAYA\nHello. Hello. Hello.\n"
    for prompt in ("Write the diner scene", "Write the diner scene again"):
        store.add_preference(PreferenceRecord(prompt=prompt, chosen=scene, rejected=flat, kind="pick", writer="me"))
    with pytest.raises(FinetuneError, match="only 0 preference pair"):
        train_on_preferences(settings, "someone-else", "theirs", steps=1, max_length=128)
    assert not list((settings.home / "runs").glob("theirs*"))  # a failed run leaves no work folder behind
    result = train_on_preferences(settings, "me", "mine-v1", steps=1, max_length=128)
    assert result.kind == "dpo" and result.examples == 2 and result.steps == 1
    assert (settings.adapters_dir / "mine-v1" / "adapter_config.json").is_file()
