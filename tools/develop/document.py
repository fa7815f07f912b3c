"""A developed Story as an ordinary screenplay: Fountain with a title page, acts as sections, each beat's card as
a synopsis line above its scene, and the drafted scenes (or, for cards not drafted yet, their heading alone)."""

from __future__ import annotations

from screenplay.formats.fountain import parse
from screenplay.model import Script
from tools.develop.records import Story

_ACT_WORDS = {1: "ONE", 2: "TWO", 3: "THREE", 4: "FOUR", 5: "FIVE"}


def to_fountain(story: Story) -> str:
    parts: list[str] = []
    title = story.title.text if story.title else "Untitled"
    parts.append(f"Title: {title}\nCredit: developed from a logline\nNotes: {story.logline.text}")
    for act, beats in story.acts():
        parts.append(f"# ACT {_ACT_WORDS.get(act, str(act))}")
        for beat in beats:
            parts.append(f"## {beat.name}\n\n= {beat.text}")
            for card in story.cards_of(beat.id):
                draft = story.drafts.get(card.id)
                scene = draft.fountain.strip() if draft else card.heading
                # The card sits as a synopsis under the heading: Fountain keeps it, printed pages do not show it.
                heading, _, body = scene.partition("\n")
                parts.append(f"{heading}\n\n= {card.what}" + (f"\n{body.rstrip()}" if body.strip() else ""))
    return "\n\n".join(parts).strip() + "\n"


def to_script(story: Story) -> Script:
    return parse(to_fountain(story))
