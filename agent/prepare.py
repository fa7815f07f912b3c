"""First-run work done before any writer asks: the model made ready for its engine and the starter scenes indexed.

`make run` calls it through `scriptroom models --prepare`; the app calls it in the background at start, so a
data directory that was never prepared costs the writer nothing but a progress line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from agent.settings import Settings
from screenplay.record import Record


@dataclass
class PrepareReport(Record):
    engine: str
    steps: dict[str, float] = field(default_factory=dict)  # step -> seconds it took (0.0: already done)


def prepare(settings: Settings, *, report: Callable[[str], None] = lambda _: None, library: bool = True,
            embedder: Any = None) -> PrepareReport:
    """Make the configured model and the starter library ready; each step is a no-op once done."""
    from agent.models.factory import choose_engine, scene_settings

    choice = choose_engine(settings)
    out = PrepareReport(engine=choice.engine)
    if choice.engine == "llama.cpp":
        # The GGUF runs as shipped; adapters become GGUF LoRA files, cached by content.
        from agent.models.lora_gguf import cached_gguf_lora

        for adapter in {a for a in (settings.adapter, scene_settings(settings).adapter) if a}:
            _step(out, f"adapter {adapter}", report,
                  lambda a=adapter: cached_gguf_lora(a, choice.gguf, settings.home / "cache" / "lora-gguf"))
    elif choice.engine == "transformers":
        from agent.models.store import resolve_model_dir

        _step(out, f"model {settings.model}", report, lambda: resolve_model_dir(settings.model, settings.models_dir))
    if library and not settings.chroma_url:
        from tools.library import SceneLibrary

        if embedder is None:
            from tools.embeddings import load_embedder

            embedder = load_embedder()
        lib = SceneLibrary(settings.library_dir, embedder)
        try:
            if lib.needs_upgrade():  # its own line: re-embedding a writer's library takes longer than the starter
                _step(out, f"scene library upgrade ({lib.stored_version()} -> {lib.scene_version})", report, lib.upgrade)
            _step(out, "starter scene library", report, lib.ensure_starter)
        finally:
            lib.close()
    return out


def _step(out: PrepareReport, name: str, report: Callable[[str], None], run: Callable[[], Any]) -> None:
    report(f"preparing {name}…")
    start = time.perf_counter()
    run()
    out.steps[name] = round(time.perf_counter() - start, 2)
    report(f"prepared {name} in {out.steps[name]:.1f} s")
