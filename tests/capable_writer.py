"""A scripted stand-in for a capable model on the generator's free tier: it answers scene prompts with complete,
professional Fountain scenes in the prompt's own cast and heading, and on a schedule with the malformed answers
strong models still give (no heading, lower-case cues, an invented character, a scene cut off mid-line).

``sent`` records (kind, text) for every answer, so a test or bench knows which answers were good.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from agent.models.fake import ScriptedChatModel

GOOD = "good"
NO_HEADING = "missing heading"
LOWER_CUES = "lower-case cues"
INVENTED = "invented character"
TRUNCATED = "truncated"
KINDS = (GOOD, NO_HEADING, LOWER_CUES, INVENTED, TRUNCATED)

# Three scene shapes a professional would write; {A}, {B} are the cast, {H} the heading, {a}, {b} first names.
SCENES = (
    """{H}

Rain needles the window. {A} sits with a shoebox of receipts, a pencil behind one ear. {B} stands in the doorway, coat still dripping.

{A}
You said six.

{B}
I said six-ish.

{A}
(not looking up)
It's nine, {b}.

{B} crosses, sets a paper bag on the table. The smell of fried onions.

{B}
Peace offering.

{A}
Peace costs more than a sandwich.

{B}
Then I'll owe you the rest.

{A} finally looks up. Almost a smile. Almost.

CUT TO:""",
    """{H}

Dawn. Gulls argue over a torn net. {B} coils rope with slow, practiced hands. {A} arrives breathless, holding a folded letter.

{A}
They want the boat back by Friday.

{B}
They can want.

{A}
{b}, it's signed. There's a stamp.

{B}
(still coiling)
My father paid for that hull with his knees.

{A} holds the letter out. {B} doesn't take it.

{A}
Then help me find a way to keep it.

{B} sets the rope down at last.

{B}
Read it to me. Slowly.""",
    """{H}

A single bulb swings over a workbench crowded with half-mended radios. {A} solders a wire, squinting. {B} leans on the frame, arms folded.

{B}
You've been down here two days.

{A}
Three. Who's counting.

{B}
Mom is. She's counting plates.

{A}
(sparks fly; a wince)
Tell her I'm close.

{B}
Close to what?

{A} flips a switch. Static, then, faintly, a voice singing in another language.

{A}
To that.

They listen. Neither moves.""",
)

_HEADING_RE = re.compile(r"^Scene heading:\s*(.+)$", re.MULTILINE)
_CAST_RE = re.compile(r"^Characters who speak:\s*(.+?)\s*\(no one else speaks\)\.?$", re.MULTILINE)


def _first(name: str) -> str:
    return name.split()[0].title()


class CapableWriter(ScriptedChatModel):
    """Answers free-tier scene prompts; ``schedule`` is the kinds of answer, in turn (repeated)."""

    schedule: tuple[str, ...] = KINDS
    sent: list[tuple[str, str]] = Field(default_factory=list)
    turn: int = 0

    def reply(self, messages: list[BaseMessage]) -> AIMessage:
        prompt = str(messages[-1].content)
        heading = (_HEADING_RE.search(prompt) or [None, "INT. KITCHEN - NIGHT"])[1].strip()
        found = _CAST_RE.search(prompt)
        cast = [c.strip() for c in found.group(1).split(",")] if found else ["MAYA", "LEO"]
        a, b = cast[0], cast[1] if len(cast) > 1 else cast[0]
        kind = self.schedule[self.turn % len(self.schedule)]
        shape = SCENES[(self.turn // len(self.schedule) + self.turn) % len(SCENES)]
        self.turn += 1
        text = shape.format(H=heading, A=a, B=b, a=_first(a), b=_first(b))
        text = malform(text, kind, a, b)
        self.sent.append((kind, text))
        return AIMessage(content=text)


def malform(text: str, kind: str, a: str, b: str) -> str:
    """``text`` broken the way ``kind`` says."""
    if kind == NO_HEADING:
        return text.split("\n\n", 1)[1]
    if kind == LOWER_CUES:
        return re.sub(rf"(?m)^{re.escape(b)}$", _first(b), text)
    if kind == INVENTED:
        return re.sub(rf"(?m)^{re.escape(b)}$", "MR. VOSKUIJLEN", text)
    if kind == TRUNCATED:
        cut = text.rfind("\n\n")
        # Stop mid-speech: the next block's cue and half its line.
        rest = text[cut + 2:]
        return text[:cut] + "\n\n" + f"{a}\nAnd another thing, you never" if rest else text
    return text


def sent_kinds(model: Any) -> list[str]:
    return [kind for kind, _ in model.sent]
