"""Scene-level comparison of two drafts: scenes added, removed, moved and changed, with the changed lines inside.

Scenes are paired by content before position: identical scenes first, then the most similar (same heading, shared
words), so a scene that moved is "moved", not removed and added. Of the paired scenes, those outside the longest
run kept in order are the moved ones. Lines are compared element by element (an action block, a speech, a cue).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from screenplay.model import ElementType, Scene, Script

ET = ElementType
STATUSES = ("added", "removed", "moved", "changed")  # what can happen to a scene, in the order a summary gives
_SIGNS = {"added": "+", "removed": "-", "moved": "~", "changed": "*"}
MATCH_THRESHOLD = 0.4  # below this two scenes are different scenes, one removed and one added
HEADING_WEIGHT = 0.35
MAX_PAIRS_SCORED = 250_000  # past this many unmatched pairs, only plausible ones are scored (see _pairs)
NEAR = 25
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_SKIPPED = (ET.PAGE_BREAK,)


@dataclass(frozen=True)
class LineChange:
    kind: str  # added | removed | changed
    element: str  # heading, action, dialogue, character, parenthetical, synopsis...
    old: str = ""
    new: str = ""
    speaker: str = ""  # for dialogue and parentheticals: who says it

    @property
    def who(self) -> str:
        return f"{self.speaker}: " if self.speaker else ""

    def sides(self) -> list[tuple[str, str]]:
        """What the line shows, as (sign, text): ("-", old) unless added, ("+", new) unless removed."""
        return [(sign, text) for sign, text, hidden in (("-", self.old, "added"), ("+", self.new, "removed"))
                if self.kind != hidden]

    def render(self) -> list[str]:
        return [f"  {sign} [{self.element}] {self.who}{text}" for sign, text in self.sides()]


@dataclass(frozen=True)
class SceneChange:
    status: str  # added | removed | moved | changed
    old_number: int | None  # 1-based position in the first draft
    new_number: int | None  # 1-based position in the second
    heading: str  # the heading in the second draft (the first, for a removed scene)
    lines: tuple[LineChange, ...] = ()  # for changed scenes, and moved scenes that also changed

    @property
    def where(self) -> str:
        """Where the scene is, in words: "scene 4", "was scene 2" (removed), "scene 2 → 4" (moved)."""
        if self.status == "moved":
            return f"scene {self.old_number} → {self.new_number}"
        return f"was scene {self.old_number}" if self.status == "removed" else f"scene {self.new_number}"

    def render(self) -> list[str]:
        number = self.old_number if self.status in ("removed", "moved") else self.new_number
        what = f"moved to {self.new_number}" if self.status == "moved" else self.status
        head = f"{_SIGNS[self.status]} Scene {number} {what}: {self.heading}"
        if self.status == "moved" and self.lines:
            head += f" ({len(self.lines)} line(s) changed)"
        return [head, *(text for line in self.lines for text in line.render())]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["lines"] = [asdict(line) for line in self.lines]
        return data


@dataclass(frozen=True)
class ScriptDiff:
    scenes: tuple[SceneChange, ...]
    unchanged: int  # scenes in both drafts, same place in the order, same text
    title_page: tuple[LineChange, ...] = field(default=())

    def of(self, status: str) -> list[SceneChange]:
        """The scenes ``status`` (one of STATUSES) describes."""
        return [s for s in self.scenes if s.status == status]

    @property
    def identical(self) -> bool:
        return not self.scenes and not self.title_page

    def summary(self) -> str:
        if self.identical:
            return "No changes."
        parts = [f"{len(self.of(status))} scene(s) {status}" for status in STATUSES if self.of(status)]
        if self.title_page:
            parts.append("title page changed")
        return ", ".join(parts) + f"; {self.unchanged} unchanged."

    def render(self) -> str:
        out = [self.summary()]
        if self.title_page:
            out.append("* Title page:")
            for line in self.title_page:
                out.extend(line.render())
        for scene in self.scenes:
            out.extend(scene.render())
        return "\n".join(out)

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "unchanged": self.unchanged,
                "scenes": [s.to_dict() for s in self.scenes],
                "title_page": [asdict(line) for line in self.title_page]}


@dataclass(frozen=True)
class _Line:
    element: str
    text: str
    speaker: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.element, self.speaker, self.text)


def _lines(scene: Scene) -> list[_Line]:
    out, speaker = [], ""
    for el in scene.elements:
        if el.type in _SKIPPED:
            continue
        if el.type is ET.CHARACTER:
            speaker = el.cue_name
        elif el.type not in (ET.DIALOGUE, ET.PARENTHETICAL, ET.LYRICS):
            speaker = ""
        who = speaker if el.type in (ET.DIALOGUE, ET.PARENTHETICAL, ET.LYRICS) else ""
        out.append(_Line(el.type.value, el.text, who))
    return out


def _signature(scene: Scene) -> tuple:
    return (scene.heading.text.strip(), tuple(line.key for line in _lines(scene)))


def _words(scene: Scene) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD_RE.findall(" ".join(line.text for line in _lines(scene))))


def _similarity(a: Scene, b: Scene, wa: frozenset[str], wb: frozenset[str]) -> float:
    same_heading = a.heading.text.strip().upper() == b.heading.text.strip().upper()
    union = wa | wb
    words = len(wa & wb) / len(union) if union else 1.0
    return HEADING_WEIGHT * same_heading + (1 - HEADING_WEIGHT) * words


def match_scenes(a: Script, b: Script) -> dict[int, int]:
    """Scene index in ``a`` -> index in ``b`` of the same scene (moved, edited or not), for every scene in both."""
    return _pairs(a.scenes, b.scenes)


def _pairs(old: list[Scene], new: list[Scene]) -> dict[int, int]:
    """old index -> new index for every scene found in both drafts."""
    pairs: dict[int, int] = {}
    by_signature: dict[tuple, list[int]] = {}
    for j, scene in enumerate(new):
        by_signature.setdefault(_signature(scene), []).append(j)
    for i, scene in enumerate(old):  # identical scenes, in order
        queue = by_signature.get(_signature(scene))
        if queue:
            pairs[i] = queue.pop(0)
    left_old = [i for i in range(len(old)) if i not in pairs]
    taken = set(pairs.values())
    left_new = [j for j in range(len(new)) if j not in taken]
    words_old = {i: _words(old[i]) for i in left_old}
    words_new = {j: _words(new[j]) for j in left_new}
    everything = len(left_old) * len(left_new) <= MAX_PAIRS_SCORED
    heading_of = {j: new[j].heading.text.strip().upper() for j in left_new}
    scored = sorted(
        ((_similarity(old[i], new[j], words_old[i], words_new[j]), -abs(i - j), i, j)
         for i in left_old for j in left_new
         # Two long, very different drafts: only scenes near their old place or under the same heading are scored.
         if everything or abs(i - j) <= NEAR or heading_of[j] == old[i].heading.text.strip().upper()),
        reverse=True,
    )
    used_old, used_new = set(), set()
    for score, _, i, j in scored:
        if score < MATCH_THRESHOLD:
            break
        if i in used_old or j in used_new:
            continue
        pairs[i] = j
        used_old.add(i)
        used_new.add(j)
    return pairs


def _kept_in_order(pairs: dict[int, int]) -> set[int]:
    """The old indices of the longest run of pairs whose new positions keep the old order (the rest moved)."""
    olds = sorted(pairs)
    seq = [pairs[i] for i in olds]
    # Longest increasing subsequence, O(n log n), with back links.
    import bisect

    tails: list[int] = []
    tail_at: list[int] = []
    prev = [-1] * len(seq)
    for k, value in enumerate(seq):
        pos = bisect.bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_at.append(k)
        else:
            tails[pos] = value
            tail_at[pos] = k
        prev[k] = tail_at[pos - 1] if pos else -1
    kept, k = set(), tail_at[-1] if tail_at else -1
    while k != -1:
        kept.add(olds[k])
        k = prev[k]
    return kept


def _line_changes(a: Scene, b: Scene) -> tuple[LineChange, ...]:
    out: list[LineChange] = []
    if a.heading.text.strip() != b.heading.text.strip():
        out.append(LineChange("changed", "heading", a.heading.text, b.heading.text))
    la, lb = _lines(a), _lines(b)
    matcher = difflib.SequenceMatcher(a=[x.key for x in la], b=[x.key for x in lb], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = la[i1:i2], lb[j1:j2]
        for k in range(max(len(olds), len(news))):
            o = olds[k] if k < len(olds) else None
            n = news[k] if k < len(news) else None
            if o is not None and n is not None and o.element == n.element:
                out.append(LineChange("changed", n.element, o.text, n.text, n.speaker or o.speaker))
            else:
                if o is not None:
                    out.append(LineChange("removed", o.element, old=o.text, speaker=o.speaker))
                if n is not None:
                    out.append(LineChange("added", n.element, new=n.text, speaker=n.speaker))
    return tuple(out)


def _title_changes(a: dict[str, str], b: dict[str, str]) -> tuple[LineChange, ...]:
    out = []
    for key in dict.fromkeys([*a, *b]):
        if a.get(key) != b.get(key):
            kind = "changed" if key in a and key in b else ("added" if key in b else "removed")
            out.append(LineChange(kind, f"title:{key}", a.get(key, ""), b.get(key, "")))
    return tuple(out)


def diff_scripts(a: Script, b: Script) -> ScriptDiff:
    """What changed from draft ``a`` to draft ``b``, scene by scene, in the order of ``b`` (removed scenes at their
    old place)."""
    pairs = _pairs(a.scenes, b.scenes)
    kept = _kept_in_order(pairs)
    changes: list[tuple[float, SceneChange]] = []
    unchanged = 0
    for i, j in pairs.items():
        lines = _line_changes(a.scenes[i], b.scenes[j])
        if i not in kept:
            changes.append((j, SceneChange("moved", i + 1, j + 1, b.scenes[j].heading.text, lines)))
        elif lines:
            changes.append((j, SceneChange("changed", i + 1, j + 1, b.scenes[j].heading.text, lines)))
        else:
            unchanged += 1
    matched_new = set(pairs.values())
    for j, scene in enumerate(b.scenes):
        if j not in matched_new:
            lines = tuple(LineChange("added", x.element, new=x.text, speaker=x.speaker) for x in _lines(scene))
            changes.append((j, SceneChange("added", None, j + 1, scene.heading.text, lines)))
    for i, scene in enumerate(a.scenes):
        if i not in pairs:
            # At its old place: just before where the next surviving scene now is.
            after = [pairs[k] for k in range(i + 1, len(a.scenes)) if k in pairs]
            changes.append(((after[0] if after else len(b.scenes)) - 0.5,
                            SceneChange("removed", i + 1, None, scene.heading.text)))
    changes.sort(key=lambda item: item[0])
    return ScriptDiff(tuple(c for _, c in changes), unchanged, _title_changes(a.title_page, b.title_page))
