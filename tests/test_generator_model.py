"""The generator end to end on the real embedded SmolLM2-135M (kept short: two options, short answers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screenplay.formats.fountain import parse
from screenplay.bible import StoryBible
from tools.context import ToolContext
from tools.generator import SceneGenerator
from tools.scene_scoring import check_scene

# Model conversion in the session fixture alone can take minutes on a shared 2-core CPU.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

DRAFT = Path(__file__).parent / "fixtures" / "generator" / "lighthouse.fountain"


def test_embedded_model_writes_two_valid_grounded_options(embedded_engine):
    from agent.models.local import LocalChatModel

    chat = LocalChatModel(engine=embedded_engine, max_new_tokens=32, seed=11)
    # K = N, one attempt each, short answers and a short draft excerpt: repair and the prose fallback
    # must make valid scenes of whatever 32 tokens the model writes.
    generator = SceneGenerator(chat, extra_candidates=0, max_attempts=1, draft_chars=600)
    context = ToolContext(script=parse(DRAFT.read_text(encoding="utf-8")), bible=StoryBible(title="The Keeper's Daughter"))
    events = list(generator.stream({"count": 2, "act": 2}, context))
    result = events[-1].result
    assert len(result.options) == 2
    for option in result.options:
        check = check_scene(option.fountain)
        assert check.valid, (check.problems, option)
        assert set(check.characters) & {"NORA", "SAM", "VIC"}
    assert "<<<DRAFT" in result.prompt and "EXT. JETTY - NIGHT" in result.prompt
    assert any(e.kind == "candidate" for e in events)  # tokens streamed while the options were written


def test_embedded_model_on_llama_cpp_writes_under_the_scene_grammar(llama_engine):
    """The scaffold tier's rails on the real model: every cue is the scene's cast, no word is junk, and the text
    needed no repair (the grammar made a bad scene impossible rather than repaired)."""
    from agent.models.factory import ModelInfo
    from agent.models.local import LocalChatModel
    from tools.generator.rails import junk_words

    info = ModelInfo("local", "smollm2", supports_tool_calling=False, streaming=True, context_window=4096,
                     supports_grammar=True, engine="llama.cpp", writing_tier="scaffold", supports_sampling=True)
    chat = LocalChatModel(engine=llama_engine, seed=5)
    generator = SceneGenerator(chat, info=info, max_attempts=1, draft_chars=600)
    context = ToolContext(script=parse(DRAFT.read_text(encoding="utf-8")), bible=StoryBible(title="The Keeper's Daughter"))
    result = generator.generate({"count": 1, "act": 2, "characters": ["NORA", "SAM"]}, context)
    draft = result.data["drafts"][0]
    check = check_scene(draft["fountain"])
    assert check.valid and draft["repairs"] == [], draft
    assert set(check.characters) <= {"NORA", "SAM"} and check.characters
    assert junk_words(draft["fountain"].split("\n", 1)[1], frozenset({"NORA", "SAM"})) == []
