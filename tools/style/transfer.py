"""Style transfer element by element: the model restyles each action block and speech, the program keeps
headings, cues and order, and every rewrite is checked (structure, names, meaning) before it is kept."""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from screenplay.formats import fountain
from screenplay.model import Element, ElementType, Script
from tools.base import ToolError
from tools.style.presets import Preset
from tools.style.structure import RESTYLED, reparsed_shape
from tools.summarizer.facts import display_name, plain, sentences
from tools.summarizer.faithful import ScriptFacts, unknown_names
from tools.progress import Progress
from tools.prompting import quote_data, render
from screenplay.record import Record

PACKAGE = "tools.style"
_LABEL_RE = re.compile(r"^(?:rewritten(?: action| line)?|action|line|answer|[A-Z][A-Z .'\-]{1,30}(?: says)?)\s*:\s*", re.IGNORECASE)


@dataclass
class Failure(Record):
    element: int  # position among restyled elements
    kind: str  # "action" or "dialogue"
    reason: str


@dataclass
class StyleResult:
    style: str
    style_name: str
    source: str  # the Fountain text restyled
    text: str  # the restyled Fountain
    rewritten: int = 0
    kept: int = 0  # elements left as written because every rewrite failed a check
    failures: list[Failure] = field(default_factory=list)
    model_calls: int = 0
    exemplar_source: str = "presets"  # "library" when exemplars came from the scene library
    scenes: list[dict[str, Any]] = field(default_factory=list)  # per scene: mode, rewritten, kept, reasons
    tier: str = "scaffold"  # the writing tier that restyled it (ModelInfo.writing_tier)
    metrics: dict[str, Any] = field(default_factory=dict)
    prompt: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["failures"] = [f.to_dict() for f in self.failures]
        d.pop("prompt")
        return d


def _clean(reply: str) -> str:
    text = reply.strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    text = " ".join(lines)
    prev = None
    while prev != text:
        prev = text
        text = _LABEL_RE.sub("", text, count=1).strip()
    return text.strip(" \"“”")


def exemplar_lines(scene_text: str) -> tuple[list[str], list[str]]:
    """Action and dialogue lines of a library hit's plain text (cue lines are short and in capitals)."""
    action, dialogue = [], []
    lines = [line.strip() for line in scene_text.splitlines()[1:] if line.strip()]
    after_cue = False
    for line in lines:
        if line.isupper() and len(line) < 40 and not line.endswith(("TO:", ".")):
            after_cue = True
            continue
        if line.startswith("("):
            continue
        (dialogue if after_cue else action).append(plain(line))
        after_cue = False
    return action, dialogue


class StyleTransfer:
    """Restyle Fountain text. Dependencies are passed in; checks that need one are skipped without it."""

    def __init__(
        self,
        chat_model: Any,
        *,
        library: Any = None,
        embedder: Any = None,
        classifier: Any = None,
        perplexity: Callable[[list[str]], list[float]] | None = None,
        retries: int = 1,
        min_similarity: float = 0.3,
        max_new_tokens: int = 96,
        writing_tier: str = "scaffold",
    ):
        from tools.library.embedder import as_text_embedder

        self.chat_model = chat_model
        self.library = library
        self.embedder = as_text_embedder(embedder) if embedder is not None else None
        self.classifier = classifier
        self.perplexity = perplexity
        self.retries = retries
        self.min_similarity = min_similarity
        self.max_new_tokens = max_new_tokens
        self.writing_tier = writing_tier  # "free": a whole scene rewritten at once, element retries for failures

    # -- exemplars ---------------------------------------------------------------------------------
    def exemplars(self, preset: Preset, query: str) -> tuple[list[str], list[str], str]:
        action, dialogue = list(preset.action), list(preset.dialogue)
        if preset.custom or self.library is None or not preset.genre:
            return action, dialogue, "presets" if not preset.custom else "example"
        from tools.library import LibraryError

        try:
            hits = self.library.search(query[:2000] or preset.description, k=2, where={"genre": preset.genre})
        except LibraryError:
            hits = []
        lib_action, lib_dialogue = [], []
        for hit in hits:
            a, d = exemplar_lines(hit.text)
            lib_action += [x for x in a if 20 <= len(x) <= 200][:2]
            lib_dialogue += [x for x in d if 10 <= len(x) <= 160][:2]
        if not (lib_action or lib_dialogue):
            return action, dialogue, "presets"
        return (lib_action[:3] or action), (lib_dialogue[:3] or dialogue), "library"

    # -- the public entry --------------------------------------------------------------------------
    def transfer(self, script: Script, preset: Preset, *, draft: Script | None = None,
                 progress: Progress | None = None) -> StyleResult:
        """Restyle `script` (a scene, an act, an option); `draft` is the whole script it comes from, whose
        characters a rewrite must keep and may mention."""
        if not script.scenes and not script.preamble:
            raise ToolError("there is nothing to restyle: the text has no scenes or lines")
        source_text = fountain.render(_body(script))
        before = reparsed_shape(script)
        work = copy.deepcopy(_body(script))
        action_ex, dialogue_ex, ex_source = self.exemplars(preset, plain(source_text))
        whole = draft if draft is not None else script
        facts = ScriptFacts.of(whole, [], 1)
        names = list(dict.fromkeys(display_name(n) for n in script.characters + whole.characters))
        result = StyleResult(preset.id, preset.name, source_text, "", exemplar_source=ex_source, tier=self.writing_tier)
        parts = [work.preamble] + [sc.elements for sc in work.scenes]
        todo = [(k, [j for j, e in enumerate(els) if e.type in RESTYLED and e.text.strip()]) for k, els in enumerate(parts)]
        todo = [(k, js) for k, js in todo if js]
        base = 0
        for done, (k, js) in enumerate(todo, 1):
            els, numbered = parts[k], {j: base + m for m, j in enumerate(js, 1)}  # failures name element numbers
            base += len(js)
            report: dict[str, Any] = {"scene": k, "heading": work.scenes[k - 1].heading.text if k else "",
                                      "mode": "elements", "reasons": []}
            rewritten, kept = result.rewritten, result.kept
            if self.writing_tier == "free" and k > 0:
                report["mode"] = "whole scene"
                js = self._whole_scene(preset, work, k - 1, js, names, facts, before, action_ex, dialogue_ex,
                                       result, report)
            for j in js:
                if not self._element(preset, els, j, names, facts, work, before, action_ex, dialogue_ex, result,
                                     numbered[j]):
                    report["reasons"].append(result.failures[-1].reason)
            report.update(rewritten=result.rewritten - rewritten, kept=result.kept - kept,
                          element_retries=len(js) if report["mode"] == "whole scene" else 0)
            result.scenes.append(report)
            if progress:
                what = f"scene {k}" if k else "opening lines"
                progress(done, len(todo), f"{what}: {report['rewritten']} restyled, {report['kept']} kept")
        after = reparsed_shape(work)
        if before.differences(after):  # each step was checked, so this is a bug, not the model's doing
            raise AssertionError(f"restyle changed the structure: {before.differences(after)}")
        result.text = fountain.render(work)
        result.metrics = self.measure(result.source, result.text, preset)
        return result

    def _element(self, preset: Preset, els: list[Element], j: int, names: list[str], facts: ScriptFacts,
                 work: Script, before: Any, action_ex: list[str], dialogue_ex: list[str], result: StyleResult,
                 n: int) -> bool:
        """Restyle one element with up to 1 + retries asks; False (and a Failure) when every rewrite failed."""
        el = els[j]
        speaker = _speaker(els, j)
        previous = _previous_text(els, j)
        mentioned = _mentioned(names, el.text)
        reason = "no rewrite tried"
        for attempt in range(1 + self.retries):
            reply = self._ask(preset, el, speaker, previous, mentioned, action_ex, dialogue_ex, result,
                              retry=attempt > 0)
            candidate = _clean(reply)
            reason = self._check(el, candidate, mentioned, facts, work, els, j, before)
            if reason is None:
                els[j] = Element(el.type, candidate, el.extensions, el.dual, False, el.level)
                result.rewritten += 1
                return True
        result.kept += 1
        result.failures.append(Failure(n, el.type.value, reason))
        return False

    def _whole_scene(self, preset: Preset, work: Script, s: int, js: list[int], names: list[str],
                     facts: ScriptFacts, before: Any, action_ex: list[str], dialogue_ex: list[str],
                     result: StyleResult, report: dict[str, Any]) -> list[int]:
        """The free tier: the model rewrites scene `s` at once. Elements whose rewrite passes every check are
        taken; the positions left (all of them when the scene's shape broke) go to element-level retries."""
        from langchain_core.messages import HumanMessage, SystemMessage

        scene = work.scenes[s]
        source = fountain.render(Script(scenes=[scene]))
        if preset.custom:
            examples = quote_data("EXAMPLE", preset.example[:600])
        else:
            examples = quote_data("EXAMPLES", "\n".join(f"- {x}" for x in action_ex + dialogue_ex))
        prompt = render("scene.md", package=PACKAGE, style_name=preset.name, description=preset.description,
                        examples=examples, scene=quote_data("SCENE", source))
        result.prompt = prompt
        result.model_calls += 1
        reply = self.chat_model.invoke([SystemMessage(content=system_prompt()),
                                        HumanMessage(content=prompt)])
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        got = fountain.parse(_unfence(text))
        diffs = ["the reply is not one scene"] if len(got.scenes) != 1 or got.preamble else \
            reparsed_shape(Script(scenes=[scene])).differences(reparsed_shape(Script(scenes=got.scenes)))
        if diffs:
            report["reasons"].append("whole-scene rewrite refused: " + "; ".join(diffs))
            result.failures.append(Failure(0, "scene", f"scene {s + 1}: " + "; ".join(diffs)))
            return js
        new = [e for e in got.scenes[0].elements if e.type is not ElementType.NOTE]
        old = [j for j, e in enumerate(scene.elements) if e.type is not ElementType.NOTE]
        left = []
        for j in js:
            el, candidate = scene.elements[j], new[old.index(j)].text.strip()
            why = self._check(el, candidate, _mentioned(names, el.text), facts, work, scene.elements, j, before)
            if why is None:
                if candidate != el.text:
                    scene.elements[j] = Element(el.type, candidate, el.extensions, el.dual, False, el.level)
                result.rewritten += 1
            else:
                report["reasons"].append(f"element {j + 1}: {why}")
                left.append(j)
        return left

    def _ask(self, preset: Preset, el: Element, speaker: str, previous: str, mentioned: list[str],
             action_ex: list[str], dialogue_ex: list[str], result: StyleResult, *, retry: bool = False) -> str:
        from langchain_core.messages import HumanMessage, SystemMessage

        is_action = el.type is ElementType.ACTION
        prompt = element_prompt(preset, action=is_action, original=plain(el.text),
                                examples=action_ex if is_action else dialogue_ex, names=mentioned,
                                speaker=display_name(speaker) if speaker else "", previous=previous)
        result.prompt = prompt
        result.model_calls += 1
        model = self.chat_model
        fields = getattr(type(model), "model_fields", {})
        update: dict[str, Any] = {}
        if "max_new_tokens" in fields:
            update["max_new_tokens"] = self.max_new_tokens
        if retry and "temperature" in fields:
            # A greedy retry would repeat the rejected answer word for word: sample instead.
            update["temperature"] = max(float(getattr(model, "temperature", 0) or 0), 0.7)
        if update:
            model = model.model_copy(update=update)
        reply = model.invoke([SystemMessage(content=system_prompt()), HumanMessage(content=prompt)], stop=["\n\n"])
        return reply.content if isinstance(reply.content, str) else str(reply.content)

    def _check(self, el: Element, candidate: str, mentioned: list[str], facts: ScriptFacts, work: Script,
               els: list[Element], j: int, before: Any) -> str | None:
        """Why `candidate` cannot replace `el`, or None when it can."""
        if not candidate or "<<<" in candidate or ">>>" in candidate:
            return "the model returned nothing usable"
        n_old, n_new = len(plain(el.text).split()), len(candidate.split())
        if n_new > 3 * n_old + 25:
            return f"the rewrite ran long ({n_new} words for {n_old})"
        old = els[j]
        els[j] = Element(el.type, candidate, el.extensions, el.dual, False, el.level)
        try:
            diffs = before.differences(reparsed_shape(work))
        finally:
            els[j] = old
        if diffs:
            return "; ".join(diffs)
        missing = [nm for nm in mentioned if not re.search(r"\b" + re.escape(nm) + r"\b", candidate, re.IGNORECASE)]
        if missing:
            return "the rewrite lost " + ", ".join(missing)
        invented = [w for sent in sentences(candidate) for w in unknown_names(sent, facts, any_opening=True)
                    if w.lower() not in _STYLE_WORDS]
        if invented:
            return "the rewrite named someone not in the scene: " + ", ".join(dict.fromkeys(invented))
        if self.embedder is not None:
            vecs = self.embedder.embed([plain(el.text), candidate])
            sim = float(vecs[0] @ vecs[1])
            if sim < self.min_similarity:
                return f"the rewrite drifted from the meaning (similarity {sim:.2f})"
        return None

    # -- measures (STRAP: style strength, meaning kept, fluency) --------------------------------------
    def measure(self, source: str, output: str, preset: Preset) -> dict[str, Any]:
        from tools.style.metrics import strap

        return strap(source, output, preset, embedder=self.embedder, classifier=self.classifier,
                     perplexity=self.perplexity)


def system_prompt() -> str:
    return render("system.md", package=PACKAGE)


def element_prompt(preset: Preset, *, action: bool, original: str, examples: list[str] | tuple[str, ...],
                   names: list[str] | tuple[str, ...] = (), speaker: str = "", previous: str = "") -> str:
    """The scaffold tier's ask for one action block or speech; finetune/style_pairs.py trains on this very
    prompt, so a style adapter learns the task it is given at run time."""
    if preset.custom:
        examples_block = quote_data("EXAMPLE", preset.example[:600])
    else:
        examples_block = quote_data("EXAMPLES", "\n".join(f"- {x}" for x in examples))
    return render(
        "action.md" if action else "dialogue.md", package=PACKAGE, style_name=preset.name,
        description=preset.description, examples=examples_block, original=quote_data("ORIGINAL", original),
        names=", ".join(names), speaker=speaker or "the character",
        previous=quote_data("BEFORE", previous) if previous else "",
    )


def _body(script: Script) -> Script:
    """The script without its title page: restyling is about the pages, not the cover."""
    return Script(preamble=script.preamble, scenes=script.scenes, source_format=script.source_format)


def _mentioned(names: list[str], text: str) -> list[str]:
    return [nm for nm in names if re.search(r"\b" + re.escape(nm) + r"\b", plain(text), re.IGNORECASE)]


def _unfence(text: str) -> str:
    """A reply's Fountain without a Markdown code fence around it."""
    m = re.search(r"```[a-z]*\n(.*?)(?:```|$)", text, re.DOTALL)
    return (m.group(1) if m else text).strip() + "\n"


def _speaker(els: list[Element], j: int) -> str:
    for k in range(j - 1, -1, -1):
        if els[k].type is ElementType.CHARACTER:
            return els[k].cue_name
        if els[k].type not in (ElementType.DIALOGUE, ElementType.PARENTHETICAL, ElementType.NOTE):
            break
    return ""


def _previous_text(els: list[Element], j: int) -> str:
    for k in range(j - 1, -1, -1):
        if els[k].type in RESTYLED and els[k].text.strip():
            return plain(els[k].text)[:300]
    return ""


# Capitalised words a style may bring without naming anyone (oaths, address, interjections).
_STYLE_WORDS = frozenset({"o", "fie", "thee", "thou", "thy", "thine", "sir", "madam", "lord", "lady", "god", "heavens", "alas",
            "oh", "ah", "hey", "wow", "gosh", "golly", "mister", "miss", "ma'am", "sweetheart", "kid", "pal",
            "yes", "no", "well", "listen", "look", "please", "forgive", "enter", "exit", "exeunt", "behold", "i"})
