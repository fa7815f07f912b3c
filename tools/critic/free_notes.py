"""Coverage written by a capable model (the free writing tier), every note held to the draft.

The model reads the same evidence as the scaffold tier plus a scene list, and writes the logline, the verdict
and cited strength / weakness notes. A note is kept only when each scene it cites exists and each name it uses
is the draft's; anything else is dropped with its reason, and the program's own notes stay beside the model's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from screenplay.model import Script
from tools.critic.notes import (Coverage, Evidence, Note, _ask, _fallback_logline, _premise, evidence_strengths,
                                evidence_text, evidence_verdict, evidence_weaknesses, parse_reply)
from tools.critic.prompting import defuse, quote, render
from tools.critic.held import judge
from tools.summarizer.faithful import ScriptFacts
from tools.summarizer.facts import plain

_NOTE_RE = re.compile(r"^[\s*#>-]*(STRENGTH|WEAKNESS)S?\s*(?:\(([^)]*)\))?[\s*]*:[\s*]*(.+?)\s*$", re.I | re.M)
MAX_LISTED_SCENES = 80


@dataclass(frozen=True)
class Dropped:
    text: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "reason": self.reason}


def scene_list(script: Script, labels: list[str], pages: list[int], indices: list[int]) -> str:
    """The scenes a note may cite: number, page, heading, who speaks and the first action, one line each."""
    shown = indices
    if len(indices) > MAX_LISTED_SCENES:  # a feature: an even spread keeps the prompt inside a context window
        step = len(indices) / MAX_LISTED_SCENES
        shown = [indices[int(k * step)] for k in range(MAX_LISTED_SCENES)]
    lines = []
    for i in shown:
        scene = script.scenes[i]
        who = ", ".join(dict.fromkeys(scene.characters)) or "no one speaks"
        action = next((plain(e.text) for e in scene.elements if e.type.value == "action" and e.text.strip()), "")
        lines.append(f"sc. {labels[i]} (p. {pages[i]}) {plain(scene.heading.text)} | {who} | {action[:160]}")
    return quote("SCENES", "\n".join(lines))


def write_free_coverage(ev: Evidence, model: Any, script: Script, focus: str | None = None) -> Coverage:
    """Coverage in the model's words, each note checked; the program's notes follow the model's kept ones."""
    system = render("coverage_free_system.jinja")
    user = render("coverage_free_user.jinja", evidence=evidence_text(ev, max_findings=12), scenes=ev.scene_list, focus=focus or "",
                  scope=ev.scope, title=defuse(ev.title or "untitled"))
    raw = _ask(model, system, user)
    labels = {x.upper() for x in ev.analytics.labels}
    facts = ScriptFacts.of(script, ev.analytics.labels, ev.analytics.stats.pages)
    kept: dict[str, list[Note]] = {"STRENGTH": [], "WEAKNESS": []}
    dropped: list[Dropped] = []
    for m in _NOTE_RE.finditer(raw or ""):
        kind, cited, text = m.group(1).upper(), m.group(2) or "", m.group(3).strip()
        scenes, reason = judge(text, cited, labels, facts)
        if reason:
            dropped.append(Dropped(m.group(0).strip(), reason))
        else:
            kept[kind].append(Note(text, scenes, "model"))
    fields = parse_reply(raw)
    logline = Note(_fallback_logline(ev), [], "evidence")
    if "LOGLINE" in fields:
        _, why = judge(fields["LOGLINE"], None, labels, facts)
        if why is None:
            logline = Note(fields["LOGLINE"], [], "model")
        else:
            dropped.append(Dropped("LOGLINE: " + fields["LOGLINE"], why))
    verdict, reason = evidence_verdict(ev)
    source = "evidence"
    if "VERDICT" in fields:
        verdict, source = fields["VERDICT"], "model"
        reason = f"the reader's call; the evidence says: {reason}"
    cov = Coverage(logline, _premise(ev), kept["STRENGTH"] + evidence_strengths(ev),
                   kept["WEAKNESS"] + evidence_weaknesses(ev), verdict, source, reason,
                   f"[system]\n{system}\n\n[user]\n{user}", raw, tier="free", dropped=[d.to_dict() for d in dropped])
    return cov

