"""One draft's countable facts, computed once per revision: scenes with their citations, cast, acts, presence."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

from screenplay.bible import StoryBible, extract_bible
from screenplay.model import ElementType, Script
from screenplay.scope import Acts, find_acts
from screenplay.stats import ScriptStats, compute

# Words a cue may hold that name nobody ("HANDSOME MAN" is not "the man" in a question).
_GENERIC = {"the", "man", "woman", "boy", "girl", "guard", "band", "mr", "mrs", "ms", "dr", "old", "young", "big",
            "little", "and", "of", "voice", "narrator", "adult", "older", "teen", "kid", "elder", "all", "both", "minion", "waiter", "judge", "head"}


@dataclass(frozen=True)
class Citation:
    """A scene of the draft, as the writer reads it: "scene 7, INT. DINER - NIGHT"."""

    index: int  # 0-based position
    number: str  # the scene's own number, else its 1-based position
    heading: str

    def __str__(self) -> str:
        return f"scene {self.number}, {self.heading}"

    def to_dict(self) -> dict[str, str | int]:
        return {"scene": self.number, "heading": self.heading, "index": self.index}


def fingerprint(script: Script) -> str:
    """Changes whenever any scene's text does: the key the per-draft caches use."""
    digest = hashlib.blake2b(digest_size=12)
    for scene in script.scenes:
        digest.update(scene.text.encode("utf-8", "replace"))
        digest.update(b"\0")
    return digest.hexdigest()


class Draft:
    """Read-only view of a script for answering questions; build once per revision (see DraftAsker's cache)."""

    def __init__(self, script: Script):
        self.script = script
        self.key = fingerprint(script)
        # The scenes' texts now: a project may change its script in place later, and this view must not follow.
        self.scene_texts = tuple(scene.text for scene in script.scenes)

    @cached_property
    def scene_windows(self) -> list[list[str]]:
        """Each scene's embedding windows (see search.py)."""
        from agent.grounding.search import scene_windows

        return [scene_windows(scene) for scene in self.script.scenes]

    @property
    def windows(self) -> list[str]:
        return [w for ws in self.scene_windows for w in ws]

    @cached_property
    def stats(self) -> ScriptStats:
        return compute(self.script)

    @cached_property
    def acts(self) -> Acts:
        return find_acts(self.script)

    @cached_property
    def citations(self) -> list[Citation]:
        return [Citation(i, s.number, " ".join(s.heading.split())) for i, s in enumerate(self.stats.scenes)]

    @cached_property
    def bible(self) -> StoryBible:
        return extract_bible(self.script)

    @cached_property
    def cast(self) -> list[str]:
        """Speaking characters, most speeches first (ties: more scenes, then earlier entrance)."""
        order = {name: i for i, name in enumerate(self.script.characters)}
        chars = sorted(self.stats.characters, key=lambda c: (-c.lines, -len(c.scenes), order.get(c.name, 1 << 30)))
        return [c.name for c in chars]

    @cached_property
    def presence(self) -> dict[str, list[bool]]:
        """Character -> on screen per scene: speaks there, or is named in its action."""
        rows: dict[str, list[bool]] = {}
        for name in self.cast:
            words = self.name_words(name)
            pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
            row = []
            for scene in self.script.scenes:
                action = "\n".join(e.text for e in scene.elements if e.type is ElementType.ACTION)
                row.append(name in scene.characters or bool(pattern.search(action)))
            rows[name] = row
        return rows

    @cached_property
    def vocabulary(self) -> set[str]:
        """Every word of the draft, lower-cased: a name a model uses must be one of them."""
        text = " ".join([self.script.title, *self.script.title_page.values(), *(s.text for s in self.script.scenes)])
        return set(re.findall(r"[a-z0-9']+", text.lower()))

    def name_words(self, name: str) -> list[str]:
        words = [w for w in name.split() if w.lower() not in _GENERIC and len(w) > 1]
        return words or [name]  # "THE MAN" is matched only whole

    def characters_in(self, text: str) -> list[str]:
        """Cast names the text mentions, in order of mention. Each mention is one person: the longest cue written in
        full wins ("young Edward" is YOUNG EDWARD, "Edward" is EDWARD), then a cue sharing a word, most speeches first."""
        low = text.lower()
        by_spot: dict[int, tuple[int, int, int, str]] = {}  # position -> (not exact, cast rank, name)
        for rank, name in enumerate(self.cast):
            for word in dict.fromkeys([name, *self.name_words(name)]):
                for m in re.finditer(r"\b" + re.escape(word.lower()) + r"\b", low):
                    key = (0 if word == name else 1, -len(word), rank, name)
                    for spot in range(m.start(), m.end()):
                        if spot not in by_spot or key < by_spot[spot]:
                            by_spot[spot] = key
        first: dict[str, int] = {}
        for spot, (*_, name) in sorted(by_spot.items()):
            first.setdefault(name, spot)
        return sorted(first, key=first.get)

    def mentions(self, name: str, index: int) -> bool:
        """The scene speaks of the character anywhere (cue, action or someone's dialogue)."""
        text = self.script.scenes[index].text.lower()
        return any(re.search(r"\b" + re.escape(w.lower()) + r"\b", text) for w in [name, *self.name_words(name)])
