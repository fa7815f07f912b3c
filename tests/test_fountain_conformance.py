"""Fountain conformance: the examples of the syntax guide (fountain.io/syntax), each with the exact
element sequence it must read as.

Every element type and forced variant of the guide is here. Where the guide is silent, the test
says what we do and why (most editors' behaviour). The cases at the end are the ones that once lost
a scene or leaked markup.
"""

from __future__ import annotations

import pytest

from screenplay.formats import fountain
from screenplay.formats.layout import Run, parse_emphasis
from screenplay.model import ElementType, Script


def seq(script: Script) -> list[tuple]:
    """The script as a flat list: (kind, text) per element, headings included, in reading order.

    A forced element's kind ends in "!" (lyrics are always forced, so they do not); a cue's text
    carries its extensions and "^"; a heading's carries its number as "#12#"; a section's its level.
    """
    out: list[tuple] = []

    def add(elements):
        for el in elements:
            kind = el.type.value + ("!" if el.forced and el.type is not ElementType.LYRICS else "")
            text = el.text
            if el.type is ElementType.CHARACTER:
                text = " ".join([el.text, *(f"({e})" for e in el.extensions)]) + (" ^" if el.dual else "")
            if el.type is ElementType.SECTION:
                text = "#" * el.level + " " + text
            out.append((kind, text))

    add(script.preamble)
    for scene in script.scenes:
        h = scene.heading
        out.append(("heading" + ("!" if h.forced else ""), h.text + (f" #{h.number}#" if h.number else "")))
        add(scene.elements)
    return out


def read(text: str) -> list[tuple]:
    return seq(fountain.parse(text))


CASES = {
    # ------------------------------------------------------------------ scene headings
    "scene heading": (
        "EXT. BRICK'S PATIO - DAY\n\nA gorgeous day.  The sun is shining.\n",
        [("heading", "EXT. BRICK'S PATIO - DAY"), ("action", "A gorgeous day.  The sun is shining.")],
    ),
    "every heading prefix": (
        "INT. A\n\nEXT. B\n\nEST. C\n\nINT./EXT. D\n\nINT/EXT E\n\nI/E F\n",
        [("heading", "INT. A"), ("heading", "EXT. B"), ("heading", "EST. C"),
         ("heading", "INT./EXT. D"), ("heading", "INT/EXT E"), ("heading", "I/E F")],
    ),
    "forced scene heading": (
        ".SNIPER SCOPE POV\n\nFrom what seems like only INCHES AWAY.\n",
        [("heading!", "SNIPER SCOPE POV"), ("action", "From what seems like only INCHES AWAY.")],
    ),
    "a leading ellipsis is not a forced heading": (  # the guide: "." must be followed by an alphanumeric
        "...and then the lights go out.\n",
        [("action", "...and then the lights go out.")],
    ),
    "scene numbers": (
        "INT. HOUSE - DAY #1#\n\nINT. HOUSE - DAY #1A#\n\nINT. HOUSE - DAY #1a#\n\nINT. HOUSE - DAY #A1#\n\n"
        "INT. HOUSE - DAY #I-1-A#\n\nINT. HOUSE - DAY #1.#\n\nINT. HOUSE - DAY - FLASHBACK (1944) #110A#\n",
        [("heading", "INT. HOUSE - DAY #1#"), ("heading", "INT. HOUSE - DAY #1A#"),
         ("heading", "INT. HOUSE - DAY #1a#"), ("heading", "INT. HOUSE - DAY #A1#"),
         ("heading", "INT. HOUSE - DAY #I-1-A#"), ("heading", "INT. HOUSE - DAY #1.#"),
         ("heading", "INT. HOUSE - DAY - FLASHBACK (1944) #110A#")],
    ),
    # ------------------------------------------------------------------ action
    "action keeps its line breaks and indentation": (
        "They drink long and well from the beers.\n\nAnd then there's a long beat.\nLonger than is funny.\n"
        "\n          Tom lifts the card.\n",
        [("action", "They drink long and well from the beers."),
         ("action", "And then there's a long beat.\nLonger than is funny."),
         ("action", "          Tom lifts the card.")],
    ),
    "forced action": (
        "!SCANNING THE AISLES...\n\n!TO BE CONTINUED TO:\n",
        [("action!", "SCANNING THE AISLES..."), ("action!", "TO BE CONTINUED TO:")],
    ),
    "upper-case action followed by text is not a cue when a blank line follows it": (
        "SOMETHING BIG\n\nhappens.\n",
        [("action", "SOMETHING BIG"), ("action", "happens.")],
    ),
    # ------------------------------------------------------------------ characters and dialogue
    "character and dialogue": (
        "STEEL\nThe man's a myth!\n",
        [("character", "STEEL"), ("dialogue", "The man's a myth!")],
    ),
    "character extensions": (
        "MOM (O. S.)\nLuke! Come down for supper!\n\nHANS (on the radio)\nWhat was it you said?\n",
        [("character", "MOM (O. S.)"), ("dialogue", "Luke! Come down for supper!"),
         ("character", "HANS (ON THE RADIO)"), ("dialogue", "What was it you said?")],
    ),
    "forced character with lower case": (
        "@McCLANE\nYippie ki-yay! I got my lower-case C back!\n",
        [("character!", "McCLANE"), ("dialogue", "Yippie ki-yay! I got my lower-case C back!")],
    ),
    "a cue needs a letter": (
        "R2D2\nBeep.\n\n23\nSkidoo.\n",
        [("character", "R2D2"), ("dialogue", "Beep."), ("action", "23\nSkidoo.")],
    ),
    "parenthetical": (
        "STEEL\n(starting the engine)\nSo much for retirement!\n",
        [("character", "STEEL"), ("parenthetical", "(starting the engine)"),
         ("dialogue", "So much for retirement!")],
    ),
    "dual dialogue": (
        "BRICK\nScrew retirement.\n\nSTEEL ^\nScrew retirement.\n",
        [("character", "BRICK"), ("dialogue", "Screw retirement."),
         ("character", "STEEL ^"), ("dialogue", "Screw retirement.")],
    ),
    "two spaces keep an empty line inside a speech": (
        "DEALER\nTen.\nFour.\nDealer gets a seven.\n  \nHit or stand sir?\n\nMONKEY\nDude, I'm a monkey.\n",
        [("character", "DEALER"), ("dialogue", "Ten.\nFour.\nDealer gets a seven.\n\nHit or stand sir?"),
         ("character", "MONKEY"), ("dialogue", "Dude, I'm a monkey.")],
    ),
    "lyrics inside a speech": (
        "CHARLIE\n~Willy Wonka! Willy Wonka!\n~The amazing chocolatier!\n",
        [("character", "CHARLIE"), ("lyrics", "Willy Wonka! Willy Wonka!\nThe amazing chocolatier!")],
    ),
    # ------------------------------------------------------------------ transitions, centered, lyrics
    "transition": (
        "Jack begins to argue vociferously in Vietnamese.\n\nCUT TO:\n\nEXT. BRICK'S GARAGE - DAY\n",
        [("action", "Jack begins to argue vociferously in Vietnamese."), ("transition", "CUT TO:"),
         ("heading", "EXT. BRICK'S GARAGE - DAY")],
    ),
    "forced transition": (
        "> Burn to White.\n",
        [("transition!", "Burn to White.")],
    ),
    "without a blank line after it, a transition shape is a cue": (  # the guide's rule for characters
        "CUT TO:\nthe chase\n",
        [("character", "CUT TO:"), ("dialogue", "the chase")],
    ),
    "centered": (
        ">THE END<\n\n> BRICK & STEEL <\n> FULL RETIRED <\n",
        [("centered", "THE END"), ("centered", "BRICK & STEEL\nFULL RETIRED")],
    ),
    "lyrics": (
        "~Willy Wonka! Willy Wonka! The amazing chocolatier!\n~Willy Wonka! Willy Wonka! Everybody give a cheer!\n",
        [("lyrics", "Willy Wonka! Willy Wonka! The amazing chocolatier!\n"
                    "Willy Wonka! Willy Wonka! Everybody give a cheer!")],
    ),
    # ------------------------------------------------------------------ page breaks, sections, synopses
    "page break": (
        "The General Lee flies through the air.\n\n===\n\nEXT. HOUSE - DAY\n",
        [("action", "The General Lee flies through the air."), ("page_break", ""), ("heading", "EXT. HOUSE - DAY")],
    ),
    "page break of more equals signs, between centered act cards": (
        ">**End of Act One**<\n\n=====\n\n>**Act Two**<\n",
        [("centered", "**End of Act One**"), ("page_break", ""), ("centered", "**Act Two**")],
    ),
    "sections": (
        "# Act\n\n## Sequence\n\n### Scene\n\n## Another Sequence\n\n# Another Act\n",
        [("section", "# Act"), ("section", "## Sequence"), ("section", "### Scene"),
         ("section", "## Another Sequence"), ("section", "# Another Act")],
    ),
    "synopses": (
        "# ACT I\n\n= Set up the characters and the story.\n\nEXT. BRICK'S PATIO - DAY\n\n"
        "= This scene sets up Brick & Steel's new life as retirees.\n\nA gorgeous day.\n",
        [("section", "# ACT I"), ("synopsis", "Set up the characters and the story."),
         ("heading", "EXT. BRICK'S PATIO - DAY"),
         ("synopsis", "This scene sets up Brick & Steel's new life as retirees."), ("action", "A gorgeous day.")],
    ),
    # ------------------------------------------------------------------ notes
    "notes inline and on their own line": (
        "INT. TRAILER HOME - DAY\n\nThis is the home of THE BOY BAND, AKA DAN and JACK[[Or did we think of "
        "actual names for these guys?]].  They too are drinking beer.\n\n"
        "[[It was supposed to be Vietnamese, right?]]\n\nJACK\n(in Vietnamese, subtitled)\n"
        "*Did you know Brick and Steel are retired?*\n",
        [("heading", "INT. TRAILER HOME - DAY"),
         ("action", "This is the home of THE BOY BAND, AKA DAN and JACK.  They too are drinking beer."),
         ("note", "Or did we think of actual names for these guys?"),
         ("note", "It was supposed to be Vietnamese, right?"),
         ("character", "JACK"), ("parenthetical", "(in Vietnamese, subtitled)"),
         ("dialogue", "*Did you know Brick and Steel are retired?*")],
    ),
    "a note over several lines, kept whole by two spaces": (
        "His hand is an inch from the receiver when the phone RINGS.[[This section needs work.\n"
        "Either that, or I need coffee.\n  \nDefinitely coffee.]] He looks around.\n",
        [("action", "His hand is an inch from the receiver when the phone RINGS. He looks around."),
         ("note", "This section needs work.\nEither that, or I need coffee.\n  \nDefinitely coffee.")],
    ),
    "a note does not cross a blank line": (  # the guide: a blank line ends it; the opener stays text
        "Text [[not a note\n\nstill text]] here.\n",
        [("action", "Text [[not a note"), ("action", "still text]] here.")],
    ),
    # ------------------------------------------------------------------ boneyard
    "boneyard inside a line": (
        "Hello /* hidden */ world.\n",
        [("action", "Hello  world.")],
    ),
    "boneyard across paragraphs: the guide's example": (
        "COGNITO\nEveryone's coming after you mate!\n\nAs he rattles off the long list, Brick and Steel share "
        "a look.  This is going to be BAD.\n\nCUT TO:\n/*\nINT. GARAGE - DAY\n\nBRICK and STEEL get into "
        "Mom's PORSCHE.\n\nBRICK\nThis is everybody we've ever put away.\n\nCUT TO:\n*/\n"
        "EXT. PALATIAL MANSION - DAY\n\nAn EXTREMELY HANDSOME MAN drinks a beer.\n",
        [("character", "COGNITO"), ("dialogue", "Everyone's coming after you mate!"),
         ("action", "As he rattles off the long list, Brick and Steel share a look.  This is going to be BAD."),
         ("transition", "CUT TO:"), ("heading", "EXT. PALATIAL MANSION - DAY"),
         ("action", "An EXTREMELY HANDSOME MAN drinks a beer.")],
    ),
    "nested boneyard": (  # the guide is silent; nesting hides all of it instead of printing "*/"
        "Before. /* outer /* inner */ still hidden */ After.\n",
        [("action", "Before.  After.")],
    ),
    "unclosed boneyard stays text": (
        "A /* never closed.\n",
        [("action", "A /* never closed.")],
    ),
}


@pytest.mark.parametrize("text, expected", CASES.values(), ids=CASES.keys())
def test_guide_example_reads_as_expected(text, expected):
    assert read(text) == expected


def test_round_trip_of_every_example():
    for text, expected in CASES.values():
        assert read(fountain.render(fountain.parse(text))) == expected, text


# ---------------------------------------------------------------------------- title page, emphasis


def test_title_page_with_multi_line_values():
    script = fountain.parse(
        "Title:\n\t_**BRICK & STEEL**_\n\t_**FULL RETIRED**_\nCredit: Written by\nAuthor: Stu Maschwitz\n"
        "Source: Story by KTM\nDraft date: 1/20/2012\nContact:\n\tNext Level Productions\n\t1588 Mission Dr.\n"
        "\tSolvang, CA 93463\n\nEXT. BRICK'S PATIO - DAY\n"
    )
    assert script.title_page == {
        "Title": "_**BRICK & STEEL**_\n_**FULL RETIRED**_",
        "Credit": "Written by",
        "Author": "Stu Maschwitz",
        "Source": "Story by KTM",
        "Draft date": "1/20/2012",
        "Contact": "Next Level Productions\n1588 Mission Dr.\nSolvang, CA 93463",
    }
    assert seq(script) == [("heading", "EXT. BRICK'S PATIO - DAY")]


def test_a_note_above_the_title_page_keeps_the_title_page():
    """The guide puts the title page first; editors accept a note above it, and so do we."""
    script = fountain.parse("[[first draft, do not send]]\nTitle: Big Fish\nAuthor: John August\n\nINT. A - DAY\n")
    assert script.title_page == {"Title": "Big Fish", "Author": "John August"}
    assert seq(script) == [("note", "first draft, do not send"), ("heading", "INT. A - DAY")]


@pytest.mark.parametrize("markup, runs", [
    ("*italics*", [Run("italics", italic=True)]),
    ("**bold**", [Run("bold", bold=True)]),
    ("***bold italics***", [Run("bold italics", bold=True, italic=True)]),
    ("_underline_", [Run("underline", underline=True)]),
    ("From INCHES AWAY.  _Steel's face FILLS the *Leupold Mark 4* scope_.", [
        Run("From INCHES AWAY.  "), Run("Steel's face FILLS the ", underline=True),
        Run("Leupold Mark 4", italic=True, underline=True), Run(" scope", underline=True), Run("."),
    ]),
    ("Steel enters the code: \\*9765\\*", [Run("Steel enters the code: *9765*")]),
    ("He dialed *69 and then *23, and then hung up.", [Run("He dialed "), Run("69 and then ", italic=True),
                                                        Run("23, and then hung up.")]),
    ("A lone * stays a star.", [Run("A lone * stays a star.")]),
])
def test_emphasis(markup, runs):
    assert parse_emphasis(markup) == runs


# ---------------------------------------------------------------------------- once lost a scene


def test_trailing_spaces_after_to_keep_a_line_action():
    """The guide: "NOT A TRANSITION TO:" followed by spaces is action (a way to force it)."""
    assert read("Something happens.\n\nNOT A TRANSITION TO:   \n\nINT. A - DAY\n") == [
        ("action", "Something happens."), ("action!", "NOT A TRANSITION TO:"), ("heading", "INT. A - DAY")]


def test_a_lyric_line_inside_an_action_paragraph_is_a_lyric():
    assert read("The band plays.\n~We all live in a yellow submarine\nThe crowd sways.\n") == [
        ("action", "The band plays."), ("lyrics", "We all live in a yellow submarine"),
        ("action", "The crowd sways.")]


def test_counts_by_element_type():
    """Every element type the model has is exercised by at least two of the guide's examples."""
    counts: dict[str, int] = {}
    for _, expected in CASES.values():
        for kind, _text in expected:
            counts[kind.rstrip("!")] = counts.get(kind.rstrip("!"), 0) + 1
    assert set(counts) == {t.value for t in ElementType} | {"heading"}
    assert min(counts.values()) >= 2, counts
