"""The measured answer to the focus a writer asked for ("pacing", "dialogue"...), for the scene, act or draft asked.

The critic's notes only reorder by focus; a scene with no pacing finding would get nothing about pacing. This
module answers every focus with figures counted from the draft, compared with the draft (and, for a scene, its
act), so the answer does not depend on what a small model writes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Any, Callable, Sequence

from screenplay.bible import StoryBible
from screenplay.model import ElementType, Scene, Script
from screenplay.scope import Scope, act_name
from screenplay.stats import count_words, eighths_text, wrapped_lines
from screenplay.record import Record
from tools.critic.analytics import Analytics
from tools.critic.checks import CONFLICT_RE, ACTION_MAX_LINES, ACTION_WIDTH
from tools.critic.findings import Finding
from tools.critic.structure import CONVENTION, Beat
from tools.critic.themes import Theme, distinctive_terms

ET = ElementType
_CUT_OFF_RE = re.compile(r"(--|—|–|-)\s*$")
_WORD_RE = re.compile(r"[a-z]+(?:['’][a-z]+)?")
TURN = 0.5  # a scene "turns" when its charge moves this far or flips sign (the flat_scene check's measure)


@dataclass(frozen=True)
class Speech:
    name: str
    words: int
    scene: int  # 0-based scene index
    question: bool
    cut_off: bool  # ends on a dash: interrupted or trailing off


@dataclass(frozen=True)
class SceneCounts:
    action_words: int
    dialogue_words: int
    action_blocks: tuple[int, ...]  # printed lines of each block of action
    speeches: tuple[Speech, ...]
    parentheticals: int
    charged: int  # lines of action or dialogue with a word of opposition (no, can't, stop, gun...)
    lines: int  # lines of action or dialogue in all
    words: Counter = field(default_factory=Counter)  # content words, lower case


def _content_words(text: str) -> list[str]:
    """Words that can carry a theme: a possessive counts as its noun; contractions (didn't, it's) are dropped."""
    words = [w[:-2] if w.endswith(("'s", "’s")) else w for w in _WORD_RE.findall(text.lower())]
    return [w for w in words if len(w) >= 3 and "'" not in w and "’" not in w]


def count_scene(scene: Scene, index: int) -> SceneCounts:
    speeches: list[Speech] = []
    name, words, texts = "", 0, []
    action_words = dialogue_words = parens = charged = lines = 0
    blocks: list[int] = []
    vocab: Counter = Counter()

    def close() -> None:
        nonlocal name
        if name:
            joined = " ".join(texts)
            speeches.append(Speech(name, words, index, "?" in joined, bool(_CUT_OFF_RE.search(joined))))
        name = ""

    for el in scene.elements:
        if el.type is ET.CHARACTER:
            close()
            name, words, texts = el.cue_name, 0, []
        elif el.type is ET.DIALOGUE:
            n = count_words(el.text)
            words, dialogue_words = words + n, dialogue_words + n
            texts.append(el.text.strip())
        elif el.type is ET.PARENTHETICAL:
            parens += 1
        elif el.type is not ET.NOTE:
            close()
        if el.type is ET.ACTION and el.text.strip():
            action_words += count_words(el.text)
            blocks.append(wrapped_lines(el.text, ACTION_WIDTH))
        if el.type in (ET.ACTION, ET.DIALOGUE) and el.text.strip():
            lines += 1
            charged += bool(CONFLICT_RE.search(el.text))
            vocab.update(_content_words(el.text))
    close()
    return SceneCounts(action_words, dialogue_words, tuple(blocks), tuple(speeches), parens, charged, lines, vocab)


@dataclass(frozen=True)
class FocusAnswer(Record):
    focus: str
    scope: str
    text: str  # the paragraph the writer reads
    figures: dict[str, Any]  # the numbers behind it, for --json and tests


@dataclass
class _Part:
    """The scenes asked about, with what they are compared against."""

    script: Script
    a: Analytics
    counts: list[SceneCounts]
    indices: list[int]
    kind: str  # "scene", "act" or "script"
    subject: str  # "Scene 6", "Act 2", "The draft"
    act: int  # act number of the part (the scene's act for a scene), 0 for the whole script
    act_indices: list[int]
    findings: list[Finding]
    themes: list[Theme]
    bible: StoryBible | None
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def whole(self) -> bool:
        return self.kind == "script"

    def lab(self, i: int) -> str:
        return self.a.labels[i]

    def eighths(self, idx: list[int]) -> list[int]:
        return [self.a.stats.scenes[i].eighths for i in idx]

    def speeches(self, idx: list[int]) -> list[Speech]:
        return [s for i in idx for s in self.counts[i].speeches]

    def total(self, attr: str, idx: list[int]) -> int:
        return sum(getattr(self.counts[i], attr) for i in idx)

    def checks(self, names: tuple[str, ...], checked: str) -> str:
        hits = [f for f in self.findings if f.check in names]
        if not hits:
            return f"No check on {checked} fired" + ("." if self.whole else " here.")
        return "Checks: " + "; ".join(f"{f.where()}: {f.message}" for f in hits[:3]) + "."


def _len(eighths: float) -> str:
    e = round(eighths)
    return eighths_text(e) + (" page" if e <= 8 else " pages")


def _pct(x: int, n: int) -> str:
    return f"{x / n:.0%}" if n else "0%"


def _n(k: int, one: str, many: str = "") -> str:
    return f"{k} {one if k == 1 else many or one + 's'}"


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _rank(value: float, values: list[float], most: str, least: str) -> str:
    """"the longest", "the 3rd longest (tied with 2)", "the shortest" of values (larger is `most`)."""
    higher, ties = sum(v > value for v in values), sum(v == value for v in values) - 1
    tied = f" (tied with {ties})" if ties else ""
    if higher == 0:
        return f"the {most}{tied}"
    if higher + ties == len(values) - 1 and len(values) > 2:
        return f"the {least}{tied}"
    return f"the {_ordinal(higher + 1)} {most}{tied}"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _longest_speech(p: _Part, idx: list[int]) -> tuple[str, dict[str, Any]]:
    speeches = p.speeches(idx)
    if not speeches:
        return "No one speaks.", {}
    top = max(speeches, key=lambda s: s.words)
    where = "" if p.kind == "scene" else f" in sc. {p.lab(top.scene)}"
    return (f"The longest uninterrupted speech is {top.name}'s, {top.words} words{where}.",
            {"name": top.name, "words": top.words, "scene": p.lab(top.scene)})


def _dialogue_share(p: _Part, idx: list[int]) -> float:
    d, act = p.total("dialogue_words", idx), p.total("action_words", idx)
    return d / (d + act) if d + act else 0.0


# ---------------------------------------------------------------- one paragraph per focus


def pacing(p: _Part) -> str:
    st, n = p.a.stats, len(p.a.stats.scenes)
    every = list(range(n))
    draft_median = median(p.eighths(every))
    out = []
    if p.kind == "scene":
        i = p.indices[0]
        e = st.scenes[i].eighths
        act_e = p.eighths(p.act_indices)
        rank = _rank(e, act_e, "longest", "shortest")
        out.append(f"{p.subject} runs {_len(e)}, {rank} of act {act_name(p.act)}'s {len(act_e)} scenes "
                   f"(act median {_len(median(act_e))}; draft median {_len(draft_median)}).")
        out.append(f"It is scene {p.act_indices.index(i) + 1} of {len(act_e)} in act {act_name(p.act)}, "
                   f"starting on page {st.scenes[i].page}, {p.a.positions[i]:.0%} into the script.")
        p.figures.update(eighths=e, act_median_eighths=median(act_e), draft_median_eighths=draft_median, rank=rank)
    else:
        own = p.eighths(p.indices)
        longest = sorted(p.indices, key=lambda i: -st.scenes[i].eighths)[:3]
        acts = "; ".join(f"act {x['act']} {x['pages']} pp ({x['share']:.0%})" for x in _acts(p))
        if p.kind == "act":
            out.append(f"{p.subject} runs {_len(sum(own))} in {len(own)} scenes, "
                       f"{sum(own) / (sum(p.eighths(every)) or 1):.0%} of the script ({acts}).")
        else:
            out.append(f"{p.subject} runs {st.pages} pages in {n} scenes ({acts}; {_source(p)}).")
        out.append(f"Its median scene runs {_len(median(own))}" + ("" if p.whole else f" (draft {_len(draft_median)})")
                   + "; the longest are " + ", ".join(f"sc. {p.lab(i)} ({st.scenes[i].length})" for i in longest) + ".")
        p.figures.update(eighths=sum(own), median_eighths=median(own), draft_median_eighths=draft_median,
                         longest=[p.lab(i) for i in longest])
    share = _dialogue_share(p, p.indices)
    blocks = sum(len(p.counts[i].action_blocks) for i in p.indices)
    speeches = len(p.speeches(p.indices))
    out.append(f"{share:.0%} of its words are dialogue"
               + ("" if p.whole else f" (draft {_dialogue_share(p, every):.0%})")
               + f": {_n(speeches, 'speech', 'speeches')} against {_n(blocks, 'block')} of action.")
    text, longest_speech = _longest_speech(p, p.indices)
    out.append(text)
    p.figures.update(dialogue_share=round(share, 3), speeches=speeches, action_blocks=blocks,
                     longest_speech=longest_speech)
    return " ".join(out)


def dialogue(p: _Part) -> str:
    every = list(range(len(p.a.stats.scenes)))
    speeches, draft = p.speeches(p.indices), p.speeches(every)
    if not speeches:
        p.figures.update(speeches=0)
        return f"No one speaks in {p.subject.lower() if p.kind != 'scene' else p.subject}: it plays in action alone."
    med, draft_med = median(s.words for s in speeches), median(s.words for s in draft)
    each = f"{med:g} words" if len(speeches) == 1 else f"{med:g} words each at the median"
    out = [f"{p.subject} has {_n(len(speeches), 'speech', 'speeches')}, {each}"
           + ("" if p.whole else f" (draft median {draft_med:g})") + "."]
    out.append(_longest_speech(p, p.indices)[0])
    by: Counter = Counter()
    for s in speeches:
        by[s.name] += s.words
    total = sum(by.values()) or 1
    top = by.most_common(3)
    out.append("Share of the words: " + ", ".join(f"{n} {w / total:.0%}" for n, w in top) + ".")
    q, cut = sum(s.question for s in speeches), sum(s.cut_off for s in speeches)
    q_draft = sum(s.question for s in draft)
    out.append(f"Questions: {q} of {_n(len(speeches), 'speech', 'speeches')} ({_pct(q, len(speeches))}"
               + ("" if p.whole else f"; draft {_pct(q_draft, len(draft))}") + f"); broken off on a dash: {cut}.")
    silent = _silent(p)
    if silent:
        out.append(f"Present but silent: {_names(silent)}.")
    elif not p.whole:
        out.append("Everyone named on screen speaks.")
    p.figures.update(speeches=len(speeches), median_words=med, draft_median_words=draft_med,
                     share={n: round(w / total, 3) for n, w in top}, questions=q, cut_off=cut, silent=silent)
    return " ".join(out)


def _silent(p: _Part) -> list[str]:
    """Characters on screen in the part without a line there; for the draft, the bible's people who never speak."""
    if p.whole:
        speakers = set(p.script.characters)
        return [n for n in (p.bible.characters if p.bible else {}) if n.upper() not in speakers]
    spoke = {s.name for s in p.speeches(p.indices)}
    return [n for n, row in p.a.presence.items() if any(row[i] for i in p.indices) and n not in spoke]


def character(p: _Part) -> str:
    st = p.a.stats
    by: Counter = Counter(s.name for s in p.speeches(p.indices))
    out = []
    if by:
        out.append("On screen: " + ", ".join(f"{n} ({k} speech{'es' if k > 1 else ''})" for n, k in by.most_common(6))
                   + (f", and {_names(_silent(p))} without a line" if not p.whole and _silent(p) else "") + ".")
    else:
        out.append(f"No one speaks in {p.subject}.")
    n = len(st.scenes)
    seen = []
    for name, _ in by.most_common(3):
        row = p.a.presence.get(name)
        if row is None:
            continue
        first = row.index(True)
        here = " (this scene)" if first in p.indices and p.kind == "scene" else ""
        where = f"first seen in sc. {p.lab(first)}{here}"
        seen.append(f"{name} is in {sum(row)} of {n} scenes, {where}")
    if seen:
        out.append("; ".join(seen) + ".")
    lead, lead_share = next(iter(p.a.dialogue_share.items()), ("", 0.0))
    if not p.whole and lead and not any(p.a.presence.get(lead, [False] * n)[i] for i in p.indices):
        out.append(f"{lead}, who has {lead_share:.0%} of the draft's dialogue, is not in "
                   f"{'this scene' if p.kind == 'scene' else p.subject.lower()}.")
    if p.whole:
        once = [c.name for c in st.characters if len(c.scenes) == 1]
        out.append(f"{len(st.characters)} speaking characters; {len(once)} speak in one scene only.")
    if p.bible and p.bible.characters:
        wants = [f"{k}: {v}" for k, v in p.bible.characters.items() if k.upper() in by][:3]
        out.append("The story bible: " + "; ".join(wants) + "." if wants
                   else "The story bible describes none of the people on screen here.")
    else:
        out.append("No story bible, so what each wants is not checked.")
    p.figures.update(speakers=dict(by), silent=_silent(p) if not p.whole else [])
    return " ".join(out)


def _source(p: _Part) -> str:
    return "acts from the act markers" if p.a.acts.source == "markers" else "acts by page count, no act markers"


def _acts(p: _Part) -> list[dict[str, Any]]:
    from tools.critic.analytics import act_balance

    return act_balance(p.a)


def structure(p: _Part) -> str:
    from tools.critic.structure import detect_beats

    st, a = p.a.stats, p.a
    first, last = p.indices[0], p.indices[-1]
    end = a.positions[last + 1] if last + 1 < len(a.positions) else 1.0
    out = []
    if p.kind == "scene":
        out.append(f"{p.subject} starts on page {st.scenes[first].page}, {a.positions[first]:.0%} into the script, "
                   f"scene {p.act_indices.index(first) + 1} of {len(p.act_indices)} in act {act_name(p.act)} "
                   f"({_source(p)}).")
    elif p.kind == "act":
        out.append(f"{p.subject} spans pages {st.scenes[first].page}-{st.scenes[last].page}, "
                   f"{a.positions[first]:.0%} to {end:.0%} of the script ({_source(p)}).")
    else:
        out.append("Acts: " + "; ".join(f"act {x['act']} {_n(x['scenes'], 'scene')}, {x['share']:.0%}"
                                        for x in _acts(p))
                   + f" ({_source(p)}).")
    beats: list[Beat] = detect_beats(a)
    inside = [b for b in beats if b.scene is not None and b.scene in {p.lab(i) for i in p.indices}]
    missing = [b.name.replace("_", " ") for b in beats if b.scene is None]
    if inside:
        out.append(f"Turning points found{'' if p.whole else ' here'}: " + "; ".join(
            f"the {b.name.replace('_', ' ')} at sc. {b.scene} ({b.position:.0%}, expected near {b.expected:.0%}, "
            f"{'act marker' if b.source == 'markers' else 'sentiment arc'})" for b in inside) + ".")
    elif not p.whole:
        near = min(CONVENTION.items(), key=lambda kv: abs(kv[1][0] - a.positions[first]))
        out.append(f"No turning point was found here; the nearest by convention is the "
                   f"{near[0].replace('_', ' ')}, near {near[1][0]:.0%}.")
    if missing:
        out.append(f"Not found in the draft: {_names(missing)}.")
    p.figures.update(start=round(a.positions[first], 3), end=round(end, 3),
                     beats_here=[b.name for b in inside], beats_missing=missing)
    return " ".join(out)


def _turns(p: _Part, idx: list[int]) -> list[int]:
    out = []
    for i in idx:
        s = p.a.sentiment[i]
        if abs(s.shift) >= TURN or (s.start * s.end < 0 and max(abs(s.start), abs(s.end)) > 0.1):
            out.append(i)
    return out


def tone(p: _Part) -> str:
    sent = p.a.sentiment
    if not sent:
        return "The emotional arc was not measured for this critique."
    means = [s.mean for s in sent]
    out = []
    if p.kind == "scene":
        i = p.indices[0]
        s = sent[i]
        mid = median(means)
        mood = "darker than" if s.mean < mid - 0.1 else "brighter than" if s.mean > mid + 0.1 else "level with"
        # Ranked from the end it leans to: "the 3rd brightest", not "the 39th darkest".
        bright = s.mean > mid
        rank = _rank(s.mean if bright else -s.mean, [m if bright else -m for m in means],
                     *(("brightest", "darkest") if bright else ("darkest", "brightest")))
        move = "a turn down" if s.shift <= -TURN else "a turn up" if s.shift >= TURN else "no real turn"
        out.append(f"{p.subject} reads {mood} the draft: sentiment {s.mean:+.2f} on a -1..1 scale (draft median "
                   f"{mid:+.2f}), {rank} of "
                   f"{len(means)} scenes. It opens at {s.start:+.2f} and ends at {s.end:+.2f}: {move}.")
        p.figures.update(mean=round(s.mean, 3), start=round(s.start, 3), end=round(s.end, 3),
                         draft_median=round(mid, 3))
    else:
        lo = min(p.indices, key=lambda i: means[i])
        hi = max(p.indices, key=lambda i: means[i])
        own = [means[i] for i in p.indices]
        turns = _turns(p, p.indices)
        out.append(f"{p.subject}'s sentiment runs from {means[lo]:+.2f} (sc. {p.lab(lo)}) to {means[hi]:+.2f} "
                   f"(sc. {p.lab(hi)}), median {median(own):+.2f}"
                   + ("" if p.whole else f" (draft {median(means):+.2f})")
                   + f"; {len(turns)} of its {len(own)} scenes turn (end far from where they began).")
        p.figures.update(low=p.lab(lo), high=p.lab(hi), median=round(median(own), 3), turning=len(turns))
    if p.bible and p.bible.tone:
        out.append(f"The story bible sets the tone as: {p.bible.tone}.")
    return " ".join(out)


def _charge(p: _Part, idx: list[int]) -> float:
    lines = p.total("lines", idx)
    return p.total("charged", idx) / lines if lines else 0.0


def conflict(p: _Part) -> str:
    every = list(range(len(p.a.stats.scenes)))
    own, draft = _charge(p, p.indices), _charge(p, every)
    speeches = p.speeches(p.indices)
    cut, q = sum(s.cut_off for s in speeches), sum(s.question for s in speeches)
    out = [f"{own:.0%} of the lines in {p.subject.lower()} carry a word of "
           f"opposition (no, can't, stop, why, leave, gun...)"
           + ("" if p.whole else f", against {draft:.0%} across the draft")
           + (f"; questions: {q} of {_n(len(speeches), 'speech', 'speeches')}; broken off on a dash: {cut}."
              if speeches else "; no one speaks.")]
    if p.a.sentiment and p.kind == "scene":
        s = p.a.sentiment[p.indices[0]]
        out.append(f"It {'turns' if _turns(p, p.indices) else 'does not turn'} emotionally "
                   f"(opens at {s.start:+.2f}, ends at {s.end:+.2f}).")
    elif p.a.sentiment:
        out.append(f"{len(_turns(p, p.indices))} of its {len(p.indices)} scenes turn emotionally.")
    p.figures.update(charged_share=round(own, 3), draft_charged_share=round(draft, 3), cut_off=cut, questions=q)
    return " ".join(out)


def stakes(p: _Part) -> str:
    text = conflict(p)
    low = ""
    if p.a.sentiment and p.kind != "scene":
        i = min(p.indices, key=lambda i: p.a.sentiment[i].mean)
        j = min(range(len(p.a.sentiment)), key=lambda k: p.a.sentiment[k].mean)
        low = (f" Its lowest point is sc. {p.lab(i)} at {p.a.sentiment[i].mean:+.2f}"
               + ("" if i == j else f"; the draft's is sc. {p.lab(j)} at {p.a.sentiment[j].mean:+.2f}") + ".")
        p.figures.update(lowest=p.lab(i), draft_lowest=p.lab(j))
    return ("What is at stake cannot be counted; what was measured is how charged the lines are and how far the "
            "scenes swing. " + text + low)


def clarity(p: _Part) -> str:
    every = list(range(len(p.a.stats.scenes)))
    blocks = [b for i in p.indices for b in p.counts[i].action_blocks]
    draft = [b for i in every for b in p.counts[i].action_blocks]
    if blocks:
        dense = sum(b > ACTION_MAX_LINES for b in blocks)
        out = [f"{p.subject} has {_n(len(blocks), 'block')} of action averaging "
               f"{sum(blocks) / len(blocks):.1f} printed lines"
               + ("" if p.whole else f" (draft {sum(draft) / len(draft):.1f})")
               + f"; the longest runs {_n(max(blocks), 'line')} and {dense} run over {ACTION_MAX_LINES}."]
        p.figures.update(action_blocks=len(blocks), mean_lines=round(sum(blocks) / len(blocks), 2),
                         longest_lines=max(blocks), dense=dense)
    else:
        out = [f"{p.subject} has no action: it plays in dialogue alone."]
    return " ".join(out)


def formatting(p: _Part) -> str:
    every = list(range(len(p.a.stats.scenes)))
    speeches, parens = len(p.speeches(p.indices)), p.total("parentheticals", p.indices)
    draft_s, draft_p = len(p.speeches(every)), p.total("parentheticals", every)
    out = [f"{p.subject} has {_n(parens, 'parenthetical')} for {_n(speeches, 'speech', 'speeches')} "
           f"({_pct(parens, speeches)}" + ("" if p.whole else f"; draft {_pct(draft_p, draft_s)}") + ")."
           if speeches else f"{p.subject} has no speeches, so no cues or parentheticals to check."]
    p.figures.update(parentheticals=parens, speeches=speeches)
    return " ".join(out)


def theme(p: _Part) -> str:
    docs = [c.words for c in p.counts]
    names = {w.lower() for n in p.script.characters for w in re.split(r"[\s.]+", n) if w}
    if p.whole:
        bounds = p.a.acts.bounds(len(docs))
        numbers = p.a.acts.numbers or range(1, p.a.acts.count + 1)
        per_act = [(k, distinctive_terms(docs, set(range(lo, hi)), names, 4))
                   for k, lo, hi in zip(numbers, bounds, bounds[1:])]
        terms = [w for _, ws in per_act for w in ws]
        out = ["Words that set each act apart from the others: "
               + "; ".join(f"act {k} {', '.join(ws) or '(none recur)'}" for k, ws in per_act) + "."]
    else:
        terms = distinctive_terms(docs, set(p.indices), names, 5)
        out = [(f"Words that set {p.subject.lower()} apart from the rest of the "
                f"draft: {', '.join(terms)}.") if terms else f"No word recurs in {p.subject} more than elsewhere."]
    labels = {p.lab(i) for i in p.indices}
    clusters = [t for t in p.themes if labels & set(t.scenes)]
    if clusters and not p.whole:
        out.append("By meaning it groups with " + "; ".join(
            f"the scenes about {', '.join(t.terms[:3]) or 'unnamed things'} ({len(t.scenes)} scenes)"
            for t in clusters[:2]) + ".")
    elif clusters:
        out.append("Scenes group by meaning into: " + "; ".join(
            f"{', '.join(t.terms[:3])} ({len(t.scenes)} scenes)" for t in clusters[:4]) + ".")
    else:
        out.append("Scenes were not grouped by meaning (no scene scorer).")
    p.figures.update(terms=terms, clusters=[t.terms[:3] for t in clusters])
    return " ".join(out)


@dataclass(frozen=True)
class FocusSpec:
    measure: Callable[[_Part], str]
    checks: tuple[str, ...]  # the craft checks that speak to this focus; their findings lead the notes
    checked: str  # what those checks look at, said when none of them fired


# One row per focus in tools.schemas.CRITIQUE_FOCUS: the paragraph, and the checks the critic's notes lead with.
FOCUS: dict[str, FocusSpec] = {
    "dialogue": FocusSpec(dialogue, ("cue_without_dialogue", "lone_parenthetical", "parenthetical_overuse",
                                     "name_variants"),
                          "dialogue (empty cues, stray parentheticals, one character under two names)"),
    "pacing": FocusSpec(pacing, ("long_scene", "long_action", "flat_scene"),
                        "pacing (overlong scenes, dense action, scenes where nothing changes)"),
    "structure": FocusSpec(structure, ("structure", "long_scene"),
                           "structure (act breaks against convention, a flat arc, overlong scenes)"),
    "character": FocusSpec(character, ("speaks_before_introduced", "name_variants"),
                           "characters (introductions, one character under two names)"),
    "stakes": FocusSpec(stakes, ("flat_scene",), "stakes (scenes where no one wants something they cannot have)"),
    "conflict": FocusSpec(conflict, ("flat_scene",),
                          "conflict (scenes where no one wants something they cannot have)"),
    "tone": FocusSpec(tone, ("flat_scene",), "tone (scenes that end where they began)"),
    "clarity": FocusSpec(clarity, ("repetition", "long_action", "heading_prefix", "speaks_before_introduced",
                                   "name_variants"),
                         "clarity (repeated words, dense action, headings, unintroduced speakers, names)"),
    "formatting": FocusSpec(formatting, ("cue_without_dialogue", "lone_parenthetical", "heading_prefix",
                                         "long_action", "parenthetical_overuse"),
                            "format (every cue has its line, parentheticals sit in speeches, standard headings)"),
    "theme": FocusSpec(theme, (), "theme"),
}


def answer_focus(focus: str, script: Script, a: Analytics, scope: Scope, findings: list[Finding],
                 themes: Sequence[Theme] = (), bible: StoryBible | None = None) -> FocusAnswer:
    """The measured paragraph for ``focus`` over ``scope``; ``findings`` are the craft checks already kept for it."""
    n = len(script.scenes)
    indices = scope.indices or list(range(n))  # a beat after the last scene: read the draft
    bounds = a.acts.bounds(n)
    numbers = a.acts.numbers or tuple(range(1, a.acts.count + 1))
    k = next(j for j in range(len(bounds) - 1) if bounds[j] <= indices[0] < bounds[j + 1])
    if len(indices) == 1:
        kind, subject = "scene", f"Scene {a.labels[indices[0]]}"
    elif len(indices) == n:
        kind, subject = "script", "The draft"
    else:
        kind, subject = "act", f"Act {scope.act}" if scope.act is not None else scope.label.capitalize()
    part = _Part(script, a, [count_scene(s, i) for i, s in enumerate(script.scenes)], indices, kind, subject,
                 0 if kind == "script" else numbers[k], list(range(bounds[k], bounds[k + 1])), findings,
                 list(themes), bible)
    spec = FOCUS[focus]
    text = spec.measure(part)
    if spec.checks:
        text += " " + part.checks(spec.checks, spec.checked)
    return FocusAnswer(focus, scope.label if kind != "script" else "the whole script", text, part.figures)
