"""Answering a question about the attached draft: the program's fact first, a model's words only when checked."""

from __future__ import annotations

import os
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from agent.grounding.draft import Citation, Draft
from agent.grounding.facts import Fact, program_answer, scene_fact
from agent.grounding.search import SceneIndex, best_sentences, content_words
from agent.grounding.verify import check_answer, check_phrasing, cited_scenes
from agent.prompting import quote_data, render_prompt
from screenplay.model import Script
from screenplay.scope import ScopeError, find_scene

PACKAGE = "agent.grounding"
# Below this cosine (plus shared-word bonus) no scene is about the question: the draft cannot answer it.
MIN_SCORE = 0.32
PHRASE_TOKENS = 60
EXAMPLE_REPLY = "KANE is on screen the most: 12 of 30 scenes, starting in scene 4, INT. DOCKS - NIGHT."
ANSWER_TOKENS = 220
_QUESTION_RE = re.compile(r"^\s*(who|whom|whose|what|what's|where|when|why|how|which|does|do|did|is|are|was|were|"
                          r"can|could|tell me|list|name)\b", re.IGNORECASE)
# "the protagonist", "my ending", "act two", "scene 4": the draft itself, not screenwriting in general ("a good villain").
_DRAFT_WORDS = re.compile(r"\b(the|my|this|our|its)\s+(?:\w+\s+)?(scenes?|acts?|script|draft|screenplay|story|film|movie|"
                          r"protagonist|antagonist|villain|hero|heroine|lead|ending|opening|title|characters?|cast|"
                          r"pages?)\b|\b(scene|act)\s+(\d+|one|two|three|four|five|i{1,3}|iv|v)\b", re.IGNORECASE)
# Asking for advice, judgement or new material is not a question the draft answers; the chat (or a tool) takes it.
_ADVICE_RE = re.compile(r"\b(should|could|would|can you|can i|how do i|how can i|what if|ideas?|suggest|improve|"
                        r"better|fix|help|tips?|write|rewrite|too|enough|work|works|good|bad|strong|weak|boring|"
                        r"clear|wrong|like)\b", re.IGNORECASE)
_NAMED_SCENE_RE = re.compile(r"\b(?:the|in|at)\s+([a-z][\w' -]{1,40}?)\s+scene\b", re.IGNORECASE)


@dataclass
class GroundedAnswer:
    text: str  # what the writer reads, the citations included
    citations: list[Citation]
    source: str  # "program" (the counted fact) or "model" (checked phrasing or answer)
    fact: Fact
    rejected: str = ""  # why a model's words were not used
    model_text: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        return self.fact.answerable

    def to_dict(self) -> dict[str, Any]:
        return {"answer": self.text, "citations": [c.to_dict() for c in self.citations], "source": self.source,
                "answerable": self.answerable, "fact": self.fact.to_dict(), "rejected": self.rejected,
                "model_text": self.model_text, "seconds": self.seconds}


def cite_line(citations: list[Citation]) -> str:
    return "Cited: " + "; ".join(str(c) for c in citations) + "." if citations else ""


class DraftAsker:
    """Shared by every session: the embedder, and a small cache of drafts (by text fingerprint) with their indexes."""

    def __init__(self, embedder: Any = None, cache_dir: str | Path | None = None, cache_size: int = 4):
        """``embedder``: the library's (a SentenceTransformer or TextEmbedder), a function that loads one on the first
        question that needs retrieval (the CLI: counted facts need none), or None for a model-free hashing embedder."""
        self._embedder_source = embedder
        self._embedder: Any = None
        self._embedder_lock = threading.Lock()  # the background index and a question may both ask for it first
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None  # vectors per draft revision, on disk
        self.cache_size = cache_size
        self._drafts: OrderedDict[str, tuple[Draft, SceneIndex | None]] = OrderedDict()
        self._building: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Any:
        with self._embedder_lock:
            if self._embedder is None:
                from tools.library.embedder import HashingEmbedder, as_text_embedder

                source = self._embedder_source
                if callable(source) and not hasattr(source, "encode") and not hasattr(source, "embed"):
                    source = source()
                # Without the MiniLM (fake-model tests), a hashing embedder still finds scenes by shared words.
                self._embedder = as_text_embedder(source) if source is not None else HashingEmbedder()
            return self._embedder

    # ---- per-draft caches --------------------------------------------------------------------
    def draft(self, script: Script) -> Draft:
        fresh = Draft(script)
        with self._lock:
            cached = self._drafts.get(fresh.key)
            if cached is not None and cached[0].script is script:
                self._drafts.move_to_end(fresh.key)
                return cached[0]
            fresh.scene_windows  # noqa: B018 -- fixed now, before anyone can edit the script in place
            index = cached[1] if cached is not None else None
            # The same text in another Script object (an undo restores a copy): the vectors still hold.
            self._remember(fresh, SceneIndex(fresh, index.embedder, index.owners, index.vectors) if index else None)
        return fresh

    def _remember(self, draft: Draft, index: SceneIndex | None) -> None:
        self._drafts[draft.key] = (draft, index)
        self._drafts.move_to_end(draft.key)
        while len(self._drafts) > self.cache_size:
            self._drafts.popitem(last=False)

    def index(self, draft: Draft) -> SceneIndex:
        """The draft's scene index: from memory, else from the disk cache, else embedded now (once: a second
        caller waits for the first one's build)."""
        while True:
            with self._lock:
                cached = self._drafts.get(draft.key)
                if cached is not None and cached[1] is not None:
                    return cached[1]
                building = self._building.get(draft.key)
                if building is None:
                    self._building[draft.key] = threading.Event()
                    break
            building.wait()
        try:
            built = self._load(draft)
            if built is None:
                with self._lock:  # the newest index of any revision: its unchanged windows need no embedding
                    previous = next((ix for _, ix in reversed(self._drafts.values()) if ix is not None), None)
                known = previous.windows() if previous is not None else None
                built = self._save(SceneIndex.build(draft, self.embedder, known))
            with self._lock:
                self._remember(draft, built)
            return built
        finally:
            with self._lock:
                self._building.pop(draft.key).set()

    def warm(self, script: Script) -> threading.Thread:
        """Index the draft in the background (at attach), so the first question that needs retrieval finds it ready."""
        thread = threading.Thread(target=self.index, args=(self.draft(script),), daemon=True, name="draft-index")
        thread.start()
        return thread

    def _path(self, draft: Draft) -> Path | None:
        return self.cache_dir / f"{draft.key}-{self.embedder.name}.npz" if self.cache_dir is not None else None

    def _load(self, draft: Draft) -> SceneIndex | None:
        path = self._path(draft)
        if path is None or not path.exists():
            return None
        try:
            with np.load(path) as data:
                return SceneIndex(draft, self.embedder, data["owners"], data["vectors"])
        except (OSError, ValueError, KeyError):
            return None  # a damaged cache file is rebuilt

    def _save(self, index: SceneIndex) -> SceneIndex:
        path = self._path(index.draft)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{threading.get_ident()}.tmp.npz")
            np.savez(tmp, owners=index.owners, vectors=index.vectors)
            os.replace(tmp, path)  # atomic: a reader sees the old file or the whole new one
        return index

    # ---- the program's answer ----------------------------------------------------------------
    def about_draft(self, script: Script, question: str) -> bool:
        """A question the draft should answer (not "how do I write a villain?", not "write a scene")."""
        draft = self.draft(script)
        if program_answer(draft, question) is not None:
            return True
        if not (_QUESTION_RE.search(question) or question.strip().endswith("?")) or _ADVICE_RE.search(question):
            return False
        return bool(draft.characters_in(question) or _DRAFT_WORDS.search(question) or _mentions_place(draft, question))

    def program(self, script: Script, question: str) -> Fact:
        draft = self.draft(script)
        fact = program_answer(draft, question)
        if fact is not None:
            return fact
        named = _NAMED_SCENE_RE.search(question)
        if named and re.search(r"\b(happen|happens|going on|who is in|who's in|about)\b", question, re.IGNORECASE):
            ref = re.sub(r"^(the|a|an)\s+", "", named.group(1).strip(), flags=re.IGNORECASE)
            if any(ref.lower() in c.heading.lower() for c in draft.citations):
                try:
                    return scene_fact(draft, find_scene(script, ref))
                except ScopeError:
                    pass
        return self._retrieved(draft, question)

    def _retrieved(self, draft: Draft, question: str) -> Fact:
        people = draft.characters_in(question)
        words = content_words(question)
        if words and not people and not words & draft.vocabulary:
            return Fact("retrieval", f"The draft doesn't say: none of its scenes mentions {', '.join(sorted(words))}.",
                        [], answerable=False)
        hits = self.index(draft).search(question, k=len(draft.script.scenes))
        together = [h for h in hits if all(draft.mentions(p, h.index) for p in people)] if people else hits
        ranked = together or hits
        top = ranked[0]
        if top.score < MIN_SCORE and not people:
            c = draft.citations[top.index]
            return Fact("retrieval", f"The draft doesn't say: no scene is about that. The nearest is {c}.", [c],
                        answerable=False, evidence=[top.index])
        c = draft.citations[top.index]
        quotes = " ".join(best_sentences(draft, top.index, question))
        text = f"From {c}: {quotes}" if quotes else f"See {c}."
        runner = [h.index for h in ranked[1:2] if h.score >= MIN_SCORE]
        return Fact("retrieval", text, [c], names=tuple(p for p in people if _in_text(draft, p, quotes)),
                    numbers=(c.number,), evidence=[top.index, *runner])

    # ---- a model's words, checked ------------------------------------------------------------
    def answer(self, script: Script, question: str, model: Any = None, *, tier: str = "scaffold",
               token_param: str = "max_tokens", fact: Fact | None = None) -> GroundedAnswer:
        started = time.perf_counter()
        draft = self.draft(script)
        fact = fact if fact is not None else self.program(script, question)
        seconds = {"program": round(time.perf_counter() - started, 3)}
        program = GroundedAnswer(_with_cites(fact.text, fact.citations), fact.citations, "program", fact,
                                 seconds=seconds)
        if model is None or (tier == "scaffold" and not fact.answerable):
            return program
        t = time.perf_counter()
        if tier == "free":
            text = _invoke(model, self._free_messages(draft, fact, question), token_param, ANSWER_TOKENS)
            why = check_answer(draft, fact, question, text)
            cites = [draft.citations[i] for i in cited_scenes(draft, text)[0]]
        else:
            # One worked example: the 135M model copies a shape far better than it follows an instruction.
            messages = [SystemMessage(render_prompt("phrase.md", PACKAGE)),
                        HumanMessage(render_prompt("phrase_example.md", PACKAGE)),
                        AIMessage(EXAMPLE_REPLY),
                        HumanMessage(render_prompt("phrase_user.md", PACKAGE, question=question, fact=fact.text))]
            text = _invoke(model, messages, token_param, PHRASE_TOKENS, stop=["\n"])  # one sentence, one line
            why = check_phrasing(draft, fact, question, text)
            cites = fact.citations
        seconds["model"] = round(time.perf_counter() - t, 3)
        if why:
            program.rejected, program.model_text = why, text
            return program
        return GroundedAnswer(_with_cites(text, cites), cites, "model", fact, model_text=text, seconds=seconds)

    def _free_messages(self, draft: Draft, fact: Fact, question: str) -> list:
        evidence = list(dict.fromkeys([*fact.evidence, *(h.index for h in self.index(draft).search(question, k=2))]))
        scenes = "\n\n".join(quote_data(f"SCENE {draft.citations[i].number}",
                                        f"{draft.citations[i]}\n{draft.script.scenes[i].text[:2400]}")
                             for i in evidence[:3])
        facts = quote_data("FACTS FROM THE PROGRAM", fact.text) if fact.kind != "retrieval" else ""
        user = render_prompt("answer_user.md", PACKAGE, facts=facts, scenes=scenes, question=question)
        return [SystemMessage(render_prompt("answer.md", PACKAGE)), HumanMessage(user)]


def _invoke(model: Any, messages: list, token_param: str, limit: int, stop: list[str] | None = None) -> str:
    reply = model.invoke(messages, stop=stop, **{token_param: limit, "temperature": 0.2})
    content = reply.content if isinstance(reply.content, str) else ""
    return " ".join(content.split())


def _with_cites(text: str, citations: list[Citation]) -> str:
    line = cite_line(citations)
    return f"{text.strip()}\n\n{line}" if line else text.strip()


def _in_text(draft: Draft, name: str, text: str) -> bool:
    return any(re.search(r"\b" + re.escape(w.lower()) + r"\b", text.lower()) for w in [name, *draft.name_words(name)])


def _mentions_place(draft: Draft, question: str) -> bool:
    places = content_words(" ".join(s.location for s in draft.stats.scenes))
    return bool(places & content_words(question))
