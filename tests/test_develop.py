"""The development ladder on a scripted model: both tiers, the checks against the level above, staleness and
renames, the records' round trips, the Fountain it produces and the project it is saved as."""

from __future__ import annotations

import pytest

from screenplay.formats.fountain import parse
from tests.develop_fake import StoryFake
from tools.develop import DevelopError, StoryEngine
from tools.develop.document import to_fountain
from tools.develop.records import Beat, Character, SceneCard, Story, Title
from tools.develop.structures import TEMPLATES
from tools.generator import SceneGenerator
from tools.scene_scoring import check_scene

LOGLINE = "A disgraced monk plans a heist on his own monastery to save it from closure."


def engine(tier: str = "scaffold", **fake: object) -> StoryEngine:
    model = StoryFake(**fake)
    return StoryEngine(model, SceneGenerator(model, extra_candidates=0), tier=tier)


def developed(tier: str = "scaffold", structure: str = "three-act", scenes: int | None = 3, **fake: object):
    eng = engine(tier, **fake)
    story = eng.start(LOGLINE, structure)
    steps = eng.run(story, scenes=scenes)
    return eng, story, steps


@pytest.mark.parametrize("tier", ["scaffold", "free"])
@pytest.mark.parametrize("structure", sorted(TEMPLATES))
def test_the_ladder_is_complete_on_both_tiers(tier, structure):
    eng, story, steps = developed(tier, structure)
    assert [s.level for s in steps] == ["title", "characters", "beats", "cards", "drafts"]
    assert story.title.text == "Vespers and Gold" and "Title:" in story.title.prompt
    assert len(story.beats) == len(TEMPLATES[structure])
    assert [b.name for b in story.beats] == [t.name for t in TEMPLATES[structure]]
    # Every beat has a card, every character is in some card, every card's people are in the cast.
    assert all(story.cards_of(b.id) for b in story.beats)
    assert {n for c in story.cards for n in c.who} == set(story.names)
    assert len(story.drafts) == 3
    for card in story.cards[:3]:
        draft = story.drafts[card.id]
        check = check_scene(draft.fountain)
        assert check.valid and check.heading == card.heading
        assert set(check.characters) <= set(story.names) and set(card.who) <= set(check.characters)
        assert card.what in draft.prompt  # the generator was asked for what the card says


def test_scaffold_tier_keeps_structure_in_the_program_and_each_prompt_beside_its_output():
    _, story, steps = developed("scaffold")
    names = story.names
    assert len(names) == 4 and [c.role for c in story.characters] == ["protagonist", "antagonist", "ally", "mentor"]
    assert all(c.source == "model" and c.want == "to save the monastery" for c in story.characters)
    # One small prompt per field of structure: a beat's prompt names its own beat and purpose.
    for beat in story.beats:
        assert f'"{beat.name}"' in beat.prompt and beat.purpose in beat.prompt
    # Places recur by name: four places over eight cards, the logline's monastery among them.
    assert "MONASTERY" in story.places and len(story.places) <= 4
    assert steps[2].model_calls == len(story.beats) and steps[2].fallbacks == 0


def test_free_tier_is_checked_against_the_level_above():
    eng, story, steps = developed("free", stranger="Zed")
    by_level = {s.level: s for s in steps}
    # The fake leaves out the last beat and its card: the engine notices and fills them the scaffold way.
    assert any("Resolution" in c for c in by_level["beats"].checks)
    assert story.beats[-1].text and story.beats[-1].source == "model"
    assert any("gave no card" in c for c in by_level["cards"].checks)
    # A stranger in a card's "Who:" is dropped, and said so.
    assert any("ZED not in the cast" in c for c in by_level["cards"].checks)
    assert all("ZED" not in c.who for c in story.cards)
    # The model's names are the cast, matched however a card writes them ("Hugo" is PRIOR HUGO).
    assert story.names == ["ANSELM", "PRIOR HUGO", "SISTER WREN", "KIT"]
    assert story.cards[0].who == ["ANSELM", "PRIOR HUGO"]


def test_cues_outside_the_cast_and_echoed_instructions_are_caught():
    _, story, steps = developed("scaffold", stranger="Zed", title="Two to four words, no quotes")
    assert story.title.source == "program" and story.title.text == "The Monastery"
    for draft in story.drafts.values():
        assert set(parse(draft.fountain).characters) <= set(story.names)
        # The stranger's line is kept, spoken by the scene's cast (the generator's recast) or as action.
        assert "I was never in your cast." in draft.fountain and "ZED" not in parse(draft.fountain).characters
        assert any("ZED, not in the cast" in r or "invented names" in r for r in draft.repairs)
    assert any("ZED" in c for c in steps[-1].checks)


def test_unusable_replies_fall_back_to_the_program():
    _, story, steps = developed("scaffold", scenes=0, broken=True)
    assert story.title.source == "program" and story.title.text == "The Monastery"
    assert all(c.source == "program" and c.want for c in story.characters)
    assert all(b.source == "program" and b.text for b in story.beats)
    assert sum(s.fallbacks for s in steps) > 0 and not story.drafts


def test_renaming_a_character_changes_it_everywhere_and_marks_dependents_stale():
    eng, story, _ = developed()
    hero = story.names[0]
    partner = story.cards[0].who[1]
    stale = eng.edit_character(story, partner.title(), new_name="Anselm")
    assert "ANSELM" in story.names and partner not in story.names
    fountain = to_fountain(story)
    assert partner not in fountain and partner.title() not in fountain
    assert "ANSELM" in parse(story.drafts["k1"].fountain).characters
    touched = {ref for level, ref, _ in stale if level == "cards"}
    assert touched == {c.id for c in story.cards if "ANSELM" in c.who}
    assert all(not c.stale for c in story.cards if "ANSELM" not in c.who)
    assert story.drafts["k1"].stale == f"{partner} is now ANSELM"
    with pytest.raises(DevelopError, match="already a character"):
        eng.edit_character(story, "Anselm", new_name=hero)


def test_regenerating_stale_rewrites_only_what_went_stale():
    eng, story, _ = developed()
    before = {c.id: c.prompt for c in story.cards}
    eng.edit_beat(story, 2, "The abbot announces the monastery will be sold at Easter.")
    assert story.beats[1].source == "writer"
    assert [(lvl, ref) for lvl, ref, _ in story.stale_items()] == [("cards", "k2"), ("drafts", "k2")]
    eng.regenerate_stale(story)
    assert story.stale_items() == []
    assert "sold at Easter" in story.cards[1].prompt  # the new card was written from the edited beat
    assert story.cards[1].what in story.drafts["k2"].prompt
    assert all(story.cards[i].prompt == before[f"k{i + 1}"] for i in (0, 2, 3))
    assert story.beats[1].text.startswith("The abbot")  # the writer's edit is kept


def test_a_want_change_of_the_protagonist_stales_the_beats_and_a_card_edit_its_draft():
    eng, story, _ = developed()
    eng.edit_character(story, story.names[0], want="to be forgiven")
    assert all(b.stale for b in story.beats) and all(c.stale for c in story.cards)
    eng.regenerate_stale(story)
    assert not story.stale_items() and "to be forgiven" in story.beats[0].prompt
    eng.edit_card(story, "k3", f"Place: the bell tower\nWho: {story.names[0]}, {story.names[2]}\nWhat: A bell rings.")
    assert story.cards[2].place == "BELL TOWER" and [lvl for lvl, *_ in story.stale_items()] == ["drafts"]
    with pytest.raises(DevelopError, match="not in the cast"):
        eng.edit_card(story, "k3", "Place: the cloister\nWho: Nobody Known\nWhat: Someone waits.")


def test_records_round_trip_and_refuse_what_they_cannot_read():
    _, story, _ = developed("free")
    again = Story.from_dict(story.to_dict())
    assert again.to_dict() == story.to_dict()
    c = story.characters[0]
    assert Character.from_string(c.to_string()).to_string() == c.to_string()
    card = story.cards[0]
    assert SceneCard.from_string(card.to_string(), like=card).to_string() == card.to_string()
    beat = story.beats[0]
    assert Beat.from_string(beat.to_string(), like=beat).text == beat.text
    assert Title.from_string('"Vespers"').text == "Vespers"
    with pytest.raises(DevelopError, match="Want"):
        Character.from_string("Name: Kit\nDescription: a novice")
    with pytest.raises(DevelopError, match="logline"):
        engine().start("a monk")
    with pytest.raises(DevelopError, match="three-act, save-the-cat, sequences"):
        engine().start(LOGLINE, "hero's journey")


def test_levels_come_in_order_and_drafts_a_few_at_a_time():
    eng = engine()
    story = eng.start(LOGLINE)
    with pytest.raises(DevelopError, match="write the level before cards"):
        eng.write(story, "cards")
    assert [eng.next(story).level for _ in range(4)] == ["title", "characters", "beats", "cards"]
    assert eng.next(story, drafts=2).level == "drafts" and list(story.drafts) == ["k1", "k2"]
    eng.next(story, drafts=10)
    assert story.level() == "done" and len(story.drafts) == len(story.cards)
    with pytest.raises(DevelopError, match="every level is written"):
        eng.next(story)


def test_the_story_is_a_valid_screenplay_with_its_outline():
    _, story, _ = developed(scenes=None)
    text = to_fountain(story)
    script = parse(text)
    assert script.title == "Vespers and Gold"
    assert [s.heading.text for s in script.scenes] == [c.heading for c in story.cards]
    assert "# ACT TWO" in text and f"= {story.cards[0].what}" in text
    assert set(script.characters) <= set(story.names)
