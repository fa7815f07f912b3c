"""Abstractive map-reduce for a capable model (the free writing tier): scene -> sequence -> act -> script.

One call per sequence (a run of up to SEQUENCE_SCENES consecutive scenes inside one act) returns a line per
scene and a line for the sequence, so a feature costs a few dozen calls, not one per scene; then one call per
act and one for the script. Every line is held to the draft as the scaffold tier's are (names, scene and page
references); a sentence that breaks a rule or is cut off is dropped, and a level left empty falls back to the
level below it, with the reason kept in the summary's repairs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from screenplay.scope import find_acts
from tools.summarizer import faithful
from tools.summarizer.facts import display_name, plain, sentences
from tools.summarizer.prompting import quote_data, render

if TYPE_CHECKING:
    from tools.summarizer.summarizer import _Run

PROMPT_VERSION = "free-v1"
SEQUENCE_SCENES = 6
SCENE_CHARS = 1500  # of each scene's text in a sequence prompt: enough for what happens, bounded for a feature
_LINE_RE = re.compile(r"^[\s*#>-]*(?:sc(?:ene)?\.?\s*)?#?(\d+[A-Z]?)\s*[:.)\]-]\s*(.+?)\s*$", re.IGNORECASE)
_SEQ_RE = re.compile(r"^[\s*#>-]*SEQUENCE\s*:\s*(.+?)\s*$", re.IGNORECASE)


@dataclass
class Checked:
    text: str
    reasons: list[str]


def check(text: str, facts: faithful.ScriptFacts) -> Checked:
    """The text with unfaithful sentences fixed or dropped and a cut-off last sentence removed."""
    reasons: list[str] = []
    text = plain(text).strip(" \"'“”")
    parts = sentences(text)
    if parts and parts[-1][-1:] not in ".!?\"'”)":
        reasons.append(f"dropped a sentence cut off mid-way ({parts[-1][:40]}...)")
        parts = parts[:-1]
    fixed = faithful.repair(" ".join(parts), facts)
    return Checked(fixed.text, reasons + fixed.repairs)


class Abstractive:
    """The free tier's summaries over one _Run (its facts, cache, model and repairs)."""

    def __init__(self, run: "_Run"):
        self.run = run
        self.sequence_text: dict[tuple[int, ...], str] = {}
        self.scene_text: dict[int, str] = {}
        self.source: dict[int, str] = {}  # "model", "extractive" (refused or out of time) or "cache"

    # -- map: scenes and sequences, one call per sequence -----------------------------------------------
    def sequences(self, indices: list[int]) -> list[list[int]]:
        bounds = find_acts(self.run.script).bounds(len(self.run.script.scenes))
        out: list[list[int]] = []
        for i in indices:
            act = next(a for a in range(len(bounds) - 1) if bounds[a] <= i < bounds[a + 1])
            last = out[-1] if out else None
            same_act = last is not None and bounds[act] <= last[-1] < bounds[act + 1] and last[-1] == i - 1
            if last is not None and same_act and len(last) < SEQUENCE_SCENES:
                last.append(i)
            else:
                out.append([i])
        return out

    def map(self, indices: list[int]) -> dict[int, str]:
        """A checked summary per scene in `indices`; sequence summaries are kept in self.sequence_text."""
        r = self.run
        todo = [i for i in indices if i not in self.scene_text]
        done = 0
        for group in self.sequences(todo):
            self.scene_text.update(self._sequence(group))
            done += len(group)
            if r.progress:
                r.progress(done, len(todo), f"scene {r.labels[group[-1]]}")
        return {i: self.scene_text[i] for i in indices}

    def _key(self, group: list[int]) -> str:
        joined = "|".join(self.run.facts[i].hash for i in group)
        return self.run.o.cache.key(hashlib.sha256(joined.encode()).hexdigest()[:24], self.run.o.model_key, PROMPT_VERSION)

    def _sequence(self, group: list[int]) -> dict[int, str]:
        r = self.run
        key = self._key(group)
        hit = r.o.cache.get(key)
        if hit is not None and isinstance(hit.get("scenes"), dict):
            r.cached += len(group)
            self.source.update({i: "cache" for i in group})
            self.sequence_text[tuple(group)] = hit.get("sequence", "")
            return {i: hit["scenes"].get(r.labels[i], r.facts[i].extractive()) for i in group}
        if r.o.clock() > r.deadline:
            self.source.update({i: "extractive" for i in group})
            self.sequence_text[tuple(group)] = " ".join(r.facts[i].extractive() for i in group)
            return {i: r.facts[i].extractive() for i in group}  # not cached: a later run may do better
        blocks = []
        for i in group:
            scene = r.script.scenes[i]
            body = "\n".join(plain(e.text) if e.type.value != "character" else e.cue_name
                             for e in scene.elements if e.text.strip())
            blocks.append(f"[sc. {r.labels[i]}] {plain(scene.heading.text)}\n{body[:SCENE_CHARS]}")
        prompt = render("sequence_free.md", scenes=quote_data("SCENES", "\n\n".join(blocks)), first=r.labels[group[0]])
        reply = r.ask_raw(prompt, max_new_tokens=90 * len(group) + 120)
        lines: dict[str, str] = {}
        sequence = ""
        for line in reply.splitlines():
            seq = _SEQ_RE.match(line)
            if seq:
                sequence = seq.group(1)
                continue
            m = _LINE_RE.match(line)
            if m and m.group(1).upper() not in lines:
                lines[m.group(1).upper()] = m.group(2)
        scenes: dict[str, str] = {}
        for i in group:
            label = r.labels[i]
            got = self._accept(lines.get(label.upper(), ""), f"scene {label}")
            scenes[label] = got or r.facts[i].extractive()
            self.source[i] = "model" if got else "extractive"
        seq_text = self._accept(sequence, f"the sequence from scene {r.labels[group[0]]}") or " ".join(
            scenes[r.labels[i]] for i in group)
        self.sequence_text[tuple(group)] = seq_text
        r.o.cache.put(key, {"scenes": scenes, "sequence": seq_text})
        return {i: scenes[r.labels[i]] for i in group}

    def _accept(self, text: str, what: str) -> str:
        """The checked text, or "" with the reason recorded when nothing faithful is left."""
        if not text.strip():
            self.run.repairs.append(f"{what}: the model wrote nothing for it; the program's own summary is used")
            return ""
        checked = check(text, self.run.script_facts)
        self.run.repairs += [f"{what}: {x}" for x in checked.reasons]
        if not checked.text or len(checked.text.split()) < 3:
            self.run.repairs.append(f"{what}: nothing faithful was left; the program's own summary is used")
            return ""
        return checked.text

    # -- reduce: acts, then the script -------------------------------------------------------------------
    def reduce(self, level: str, texts: list[str], what: str, scope: str) -> str:
        """One paragraph (or a logline) from lower-level summaries; the summaries joined when refused."""
        r = self.run
        fallback = " ".join(texts)
        if r.o.clock() > r.deadline or not texts:
            return fallback
        protagonist = display_name(r.stats.characters[0].name) if r.stats.characters else "the lead"
        prompt = render("reduce_free.md", level=level, what=what, scope=scope, protagonist=protagonist,
                        summaries=quote_data("SUMMARIES", "\n".join(f"- {t}" for t in texts)),
                        sentences=max(3, min(8, len(texts) * 2)))
        reply = r.ask_raw(prompt, max_new_tokens=90 if level == "logline" else 320)
        text = " ".join(line.strip() for line in reply.splitlines() if line.strip())
        text = re.sub(r"^(?:logline|paragraph|summary)\s*:\s*", "", text, flags=re.IGNORECASE)
        got = self._accept(text, scope)
        if level == "logline" and got:
            got = (sentences(got) or [got])[0]
        return got or fallback

    def acts(self, indices: list[int]) -> list[tuple[int, list[int], str]]:
        """(act number, its scenes in `indices`, its paragraph) for every act `indices` touch."""
        self.map(indices)
        bounds = find_acts(self.run.script).bounds(len(self.run.script.scenes))
        out = []
        for a, (lo, hi) in enumerate(zip(bounds, bounds[1:]), start=1):
            in_act = [i for i in indices if lo <= i < hi]
            if not in_act:
                continue
            seqs = [t for g, t in self.sequence_text.items() if g[0] in in_act]
            text = seqs[0] if len(seqs) == 1 else self.reduce("page", seqs, "the sequences", f"act {a}")
            out.append((a, in_act, text))
        return out

    def prose(self, level: str, indices: list[int], scope: str) -> str:
        """A logline, a synopsis or a page: acts from sequences, then the script from the acts."""
        acts = self.acts(indices)
        if level == "page":
            return "\n\n".join(f"### Act {a} (pp. {self.run.facts[ix[0]].page}–{self.run.facts[ix[-1]].page})\n\n{t}"
                                for a, ix, t in acts)
        texts = [t for _, _, t in acts]
        return self.reduce(level, texts, "the acts" if len(texts) > 1 else "the story", scope)
