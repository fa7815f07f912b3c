"""Answers to "how do the pages divide among the characters?" and the like, from the critic's analytics.

The numbers come from screenplay.stats (pages by the standard layout, lengths in eighths) through
tools.critic.analytics.measure (acts, presence); nothing here is estimated by a model.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screenplay.model import Script
from tools.critic.analytics import Analytics, act_balance, measure
from tools.schemas import STATS_TOPICS


@dataclass
class StatsAnswer:
    topic: str
    text: str  # Markdown: the numbers, in sentences and a short table
    numbers: dict[str, Any]  # the same numbers, JSON-serialisable
    plots: dict[str, str] = field(default_factory=dict)  # chart name -> PNG path


def _pct(n: float, total: float) -> str:
    return f"{100 * n / total:.0f}%" if total else "0%"


def _eighths(n: int) -> str:
    whole, rest = divmod(n, 8)
    return (f"{whole} {rest}/8" if whole and rest else f"{rest}/8" if rest else str(whole)) + " p"


def _characters(a: Analytics) -> tuple[list[str], dict[str, Any]]:
    st = a.stats
    total = st.dialogue_words or 1
    scenes = len(st.scenes) or 1
    rows = []
    for c in sorted(st.characters, key=lambda c: -c.words)[:10]:
        present = sum(a.presence.get(c.name, [])) or len(c.scenes)
        rows.append({"name": c.name, "speeches": c.lines, "words": c.words, "share": round(c.words / total, 3),
                     "scenes": present})
    lines = []
    if rows:
        top = rows[0]
        lines.append(f"**{top['name']}** has the most dialogue: {_pct(top['words'], total)} of {st.dialogue_words} "
                     f"words, in {top['speeches']} speeches, on screen in {top['scenes']} of {scenes} scenes.")
        lines += ["", "| character | dialogue | words | speeches | scenes |", "|---|---|---|---|---|"]
        lines += [f"| {r['name']} | {_pct(r['words'], total)} | {r['words']} | {r['speeches']} | {r['scenes']} |"
                  for r in rows]
    else:
        lines.append("Nobody speaks in this draft yet: there are no character cues.")
    return lines, {"characters": rows, "dialogue_words": st.dialogue_words}


def _scenes(a: Analytics) -> tuple[list[str], dict[str, Any]]:
    sc = a.stats.scenes
    if not sc:
        return ["The draft has no scenes yet."], {"scene_count": 0}
    lengths = [s.eighths for s in sc]
    by_length = sorted(sc, key=lambda s: -s.eighths)
    numbers = {
        "scene_count": len(sc), "pages": a.stats.pages, "mean_eighths": round(statistics.mean(lengths), 2),
        "median_eighths": statistics.median(lengths),
        "longest": [{"scene": s.number, "heading": s.heading, "eighths": s.eighths} for s in by_length[:3]],
        "shortest": [{"scene": s.number, "heading": s.heading, "eighths": s.eighths} for s in by_length[::-1][:3]],
    }
    longest, shortest = by_length[0], by_length[-1]
    return [
        f"{len(sc)} scenes over {a.stats.pages} pages: on average {_eighths(round(statistics.mean(lengths)))} a scene "
        f"(median {_eighths(int(statistics.median(lengths)))}).",
        f"Longest: scene {longest.number}, {longest.heading} ({_eighths(longest.eighths)}). "
        f"Shortest: scene {shortest.number}, {shortest.heading} ({_eighths(shortest.eighths)}).",
        "Three longest: " + ", ".join(f"sc. {s.number} ({_eighths(s.eighths)})" for s in by_length[:3]) + ".",
    ], numbers


def _settings(a: Analytics) -> tuple[list[str], dict[str, Any]]:
    st = a.stats
    n = len(st.scenes) or 1
    mix = lambda d: ", ".join(f"{k} {v} ({_pct(v, n)})" for k, v in sorted(d.items(), key=lambda kv: -kv[1]) if v)  # noqa: E731
    top = list(st.locations.items())[:5]
    return [
        f"INT/EXT: {mix(st.int_ext) or 'none marked'}.",
        f"Day/night: {mix(st.day_night) or 'none marked'}.",
        "Most used locations: " + (", ".join(f"{loc} ({k} scenes)" for loc, k in top) or "none") + ".",
    ], {"int_ext": dict(st.int_ext), "day_night": dict(st.day_night), "locations": dict(top)}


def _acts(a: Analytics) -> tuple[list[str], dict[str, Any]]:
    acts = act_balance(a)
    how = ("from your act markers (ACT TWO lines)" if a.acts.source == "markers"
           else "by the usual 25% / 75% breaks, since the draft marks no acts")
    lines = [f"Acts {how}:", "", "| act | scenes | pages | share |", "|---|---|---|---|"]
    lines += [f"| {r['act']} | {r['scenes']} | {r['pages']} | {_pct(r['share'], 1)} |" for r in acts]
    return lines, {"acts": acts, "acts_source": a.acts.source}


def _overview(a: Analytics) -> tuple[list[str], dict[str, Any]]:
    st = a.stats
    lines = [f"**{st.title or 'Untitled'}**: {st.pages} pages, {len(st.scenes)} scenes, {len(st.characters)} speaking "
             f"characters; {st.dialogue_words} words of dialogue to {st.action_words} of action "
             f"(ratio {st.dialogue_action_ratio})."]
    numbers: dict[str, Any] = {"pages": st.pages, "dialogue_action_ratio": st.dialogue_action_ratio,
                               "speaking_characters": len(st.characters)}
    for part in (_characters, _scenes, _settings):
        text, more = part(a)
        lines.append(text[0])
        numbers.update(more)
    return lines, numbers


_TOPICS = {"characters": _characters, "scenes": _scenes, "settings": _settings, "acts": _acts, "overview": _overview}


def answer(script: Script, topic: str = "overview", out_dir: str | Path | None = None) -> StatsAnswer:
    """The numbers for one topic, with a chart written under ``out_dir`` when one is given."""
    if topic not in _TOPICS:
        raise ValueError(f"unknown statistics topic {topic!r}; expected one of {', '.join(STATS_TOPICS)}")
    a = measure(script)
    lines, numbers = _TOPICS[topic](a)
    plots: dict[str, str] = {}
    if out_dir is not None and a.stats.scenes:
        from tools.critic import plots as charts

        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        # Named by the numbers it shows: two sessions' charts never overwrite each other, a repeat is drawn once.
        digest = hashlib.sha1(json.dumps(numbers, sort_keys=True, default=str).encode()).hexdigest()[:12]
        stem = f"stats-{topic}-{digest}"
        draw = {"characters": charts.dialogue_plot, "scenes": charts.scene_length_plot, "settings": charts.settings_plot,
                "acts": charts.act_plot, "overview": charts.scene_length_plot}[topic]
        plots[topic] = draw(a, folder / f"{stem}.png")
    return StatsAnswer(topic=topic, text="\n".join(lines), numbers=numbers, plots=plots)
