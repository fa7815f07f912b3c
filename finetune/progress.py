"""Report each optimizer step of a TRL/transformers run to a plain function (the app's progress bar)."""

from __future__ import annotations

from typing import Any, Callable

# step, total steps, latest logged training loss (None before the first log)
OnStep = Callable[[int, int, "float | None"], None]


def step_reporter(on_step: OnStep) -> Any:
    """A TrainerCallback calling ``on_step``; transformers is imported only when a run starts."""
    from transformers import TrainerCallback

    class StepReporter(TrainerCallback):
        loss: float | None = None

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.loss = float(logs["loss"])

        def on_step_end(self, args, state, control, **kwargs):
            on_step(state.global_step, state.max_steps, self.loss)

    return StepReporter()
