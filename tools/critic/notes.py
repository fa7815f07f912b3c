"""Coverage notes: logline, premise, strengths, weaknesses and a Recommend / Consider / Pass verdict.

The structure and most notes are program-made from the evidence; the chat model is asked only for four
short lines, and any line it gets wrong falls back to the evidence, so a 135M model still gives usable coverage.
"""

from __future__ import annotations

import re
from string import capwords
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from tools.critic.analytics import Analytics
from tools.critic.findings import Finding
from tools.critic.prompting import defuse, quote, render
from tools.critic.themes import Theme
from screenplay.record import Record

if TYPE_CHECKING:
    from tools.critic.held import HeldNotes

VERDICTS = ("Recommend", "Consider", "Pass")
_FIELD_RE = re.compile(r"^[\s*#>-]*(LOGLINE|STRENGTH|WEAKNESS|VERDICT)S?[\s*]*:[\s*]*(.+?)\s*$", re.I | re.M)
_BAD_TEXT_RE = re.compile(r"<<<|>>>|<\||\|>|\bone sentence\b|\bunder 35 words\b|recommend, consider or pass", re.I)
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_CHECK_TITLES = {
    "cue_without_dialogue": "Cues with no dialogue",
    "lone_parenthetical": "Parentheticals on their own",
    "heading_prefix": "Non-standard scene headings",
    "long_action": "Dense action",
    "parenthetical_overuse": "Parenthetical overuse",
    "speaks_before_introduced": "Characters speak before they are introduced",
    "name_variants": "One character, two names",
    "flat_scene": "Scenes where nothing changes",
    "repetition": "Repeated words and phrases",
    "long_scene": "Overlong scenes",
    "structure": "Structure",
}


@dataclass
class Note:
    text: str
    scenes: list[str] = field(default_factory=list)
    source: str = "evidence"  # "evidence" (program-made) or "model"

    def render(self) -> str:
        refs = f" (sc. {', '.join(self.scenes[:8])}{' ...' if len(self.scenes) > 8 else ''})" if self.scenes else ""
        return self.text.rstrip(". ") + refs + "."


@dataclass
class Coverage(Record):
    logline: Note
    premise: str
    strengths: list[Note]
    weaknesses: list[Note]
    verdict: str
    verdict_source: str  # "model" or "evidence"
    verdict_reason: str
    prompt: str | None = None  # the exact prompt sent, when a model was asked
    raw_reply: str | None = None
    tier: str = "scaffold"  # "free": the model wrote the notes (tools.critic.free_notes)
    dropped: list[dict[str, str]] = field(default_factory=list)  # model notes refused, with the reason


@dataclass(frozen=True)
class Evidence:
    title: str
    scope: str  # "the whole script", "act 2", "scene 12"
    analytics: Analytics
    findings: list[Finding]
    scores: dict[str, float]  # scene label -> scorer score
    themes: list[Theme]
    opening: str  # the first lines of the scope, quoted as data
    bible_logline: str = ""
    program_logline: str = ""  # the lead as introduced, who they meet, where (tools.critic.story)
    story_strengths: tuple[Note, ...] = ()
    story_weaknesses: tuple[Note, ...] = ()
    scene_list: str = ""  # one line per scene of the scope (number, page, heading, who, first action)
    focus_answer: str = ""  # the measured paragraph on the focus asked (tools.critic.focus), "" without one


def evidence_text(ev: Evidence, max_findings: int = 8) -> str:
    a = ev.analytics
    st = a.stats
    lines = [f"Title: {ev.title or '(untitled)'}. Scope: {ev.scope}. {st.pages} pages, {len(st.scenes)} scenes, "
             f"{len(st.characters)} speaking characters."]
    share = list(a.dialogue_share.items())[:5]
    if share:
        lines.append("Dialogue share: " + ", ".join(f"{n} {s:.0%}" for n, s in share) + ".")
    lines.append("Settings: " + ", ".join(f"{k} {v}" for k, v in {**st.int_ext, **st.day_night}.items()) + ".")
    if a.sentiment:
        lo = min(range(len(a.sentiment)), key=lambda i: a.sentiment[i].mean)
        hi = max(range(len(a.sentiment)), key=lambda i: a.sentiment[i].mean)
        lines.append(f"Emotional arc: lowest sc. {a.labels[lo]} (p. {a.page_of(lo)}), highest sc. {a.labels[hi]} "
                     f"(p. {a.page_of(hi)}).")
    if ev.themes:
        lines.append("Themes: " + "; ".join(f"{', '.join(t.terms[:3])} ({len(t.scenes)} scenes)" for t in ev.themes[:4]) + ".")
    if ev.scores:
        ranked = sorted(ev.scores.items(), key=lambda kv: kv[1])
        lines.append(f"Scene scores (0-1): weakest {', '.join(f'sc. {k} {v:.2f}' for k, v in ranked[:3])}; "
                     f"strongest {', '.join(f'sc. {k} {v:.2f}' for k, v in ranked[::-1][:3])}.")
    top = sorted(ev.findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))[:max_findings]
    if top:
        lines.append("Craft checks:")
        lines += [f"- {f.where()}: {f.message}" for f in top]
    else:
        lines.append("Craft checks: none raised.")
    if ev.focus_answer:
        lines += ["Measured for the focus:", ev.focus_answer]
    if ev.opening:
        lines += ["Opening lines:", ev.opening]
    return quote("EVIDENCE", "\n".join(lines))


def build_prompt(ev: Evidence, focus: str | None) -> tuple[str, str]:
    system = render("coverage_system.jinja")
    user = render("coverage_user.jinja", evidence=evidence_text(ev), focus=focus or "", scope=ev.scope,
                  title=defuse(ev.title or "untitled"))
    return system, user


def parse_reply(reply: str) -> dict[str, str]:
    """The usable fields of a model reply; anything malformed is left out."""
    out: dict[str, str] = {}
    for m in _FIELD_RE.finditer(reply or ""):
        key, value = m.group(1).upper(), m.group(2).strip().strip('"')
        if key in out:
            continue
        if key == "VERDICT":
            v = re.search(r"\b(recommend|consider|pass)\b", value, re.I)
            if v:
                out[key] = v.group(1).capitalize()
            continue
        words = len(value.split())
        if 4 <= words <= 60 and not _BAD_TEXT_RE.search(value):
            out[key] = value
    return out


def evidence_verdict(ev: Evidence) -> tuple[str, str]:
    pages = max(ev.analytics.stats.pages, 1)
    errors = sum(f.severity == "error" for f in ev.findings)
    warnings = sum(f.severity == "warning" for f in ev.findings)
    weight = (2 * errors + warnings) / pages
    mean = sum(ev.scores.values()) / len(ev.scores) if ev.scores else None
    shown = f"mean scene score {mean:.2f}, " if mean is not None else ""
    reason = f"{shown}{errors} format errors and {warnings} warnings over {pages} pages"
    if (mean is not None and mean < 0.5) or weight > 0.5:
        return "Pass", reason
    if (mean is None or mean >= 0.75) and errors == 0 and weight < 0.1:
        return "Recommend", reason
    return "Consider", reason


def _premise(ev: Evidence) -> str:
    st = ev.analytics.stats
    leads = [c.name for c in st.characters[:2]]
    places = list(st.locations)[:3]
    who = " and ".join(leads) if leads else "no speaking characters"
    where = ", ".join(capwords(p.lower()) for p in places) if places else "unnamed places"
    return (f"{ev.title or 'The script'} ({ev.scope}): {st.pages} pages centred on {who}, "
            f"moving between {where}" + (f"; themes of {', '.join(ev.themes[0].terms[:3])}" if ev.themes else "") + ".")


def _fallback_logline(ev: Evidence) -> str:
    if ev.program_logline:
        return ev.program_logline
    st = ev.analytics.stats
    leads = [capwords(c.name.lower()) for c in st.characters[:2]]
    who = " and ".join(leads) if leads else "an unseen cast"
    first, last = capwords(st.scenes[0].location.lower()), capwords(st.scenes[-1].location.lower())
    where = f"from {first} to {last}" if first != last else f"in {first}"
    return f"A story of {who}, told in {len(st.scenes)} scenes {where}."


def evidence_strengths(ev: Evidence) -> list[Note]:
    a = ev.analytics
    notes: list[Note] = list(ev.story_strengths)
    if ev.scores:
        best = [k for k, v in sorted(ev.scores.items(), key=lambda kv: -kv[1]) if v >= 0.75][:3]
        if best:
            notes.append(Note("The most assured scenes, by the scene scorer", best))
    format_checks = {"cue_without_dialogue", "lone_parenthetical", "heading_prefix"}
    if not any(f.check in format_checks for f in ev.findings):
        notes.append(Note("Clean format: every cue has its line and every heading a standard prefix"))
    if len(a.sentiment) >= 4:
        means = [s.mean for s in a.sentiment]
        lo, hi = means.index(min(means)), means.index(max(means))
        if max(means) - min(means) >= 0.6:
            notes.append(Note("Wide emotional range between its low and high points", [a.labels[lo], a.labels[hi]]))
    share = a.dialogue_share
    if len(share) >= 3 and max(share.values()) < 0.45:
        notes.append(Note("Dialogue is shared across the cast rather than owned by one voice"))
    return notes


def evidence_weaknesses(ev: Evidence) -> list[Note]:
    notes: list[Note] = []
    by_check: dict[str, list[Finding]] = {}
    for f in sorted(ev.findings, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3)):
        by_check.setdefault(f.check, []).append(f)
    for check, fs in by_check.items():
        scenes = list(dict.fromkeys(s for f in fs for s in f.scenes))
        notes.append(Note(f"{_CHECK_TITLES.get(check, check)}: {fs[0].message}", scenes))
    if ev.scores:
        weak = [k for k, v in sorted(ev.scores.items(), key=lambda kv: kv[1]) if v < 0.5][:3]
        if weak:
            notes.append(Note("Scenes that read as unfinished or generic to the scene scorer", weak))
    return notes + list(ev.story_weaknesses)


def _ask(model: Any, system: str, user: str) -> str:
    from langchain_core.messages import HumanMessage, SystemMessage

    reply = model.invoke([SystemMessage(system), HumanMessage(user)])
    content = reply.content
    return content if isinstance(content, str) else " ".join(str(c) for c in content)


def write_coverage(ev: Evidence, model: Any | None, focus: str | None = None,
                   held: HeldNotes | None = None) -> Coverage:
    """Coverage for the evidence; with `model` None (or an unusable reply) every field is evidence-made.

    `held` (tools.critic.held.HeldNotes) holds the small model's lines to the draft: a strength or weakness cites
    the scenes of the draft's people it names, and one naming a stranger or a scene the draft lacks is dropped
    with its reason (135M wrote "DANE is extremely ruthless" of a draft with no Dane, shown citing the scorer's
    best scenes)."""
    strengths, weaknesses = evidence_strengths(ev), evidence_weaknesses(ev)
    fields: dict[str, str] = {}
    prompt = raw = None
    dropped: list[dict[str, str]] = []
    if model is not None:
        system, user = build_prompt(ev, focus)
        prompt = f"[system]\n{system}\n\n[user]\n{user}"
        raw = _ask(model, system, user)
        fields = parse_reply(raw)
    for key, notes in (("STRENGTH", strengths), ("WEAKNESS", weaknesses)):
        if key not in fields:
            continue
        scenes, why = held.cast_note(fields[key]) if held is not None else ([], "cites no scene")
        if why:
            dropped.append({"text": f"{key}: {fields[key]}", "reason": why})
        else:
            notes.insert(0, Note(fields[key], scenes, "model"))
    if "LOGLINE" in fields and held is not None and (why := held.judge(fields["LOGLINE"])):
        dropped.append({"text": "LOGLINE: " + fields.pop("LOGLINE"), "reason": why})
    if "LOGLINE" in fields:
        logline = Note(fields["LOGLINE"], [], "model")
    elif ev.bible_logline:
        logline = Note(ev.bible_logline, [], "evidence")
    else:
        logline = Note(_fallback_logline(ev), [], "evidence")
    verdict, reason = evidence_verdict(ev)
    source = "evidence"
    if "VERDICT" in fields:
        verdict, source = fields["VERDICT"], "model"
        reason = f"the reader's call; the evidence says: {reason}"
    return Coverage(logline, _premise(ev), strengths, weaknesses, verdict, source, reason, prompt, raw,
                    dropped=dropped)


def opening_lines(texts: Sequence[str], max_chars: int = 600) -> str:
    joined = "\n".join(texts)
    return joined[:max_chars].rstrip() + (" ..." if len(joined) > max_chars else "")
