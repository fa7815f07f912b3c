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
from tools.summarizer.faithful import ScriptFacts, bad_refs, unknown_names
from tools.summarizer.facts import plain, sentences

_NOTE_RE = re.compile(r"^[\s*#>-]*(STRENGTH|WEAKNESS)S?\s*(?:\(([^)]*)\))?[\s*]*:[\s*]*(.+?)\s*$", re.I | re.M)
_REF_RE = re.compile(r"\d+[A-Z]?")
# Words of the reader's trade a note may capitalise without naming anyone.
_TRADE_WORDS = frozenset({"act", "one", "two", "three", "four", "i", "ii", "iii", "iv", "pov", "int", "ext",
                          "v.o", "o.s", "cont'd", "sc", "scene", "scenes", "page", "pages", "the", "a", "an"})
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

