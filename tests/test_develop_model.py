"""The development ladder on the real embedded SmolLM2-135M, kept short: a two-character cast, the three-act
outline and one drafted scene, each answer capped at a few dozen tokens."""

from __future__ import annotations

import pytest

from screenplay.formats.fountain import parse
from tools.develop import StoryEngine
from tools.develop.document import to_fountain
from tools.generator import SceneGenerator
from tools.scene_scoring import check_scene

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]


def test_embedded_model_develops_an_outline_and_a_scene_with_the_program_holding_the_structure(embedded_engine,
                                                                                                one_thread):
    from agent.models.local import LocalChatModel

    chat = LocalChatModel(engine=embedded_engine, max_new_tokens=48, seed=7)
    engine = StoryEngine(chat, SceneGenerator(chat, extra_candidates=0, max_attempts=1), tier="scaffold", cast_size=2)
    story = engine.start("A lighthouse keeper hides a smuggler from the coast guard during a storm.")
    steps = engine.run(story, scenes=1)
    assert story.title.text and 1 <= len(story.title.text.split()) <= 6
    assert len(story.characters) == 2 and all(c.want and c.flaw for c in story.characters)
    assert len(story.beats) == 8 and all(story.cards_of(b.id) for b in story.beats)
    # The model's own words were used somewhere, not only the program's fallbacks.
    assert any(b.source == "model" for b in story.beats) and sum(s.model_calls for s in steps) >= 19
    card = story.cards[0]
    draft = story.drafts[card.id]
    check = check_scene(draft.fountain)
    assert check.valid and check.heading == card.heading, (check.problems, draft.fountain)
    assert set(check.characters) <= set(story.names)
    assert set(parse(to_fountain(story)).characters) <= set(story.names)
