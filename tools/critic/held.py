"""Model notes held to the draft: each scene a note cites exists, each name it uses is the draft's, and it is
a whole sentence. The free tier's cited notes and the scaffold tier's one strength and weakness share this."""

from __future__ import annotations

import re
from dataclasses import dataclass

from screenplay.model import Script
from screenplay.stats import SceneStats
from tools.summarizer.facts import sentences
from tools.summarizer.faithful import ScriptFacts, bad_refs, unknown_names

_REF_RE = re.compile(r"\d+[A-Z]?")
# Words of the reader's trade a note may capitalise without naming anyone.
_TRADE_WORDS = frozenset({"act", "one", "two", "three", "four", "i", "ii", "iii", "iv", "pov", "int", "ext",
                          "v.o", "o.s", "cont'd", "sc", "scene", "scenes", "page", "pages", "the", "a", "an"})


def judge(text: str, cited: str | None, labels: set[str], facts: ScriptFacts) -> tuple[list[str], str | None]:
    """(the scenes a note cites, why it must be dropped or None); `cited` None: a line that cites no scene."""
    scenes = _REF_RE.findall(cited or "")
    if cited is not None and not scenes:
        return [], "cites no scene"
    missing = [s for s in scenes if s.upper() not in labels]
    if missing:
        return scenes, f"cites scene {', '.join(missing)}, which the draft does not have"
    for kind, ref in (r for sent in sentences(text) for r in bad_refs(sent, facts)):
        return scenes, f"mentions {ref}, which the draft does not have"
    strangers = [w for sent in sentences(text) for w in unknown_names(sent, facts)
                 if w.lower().strip(".") not in _TRADE_WORDS]
    if strangers:
        return scenes, f"names {', '.join(dict.fromkeys(strangers))}, who is not in the draft"
    if text.rstrip()[-1:] not in ".!?\"'”)":
        return scenes, "was cut off mid-sentence"
    return scenes, None


@dataclass(frozen=True)
class HeldNotes:
    """What a scaffold-tier note is checked against: the draft's facts and who is on screen in which scene."""

    facts: ScriptFacts
    labels: frozenset[str]
    scenes: tuple[SceneStats, ...]

    @classmethod
    def of(cls, script: Script, labels: list[str], pages: int, scenes: list[SceneStats]) -> "HeldNotes":
        return cls(ScriptFacts.of(script, labels, pages), frozenset(x.upper() for x in labels), tuple(scenes))

    def judge(self, text: str) -> str | None:
        return judge(text, None, set(self.labels), self.facts)[1]

    def cast_note(self, text: str) -> tuple[list[str], str | None]:
        """(the scenes of the characters the note names, or why it is dropped): a small model's note cites
        nothing itself, so it cites where the draft's people it names appear, and a note naming no one cites
        nothing rather than borrowing the program's scenes."""
        why = self.judge(text)
        if why:
            return [], why
        words = {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'.-]+", text)}
        named = [s.number for s in self.scenes
                 if any(w.lower() in words for name in s.characters for w in name.split() if len(w) > 2)]
        return list(dict.fromkeys(named))[:4], None
