"""Summaries of a draft at five levels: map over (salient) scenes, then reduce, with structure made by the program.

The model only polishes: per-scene notes (place, who, key action) become one sentence, and the reduce step may
turn a program-made list of events into prose. Every model sentence is checked against the script and falls back
to the program's own words when it invents, drifts or breaks.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from screenplay import stats as script_stats
from screenplay.bible import labelled
from screenplay.model import Script
from screenplay.scope import Scope, find_acts
from tools.base import ToolError
from tools.context import ToolContext
from tools.progress import Progress
from tools.summarizer import faithful
from tools.summarizer.beats import Beat, place_beats
from tools.summarizer.cache import SummaryCache
from tools.summarizer.facts import SceneFacts, content_words, display_name, prose, scene_facts, sentences
from tools.summarizer.prompting import quote_data, render
from tools.summarizer.salience import salience, select
from screenplay.record import Record

LEVELS = ("logline", "synopsis", "page", "beats", "scenes")
# Bump when a prompt or the acceptance rules change: cached scene summaries are then redone.
PROMPT_VERSION = "scene-v2"
# Scenes the reduce step works from, per level (the map step summarises at least these).
REDUCE_SCENES = {"logline": 6, "synopsis": 10, "page": 24}
ACT_NAMES = ("One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")



@dataclass
class SceneSummary(Record):
    index: int
    label: str
    page: int
    heading: str
    who: str
    text: str
    source: str  # "model", "extractive" (the program's own line) or "cache"


@dataclass
class Summary:
    level: str
    scope: str  # "the whole script", "act 2", "scene 5"
    text: str  # Markdown for the writer
    scenes: list[SceneSummary] = field(default_factory=list)
    beats: list[Beat] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # faithfulness fixes made to model output
    model_calls: int = 0
    cached: int = 0
    selected: int = 0  # scenes the map step worked on
    total_scenes: int = 0
    seconds: float = 0.0
    prompt: str | None = None  # the last prompt sent to the model

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level, "scope": self.scope, "text": self.text,
            "scenes": [s.to_dict() for s in self.scenes], "beats": [b.to_dict() for b in self.beats],
            "repairs": list(self.repairs), "model_calls": self.model_calls, "cached": self.cached,
            "selected": self.selected, "total_scenes": self.total_scenes, "seconds": round(self.seconds, 3),
        }


def _model_key(chat_model: Any) -> str:
    params = getattr(chat_model, "_identifying_params", {}) or {}
    return f"{type(chat_model).__name__}:{json.dumps(params, sort_keys=True, default=str)}"


def _bounded(chat_model: Any, max_new_tokens: int) -> Any:
    """A copy that stops after `max_new_tokens` when the model has that knob (the local backend)."""
    fields = getattr(type(chat_model), "model_fields", {})
    if "max_new_tokens" in fields and hasattr(chat_model, "model_copy"):
        return chat_model.model_copy(update={"max_new_tokens": max_new_tokens})
    return chat_model


def _clean_reply(text: str, *, one_line: bool) -> str:
    text = text.strip()
    if one_line:
        text = next((line for line in text.splitlines() if line.strip()), "")
    else:
        text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    for label in ("Sentence:", "Summary:", "Logline:", "Paragraph:", "Answer:"):
        if text.lower().startswith(label.lower()):
            text = text[len(label):].strip()
    text = text.strip(" \"'“”*-")
    if text and text[-1] not in ".!?":
        text += "."
    return text


def _name_list(text: str) -> bool:
    """A list of names in title case ("Edward, Will, Will's Date, Edward And Will, Sandra."), not a sentence:
    five words or more and over 70% of them capitalised ("Margaret and Daniel argue." is 50%)."""
    words = re.findall(r"[A-Za-z'’]+", text)
    return len(words) >= 5 and sum(w[:1].isupper() for w in words) > 0.7 * len(words)


class Summarizer:
    """Summarise a Script. Dependencies are passed in; one instance may serve many writers."""

    def __init__(
        self,
        chat_model: Any,
        *,
        embedder: Any = None,
        cache_dir: Any = None,
        max_model_scenes: int = 24,
        # Past this the remaining scenes keep their program sentence (uncached, so a later run polishes them).
        # Default: 30 s on the scaffold tier (a cold Big Fish synopsis then stays near 45 s on a loaded 2-core
        # machine), 300 s on the free tier (a feature is some 35 sequence calls to a served model).
        time_budget_s: float | None = None,
        max_new_tokens: int = 40,  # one sentence of at most 40 words: more tokens only ran on past it
        clock: Callable[[], float] = time.monotonic,
        writing_tier: str = "scaffold",
    ):
        from tools.library.embedder import as_text_embedder

        self.chat_model = chat_model
        self.embedder = as_text_embedder(embedder) if embedder is not None else None
        self.cache = SummaryCache(cache_dir)
        self.max_model_scenes = max_model_scenes
        self.time_budget_s = time_budget_s if time_budget_s is not None else (300.0 if writing_tier == "free" else 30.0)
        self.max_new_tokens = max_new_tokens
        self.clock = clock
        self.model_key = _model_key(chat_model)
        self.writing_tier = writing_tier  # "free": abstractive map-reduce written by the model

    # -- the public entry --------------------------------------------------------------------------
    def summarize(
        self, script: Script, level: str = "synopsis", *, act: int | None = None, scene: int | None = None,
        progress: Progress | None = None, scope: Scope | None = None,
    ) -> Summary:
        if level not in LEVELS:
            raise ToolError(f"unknown summary level {level!r}; use one of: {', '.join(LEVELS)}")
        if not script.scenes:
            raise ToolError("the draft has no scenes to summarise (no scene headings such as INT. KITCHEN - DAY)")
        started = self.clock()
        run = _Run(self, script, progress)
        indices, scope = run.scope(scope, act, scene, level)
        if self.writing_tier == "free" and level != "beats":
            summary = run.free(level, indices, scope)
        elif level == "beats":
            summary = run.beats(indices)
        elif level == "scenes":
            summary = run.outline(indices)
        else:
            summary = run.prose(level, indices, scope)
        summary.scope = scope
        summary.total_scenes = len(script.scenes)
        summary.seconds = self.clock() - started
        return summary


class _Run:
    """One summarisation: the script's numbers, the facts per scene, and the calls made."""

    def __init__(self, owner: Summarizer, script: Script, progress: Progress | None):
        self.o = owner
        self.script = script
        self.progress = progress
        st = script_stats.compute(script)
        self.stats = st
        self.labels = [s.number for s in st.scenes]
        total = sum(s.eighths for s in st.scenes) or 1
        self.positions: list[float] = []
        acc = 0
        for s in st.scenes:
            self.positions.append(acc / total)
            acc += s.eighths
        self.facts = [scene_facts(script, i, self.labels[i], st.scenes[i].page) for i in range(len(script.scenes))]
        self.script_facts = faithful.ScriptFacts.of(script, self.labels, st.pages)
        self.calls = 0
        self.cached = 0
        self.repairs: list[str] = []
        self.accepted: set[str] = set()  # model scene sentences kept in this run
        self.prompt: str | None = None
        self.deadline = owner.clock() + owner.time_budget_s
        self._scores: dict[tuple[int, ...], list[float]] = {}

    # -- scope and selection -----------------------------------------------------------------------
    def scope(self, scope: Scope | None, act: int | None, scene: int | None, level: str) -> tuple[list[int], str]:
        if scope is None:
            scope = ToolContext(script=self.script).scope_for(act=act, scene=scene)
        if level == "beats" and not scope.whole:
            raise ToolError("a beat sheet maps the whole script; ask for it without an act or scene")
        if scope.scene is not None:
            return [scope.scene], f"scene {self.labels[scope.scene]}"
        return scope.indices, scope.label

    def scores(self, indices: list[int]) -> list[float]:
        key = tuple(indices)
        if key not in self._scores:
            texts = [self.script.scenes[i].text for i in indices]
            self._scores[key] = list(salience(
                texts, [self.positions[i] for i in indices], [self.facts[i].words for i in indices], self.o.embedder
            ))
        return self._scores[key]

    def salient(self, indices: list[int], k: int) -> list[int]:
        return [indices[j] for j in select(np.asarray(self.scores(indices)), k)]

    # -- map: one sentence per scene ---------------------------------------------------------------
    def scene_summaries(self, wanted: list[int], order: list[int] | None = None) -> dict[int, SceneSummary]:
        """Summaries for `wanted` scenes; the model works through `order` (most salient first) within budget."""
        if self.o.writing_tier == "free":  # the beat sheet's anchor scenes, written by the model
            from tools.summarizer.abstractive import Abstractive

            ab = Abstractive(self)
            texts = ab.map(wanted)
            return {i: self._make(self.facts[i], texts[i], ab.source[i]) for i in wanted}
        order = order or wanted
        out: dict[int, SceneSummary] = {}
        for done, i in enumerate(order, 1):
            out[i] = self.scene_summary(i, use_model=done <= self.o.max_model_scenes)
            if self.progress:
                self.progress(done, len(order), f"scene {self.labels[i]}")
        return {i: out[i] for i in wanted}

    def scene_summary(self, i: int, *, use_model: bool = True) -> SceneSummary:
        f = self.facts[i]
        key = self.o.cache.key(f.hash, self.o.model_key, PROMPT_VERSION)
        hit = self.o.cache.get(key)
        if hit is not None and isinstance(hit.get("text"), str):
            self.cached += 1
            return self._make(f, hit["text"], "cache")
        if not use_model or self.o.clock() > self.deadline:
            return self._make(f, f.extractive(), "extractive")  # not cached: a later run may polish it
        text, source = self._polish_scene(f)
        self.o.cache.put(key, {"text": text, "source": source, "label": f.label})
        return self._make(f, text, source)

    def free(self, level: str, indices: list[int], scope: str) -> Summary:
        """The free tier: the model summarises scenes, sequences, acts and the script (tools.summarizer.abstractive)."""
        from tools.summarizer.abstractive import Abstractive

        ab = Abstractive(self)
        if level == "scenes" or len(indices) == 1:
            texts = ab.map(indices)
            sums = [self._make(self.facts[i], texts[i], ab.source[i]) for i in indices]
            if level == "scenes":
                text = "\n".join(f"- **Scene {s.label}** (p. {s.page}) {s.heading}{' — ' + s.who if s.who else ''}: {s.text}"
                                  for s in sums)
            else:
                s = sums[0]
                text = f"**Scene {s.label}** (p. {s.page}) {s.heading}\n\n{s.text}"
            return self._summary(level, text, sums, len(indices))
        text = ab.prose(level, indices, scope)
        if level == "logline":
            text = f"**Logline.** {text}"
        texts = ab.map(indices)  # done by now: the scene lines for the data
        return self._summary(level, text, [self._make(self.facts[i], texts[i], ab.source[i]) for i in indices],
                             len(indices))

    def ask_raw(self, user: str, *, max_new_tokens: int) -> str:
        """One model call, the reply as written (the free tier parses it itself)."""
        from langchain_core.messages import HumanMessage, SystemMessage

        self.prompt = user
        self.calls += 1
        model = _bounded(self.o.chat_model, max_new_tokens)
        reply = model.invoke([SystemMessage(content=render("system.md")), HumanMessage(content=user)])
        return reply.content if isinstance(reply.content, str) else str(reply.content)

    def _make(self, f: SceneFacts, text: str, source: str) -> SceneSummary:
        return SceneSummary(f.index, f.label, f.page, f.heading, f.who, text, source)

    def _ask(self, user: str, *, one_line: bool, max_new_tokens: int) -> str:
        from langchain_core.messages import HumanMessage, SystemMessage

        messages = [SystemMessage(content=render("system.md")), HumanMessage(content=user)]
        self.prompt = user
        self.calls += 1
        model = _bounded(self.o.chat_model, max_new_tokens)
        reply = model.invoke(messages, stop=["\n"] if one_line else None)
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        return _clean_reply(content, one_line=one_line)

    def _polish_scene(self, f: SceneFacts) -> tuple[str, str]:
        notes = [f"Where: {f.place}", *labelled([("Who", f.who), ("What happens", f.key_sentence),
                                                 ("Key line", f.key_line)])]
        names = ", ".join(display_name(n) for n in f.present)
        reply = self._ask(
            render("scene.md", notes=quote_data("NOTES", "\n".join(notes)), names=names),
            one_line=True, max_new_tokens=self.o.max_new_tokens,
        )
        accepted = self._accept(reply, self.script.scenes[f.index].text, [f.who, f.place], (4, 40))
        if accepted and (_name_list(accepted) or accepted in self.accepted):
            accepted = None  # "Edward, Will, Will's Date, Sandra." or the same line for two scenes says nothing
        if accepted:
            self.accepted.add(accepted)
        return (accepted, "model") if accepted else (f.extractive(), "extractive")

    def _accept(self, reply: str, source_text: str, grounding: list[str], words: tuple[int, int]) -> str | None:
        """The reply when it is faithful, grounded in the source and of a sane length; else None."""
        if not reply or "<<<" in reply or ">>>" in reply:
            return None
        fixed = faithful.repair(reply, self.script_facts)
        if fixed.violations:
            self.repairs += fixed.repairs
        if any(r.startswith("dropped") for r in fixed.repairs) or not fixed.text:
            return None
        n = len(fixed.text.split())
        if not words[0] <= n <= words[1]:
            return None
        source_words = set(content_words(" ".join(grounding) + " " + source_text))
        reply_words = content_words(fixed.text)
        if not reply_words:
            return None
        # Mostly the source's own words: a reply that drifts off into its own story is not a summary.
        shared = sum(1 for w in reply_words if w in source_words) / len(reply_words)
        return fixed.text if shared >= 0.6 else None

    # -- reduce ------------------------------------------------------------------------------------
    def outline(self, indices: list[int]) -> Summary:
        k = min(len(indices), self.o.max_model_scenes)
        order = sorted(indices, key=lambda i: -self.scores(indices)[indices.index(i)])
        polish = set(self.salient(indices, k))
        sums = {}
        for done, i in enumerate(order, 1):
            sums[i] = self.scene_summary(i, use_model=i in polish)
            if self.progress:
                self.progress(done, len(order), f"scene {self.labels[i]}")
        lines = []
        for i in indices:
            s = sums[i]
            who = f" — {s.who}" if s.who else ""
            lines.append(f"- **Scene {s.label}** (p. {s.page}) {s.heading}{who}: {s.text}")
        return self._summary("scenes", "\n".join(lines), [sums[i] for i in indices], len(polish))

    def beats(self, indices: list[int]) -> Summary:
        scores = self.scores(indices)
        beats = place_beats(self.positions, [f.page for f in self.facts], self.labels, self.stats.pages, scores)
        anchors = list(dict.fromkeys(b.scene_index for b in beats))
        sums = self.scene_summaries(anchors)
        lines = []
        for n, b in enumerate(beats, 1):
            b.text = sums[b.scene_index].text
            lines.append(f"{n}. **{b.name}** (p. {b.pages}; scene {b.scene}): {b.text}")
        summary = self._summary("beats", "\n".join(lines), [sums[i] for i in anchors], len(anchors))
        summary.beats = beats
        return summary

    def prose(self, level: str, indices: list[int], scope: str) -> Summary:
        if len(indices) == 1:
            return self._one_scene(level, indices[0])
        k = min(len(indices), REDUCE_SCENES[level])
        chosen = self.salient(indices, k)
        order = sorted(chosen, key=lambda i: -self.scores(indices)[indices.index(i)])
        sums = self.scene_summaries(chosen, order)
        if level == "page":
            text = self._page(indices, chosen, sums, scope)
        else:
            events = [sums[i].text for i in chosen]
            if level == "logline":  # one sentence per event keeps a logline to one line
                events = [(sentences(e) or [e])[0] for e in events]
            text = self._reduce(level, events, scope)
            if level == "logline":
                text = f"**Logline.** {text}"
        return self._summary(level, text, [sums[i] for i in chosen], len(chosen))

    def _one_scene(self, level: str, i: int) -> Summary:
        s = self.scene_summary(i)
        if level == "logline":
            text = s.text
        else:
            f = self.facts[i]
            action = [e.text for e in self.script.scenes[i].elements if e.type.value == "action"]
            extra = [prose(x) for block in action for x in sentences(block) if prose(x) != f.key_sentence][:4 if level == "page" else 2]
            text = " ".join([s.text, *extra])
        heading = f"**Scene {s.label}** (p. {s.page}) {s.heading}"
        return self._summary(level, f"{heading}\n\n{text}", [s], 1)

    def _page(self, indices: list[int], chosen: list[int], sums: dict[int, SceneSummary], scope: str) -> str:
        bounds = find_acts(self.script).bounds(len(self.script.scenes))
        parts = []
        for a, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
            in_act = [i for i in chosen if lo <= i < hi]
            if not in_act:
                continue
            paragraph = self._reduce("page", [sums[i].text for i in in_act], f"act {a + 1}")
            title = f"Act {ACT_NAMES[a]}" if a < len(ACT_NAMES) else f"Act {a + 1}"
            first, last = self.facts[in_act[0]], self.facts[in_act[-1]]
            parts.append(f"### {title} (pp. {first.page}–{max(first.page, last.page)})\n\n{paragraph}")
        return "\n\n".join(parts)

    def _reduce(self, level: str, events: list[str], scope: str) -> str:
        """Prose from events: the model's when it keeps to them, else the events joined by the program."""
        program = " ".join(events)
        names = self.script.characters
        protagonist = display_name(self.stats.characters[0].name) if self.stats.characters else "the hero"
        if level == "logline":
            first = events[1] if len(events) > 2 else events[0]  # the catalyst rather than the opening image
            program = first if len(events) == 1 else f"{first.rstrip('.')}; in the end, {events[-1]}"
        if self.o.clock() > self.deadline:
            return program
        limits = {"logline": (8, 60), "synopsis": (20, 260), "page": (15, 260)}[level]
        prompt = render(
            "reduce.md", level=level, scope=scope, protagonist=protagonist,
            events=quote_data("EVENTS", "\n".join(f"- {e}" for e in events)), sentences=max(3, len(events) // 2),
        )
        # A synopsis the checks accept is 20-260 words; 160 tokens (~120 words) cut the longest call of a cold run.
        reply = self._ask(prompt, one_line=level == "logline", max_new_tokens={"logline": 60, "synopsis": 160}.get(level, 240))
        accepted = self._accept(reply, program, [display_name(n) for n in names[:10]], limits)
        if accepted and self._covers(accepted, events):
            return accepted
        return program

    @staticmethod
    def _covers(text: str, events: list[str]) -> bool:
        """Prose keeps the story: it mentions most of the events' content words' themes (half the events)."""
        words = set(content_words(text))
        kept = sum(1 for e in events if len(words & set(content_words(e))) >= 2)
        return kept >= max(1, len(events) // 2)

    def _summary(self, level: str, text: str, scenes: list[SceneSummary], selected: int) -> Summary:
        return Summary(
            level=level, scope="", text=text, scenes=scenes, repairs=list(dict.fromkeys(self.repairs)),
            model_calls=self.calls, cached=self.cached, selected=selected, prompt=self.prompt,
        )
