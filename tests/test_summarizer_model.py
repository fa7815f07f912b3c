"""The summarizer on the real embedded model: whatever the 135M model says, the summary stays faithful."""

from __future__ import annotations

from pathlib import Path

import pytest

from screenplay.formats.fountain import parse
from tools.summarizer import Summarizer
from tools.summarizer.faithful import ScriptFacts, check

pytestmark = pytest.mark.slow
SAMPLE = Path(__file__).parent / "fixtures" / "samples" / "lighthouse.fountain"


def test_embedded_model_scene_summary_is_faithful(embedded_engine, embedder, tmp_path, one_thread):
    from agent.models.local import LocalChatModel

    script = parse(SAMPLE.read_text(encoding="utf-8"))
    model = LocalChatModel(engine=embedded_engine, max_new_tokens=32, temperature=0)
    summarizer = Summarizer(model, embedder=embedder, cache_dir=tmp_path / "cache")
    result = summarizer.summarize(script, "scenes", scene=6)
    assert result.model_calls == len(result.scenes) == 1
    facts = ScriptFacts.of(script, [str(i) for i in range(1, 9)], 3)
    assert check(" ".join(s.text for s in result.scenes), facts) == []
    assert all(s.source in ("model", "extractive") and s.text for s in result.scenes)
    # A second run reads every scene from the cache and asks the model nothing.
    again = Summarizer(model, embedder=embedder, cache_dir=tmp_path / "cache").summarize(script, "scenes", scene=6)
    assert again.model_calls == 0 and again.text == result.text
