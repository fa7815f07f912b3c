"""Numbers about a draft on the document model: balance, lengths, who speaks, where, and the emotional arc."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from screenplay import stats as script_stats
from screenplay.model import ElementType, Script
from screenplay.scope import Acts, find_acts
from tools.critic.sentiment import SceneSentiment, script_sentiment


@dataclass
class Analytics:
    stats: script_stats.ScriptStats
    sentiment: list[SceneSentiment]
    positions: list[float]  # where each scene starts, as a fraction of the script (0..1)
    acts: Acts
    presence: dict[str, list[bool]]  # character -> on screen (speaks or is named in action) per scene
    labels: list[str] = field(default_factory=list)  # scene labels as writers cite them ("12", "12A")

    @property
    def dialogue_share(self) -> dict[str, float]:
        total = self.stats.dialogue_words or 1
        share = {c.name: round(c.words / total, 3) for c in self.stats.characters}
        return dict(sorted(share.items(), key=lambda kv: -kv[1]))

    def page_of(self, index: int) -> int:
        return self.stats.scenes[index].page

    def to_dict(self) -> dict[str, Any]:
        st = self.stats
        total_eighths = sum(s.eighths for s in st.scenes) or 1
        return {
            **st.to_dict(),
            "dialogue_share": self.dialogue_share,
            "scene_lengths_eighths": [s.eighths for s in st.scenes],
            "longest_scenes": [
                {"scene": s.number, "page": s.page, "length": s.length}
                for s in sorted(st.scenes, key=lambda s: -s.eighths)[:5]
            ],
            "act_balance": _act_balance(self, total_eighths),
            "acts_source": self.acts.source,
            "sentiment": [
                {"scene": lab, "page": s.page, "position": round(p, 3), **sent.to_dict()}
                for lab, s, p, sent in zip(self.labels, st.scenes, self.positions, self.sentiment)
            ],
            "presence": {name: [lab for lab, on in zip(self.labels, row) if on] for name, row in self.presence.items()},
        }


def act_balance(a: Analytics) -> list[dict[str, Any]]:
    """Scenes, pages and share of the script per act."""
    return _act_balance(a, sum(s.eighths for s in a.stats.scenes) or 1)


def _act_balance(a: Analytics, total_eighths: int) -> list[dict[str, Any]]:
    bounds = [0, *a.acts.starts, len(a.stats.scenes)]
    out = []
    for n, (lo, hi) in enumerate(zip(bounds, bounds[1:]), start=1):
        eighths = sum(s.eighths for s in a.stats.scenes[lo:hi])
        out.append({"act": n, "scenes": hi - lo, "pages": round(eighths / 8, 1), "share": round(eighths / total_eighths, 3)})
    return out


def _positions(st: script_stats.ScriptStats) -> list[float]:
    total = sum(s.eighths for s in st.scenes) or 1
    out, acc = [], 0
    for s in st.scenes:
        out.append(acc / total)
        acc += s.eighths
    return out


def _presence(script: Script, names: list[str]) -> dict[str, list[bool]]:
    patterns = {n: re.compile(r"\b" + re.escape(n) + r"\b", re.IGNORECASE) for n in names}
    rows: dict[str, list[bool]] = {n: [] for n in names}
    for scene in script.scenes:
        speakers = set(scene.characters)
        action = "\n".join(e.text for e in scene.elements if e.type is ElementType.ACTION)
        for n in names:
            rows[n].append(n in speakers or bool(patterns[n].search(action)))
    return rows


def measure(script: Script, *, max_characters: int = 12) -> Analytics:
    """The counted analytics (lengths, acts, who speaks and is present) without the emotional arc."""
    st = script_stats.compute(script)
    positions = _positions(st)
    names = [c.name for c in st.characters[:max_characters]]
    return Analytics(
        stats=st,
        sentiment=[],
        positions=positions,
        acts=find_acts(script),
        presence=_presence(script, names),
        labels=[s.number for s in st.scenes],
    )


def analyze(script: Script, analyzer: Any, *, max_characters: int = 12) -> Analytics:
    a = measure(script, max_characters=max_characters)
    a.sentiment = script_sentiment(script, analyzer)
    return a
