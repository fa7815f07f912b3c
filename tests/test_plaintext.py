"""Plain text: stage plays in their common layouts, and screenplay text handed to Fountain."""

from __future__ import annotations

import pytest

from screenplay.errors import ScriptImportError
from screenplay.formats import plaintext
from screenplay.model import ElementType

A, C, P, D = ElementType.ACTION, ElementType.CHARACTER, ElementType.PARENTHETICAL, ElementType.DIALOGUE

GUTENBERG = """The Project Gutenberg eBook of A Small Play
Title: A Small Play
Author: Ann Writer

*** START OF THE PROJECT GUTENBERG EBOOK A SMALL PLAY ***

A SMALL PLAY

Contents

ACT I
Scene I. A street.
Scene II. A house.

Dramatis Personæ

TOM, a baker.
CHORUS.
Citizens.

ACT I

SCENE I. A street.

 Enter Tom and Ann.

TOM.
Good morrow, Ann.
How fares the bread?

ANN.
[_Laughing._] It rises, Tom.

 [_Exit Ann._]

SCENE II. A house.

TOM.
Alone at last.

 Exeunt.

*** END OF THE PROJECT GUTENBERG EBOOK A SMALL PLAY ***

Project Gutenberg license text that must not appear.
"""

MOBY = """ACT I
SCENE I. A platform.

    Enter GUARD

GUARD

    Who's there?
    Stand and unfold.

    Enter Ghost

    Speak!

KING

    Peace.
"""

INLINE = """ACT I
Covent Garden at night.

THE MOTHER [on her daughter's right] Not so long. But he ought to have got us a cab.

THE DAUGHTER. Other people got cabs.

THE MOTHER. What could he have done?

Freddy rushes in out of the rain.

THE DAUGHTER. Well, haven't you got a cab?

NORA. [crossing the room] I am here. [She sits.] Truly.
"""

DOLLS = """ACT I

_[SCENE.—A room furnished comfortably.
It is winter.]_

NORA.
Hide the tree. _[To the PORTER, taking
out her purse.]_ How much?

PORTER.
Sixpence.
"""


def _els(scene) -> list[tuple[ElementType, str]]:  # noqa: ANN001
    return [(e.type, e.text) for e in scene.elements]


def test_gutenberg_play() -> None:
    script = plaintext.parse(GUTENBERG)
    assert script.source_format == "text"
    assert [s.heading.text for s in script.scenes] == ["ACT I, SCENE I. A street.",
                                                       "ACT I, SCENE II. A house."]
    assert script.title_page == {"Title": "A Small Play", "Author": "Ann Writer"}
    assert _els(script.scenes[0]) == [
        (A, "Enter Tom and Ann."),
        (C, "TOM"),
        (D, "Good morrow, Ann.\nHow fares the bread?"),
        (C, "ANN"),
        (P, "(Laughing.)"),
        (D, "It rises, Tom."),
        (A, "Exit Ann."),
    ]
    assert _els(script.scenes[1]) == [(C, "TOM"), (D, "Alone at last."), (A, "Exeunt.")]
    everything = "\n".join(s.text for s in script.scenes)
    assert "Gutenberg" not in everything and "license" not in everything
    assert "CHORUS" not in script.characters  # the dramatis personae is not a speech


def test_moby_layout_cue_over_indented_speech() -> None:
    script = plaintext.parse(MOBY)
    assert _els(script.scenes[0]) == [
        (A, "Enter GUARD"),
        (C, "GUARD"),
        (D, "Who's there?\nStand and unfold."),
        (A, "Enter Ghost"),
        (C, "GUARD"),
        (D, "Speak!"),
        (C, "KING"),
        (D, "Peace."),
    ]
    resumed = script.scenes[0].elements[4]
    assert resumed.extensions == ("CONT'D",)


def test_inline_cues_shaw_and_period_styles() -> None:
    script = plaintext.parse(INLINE)
    assert [s.heading.text for s in script.scenes] == ["ACT I"]
    els = _els(script.scenes[0])
    assert els[:4] == [(A, "Covent Garden at night."), (C, "THE MOTHER"),
                       (P, "(on her daughter's right)"),
                       (D, "Not so long. But he ought to have got us a cab.")]
    assert (A, "Freddy rushes in out of the rain.") in els
    assert els[-5:] == [(C, "NORA"), (P, "(crossing the room)"), (D, "I am here."),
                        (P, "(She sits.)"), (D, "Truly.")]
    assert script.characters == ["THE MOTHER", "THE DAUGHTER", "NORA"]


def test_multiline_directions_standalone_and_inline() -> None:
    script = plaintext.parse(DOLLS)
    assert _els(script.scenes[0]) == [
        (A, "SCENE.—A room furnished comfortably.\nIt is winter."),
        (C, "NORA"),
        (D, "Hide the tree."),
        (P, "(To the PORTER, taking out her purse.)"),
        (D, "How much?"),
        (C, "PORTER"),
        (D, "Sixpence."),
    ]


def test_screenplay_text_goes_to_fountain() -> None:
    script = plaintext.parse("INT. DINER - NIGHT\n\nCoffee.\n\nTOM\nHello.\n")
    assert script.source_format == "text"
    assert [s.heading.text for s in script.scenes] == ["INT. DINER - NIGHT"]
    assert script.characters == ["TOM"]
    assert not plaintext.looks_like_stage_play("INT. DINER - NIGHT\n\nACT I\n")


def test_empty_text_and_play_without_speech_are_refused() -> None:
    with pytest.raises(ScriptImportError, match="empty"):
        plaintext.parse("  \n\n")
    with pytest.raises(ScriptImportError, match="no scenes"):
        plaintext.parse("*** START OF THE PROJECT GUTENBERG EBOOK X ***\nJust prose here.\n")
