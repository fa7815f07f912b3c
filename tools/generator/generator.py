"""SceneGenerator: N scene options that fit the writer's story, each a complete, valid Fountain scene.

Two writing tiers (agent.models.ModelInfo.writing_tier). On the scaffold tier (small models) the program picks
heading and cast, the model writes action and an exchange, on llama.cpp under a grammar that admits only the
scene's cast as cues (tools/generator/rails.py), and the program assembles the Fountain. On the free tier a
capable model writes the whole Fountain scene, which is checked and repaired only where it breaks
(tools/generator/free.py). With K = N each valid candidate is offered as soon as it is written; with K > N a
scorer ranks them and maximal marginal relevance keeps the best N that also differ from each other.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Iterator, Mapping

import numpy as np
from langchain_core.messages import HumanMessage, SystemMessage

from screenplay.formats.fountain import parse
from screenplay.scope import Scope
from tools.base import Option, ToolError, ToolResult, pick_option
from tools.progress import StepKind, ToolStep
from tools.context import ToolContext
from tools.generator import prompting
from tools.generator.examples import builtin_example, exchange_from_plain, exchange_from_scene
from tools.generator.free import check_free
from tools.generator.grounding import Grounding, build_grounding
from tools.generator.guard import LineGuard, scene_words, trigrams, word_pairs
from tools.generator.rails import scene_grammar, unlicensed_words, words_of
from tools.generator.repair import assemble, read_scene, repair
from screenplay.places import is_place
from tools.generator.scaffold import Scaffold, scaffolds, temperatures
from tools.library.errors import LibraryError
from tools.library.mmr import mmr_select
from tools.scene_scoring import FormatLengthScorer, check_scene
from tools.schemas import GenerationRequest, ReviseArgs, as_request, as_revision

# Stops a model that has finished its scene and starts another, or starts echoing prompt markers.
def scene_token_budget(lines: int) -> int:
    """Tokens a candidate may take: a sentence or two about the place and ``lines`` lines of dialogue, which is
    what the repair keeps; the model's default (384) let a candidate ramble on for twice that."""
    return 64 + 24 * lines


def free_token_budget(lines: int) -> int:
    """A whole Fountain scene (heading, action between the speeches, cues on lines of their own)."""
    return 160 + 40 * lines


STOP = ["\nINT. ", "\nEXT. ", "<<<", "\nWrite one new scene"]
# The free tier's answer starts with its own heading; a second one is cut by the check, not a stop sequence.
FREE_STOP = ["<<<"]
# Sampling that keeps a 135M model on one thread of thought (local engines; tuned on bench/generation.py):
# min-p drops the long tail of unlikely tokens where word salad comes from, the repetition penalty stops loops.
SCAFFOLD_SAMPLING = {"top_k": 40, "top_p": 0.95, "min_p": 0.1, "repetition_penalty": 1.15}
# Draft a railed prompt quotes: the scene just before, about; a 135M model uses little more, and it costs prefill.
RAILED_DRAFT_CHARS = 1200
STYLE_HINTS = {
    "noir": "film noir: hard-boiled, fatalistic, clipped lines, night and rain",
    "screwball-comedy": "screwball comedy: fast overlapping banter, misunderstandings, wit",
    "horror": "horror: dread, silence, something wrong just out of sight",
    "shakespearean": "Shakespearean: heightened, rhythmic speech, asides and imagery",
    "terse-minimalist": "terse and minimal: short lines, subtext, very little said",
    "documentary-realism": "documentary realism: plain everyday speech, interruptions, no speeches",
    "childrens-adventure": "children's adventure: brave, curious, funny, nothing too scary",
    "melodrama": "melodrama: big feelings said out loud, secrets, tears",
    "thriller": "thriller: urgency, a ticking clock, short tense lines",
    "western": "western: laconic, dusty, a code of honour",
}


@dataclass
class Candidate:
    index: int
    scaffold: Scaffold
    prompt: str  # the exact prompt of its first attempt
    fountain: str = ""
    score: float = 0.0
    valid: bool = False
    attempts: int = 0
    repairs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    refused: str = ""  # why it is not offered (free tier: an invented speaker; any tier: an unlicensed word)
    option: Option | None = None  # what the writer is offered, made once so every view shows the same object

    def to_dict(self, option: int) -> dict[str, Any]:
        check = check_scene(self.fountain)
        return {
            "option": option,
            "fountain": self.fountain,
            "score": self.score,
            "heading": check.heading or self.scaffold.heading,
            "characters": check.characters,
            "cast": list(self.scaffold.characters),  # who the program put in the scene
            "valid": self.valid,
            "repairs": self.repairs,
            "temperature": self.scaffold.temperature,
            "attempts": self.attempts,
            "seconds": round(self.seconds, 3),
            "refused": self.refused,
        }


@dataclass(frozen=True)
class _Job:
    """What one candidate is asked to be: scaffold plus the prompt variables beyond it."""

    scaffold: Scaffold
    template: str  # "scene.md", "edit.md", "continue.md" or "free_scene.md"
    variables: dict[str, Any]
    prefix: str = ""  # Fountain the model's text is appended to (continue mode)
    allowed: tuple[str, ...] = ()  # free tier: the draft's other speakers, who may also speak
    licensed: frozenset[str] = frozenset()  # words of the draft and brief: profanity they use is allowed

    @property
    def free(self) -> bool:
        return self.template == "free_scene.md"


class SceneGenerator:
    """Writes scene options. Every dependency is passed in; ``library`` needs only ``search(query, k=...)``.

    ``embedder`` (TextEmbedder or SentenceTransformer) drives the diversity step; without one a hashing
    embedder compares word overlap. ``scorer`` has ``score(scene_text) -> float``.
    """

    def __init__(
        self,
        chat_model: Any,
        *,
        library: Any = None,
        embedder: Any = None,
        scorer: Any = None,
        max_attempts: int = 2,
        extra_candidates: int = 0,
        examples: int = 1,
        draft_chars: int = 2400,
        max_new_tokens: int | None = None,
        diversity: float = 0.35,
        revise_count: int = 3,
        info: Any = None,
        tier: str | None = None,
    ):
        """``info``: the model's capability flags (agent.models.ModelInfo: context_window, token_limit_param,
        supports_stop, supports_grammar, engine, writing_tier); without them the generator assumes nothing (no
        length keyword, the configured budget, the scaffold tier). ``tier`` overrides info's writing_tier."""
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0.0 <= diversity <= 1.0:
            raise ValueError("diversity must be between 0 and 1")
        self.chat_model = chat_model
        self.library = library
        self.embedder = embedder
        self.scorer = scorer if scorer is not None else FormatLengthScorer()
        self.max_attempts = max_attempts
        self.extra_candidates = extra_candidates
        self.examples = examples
        self.info = info
        self.draft_chars = self._draft_budget(info, draft_chars)
        self.max_new_tokens = max_new_tokens
        self.diversity = diversity
        self.revise_count = revise_count
        self.tier = tier or getattr(info, "writing_tier", None) or "scaffold"
        if self.tier not in ("scaffold", "free"):
            raise ValueError(f"writing tier {self.tier!r} is not one of scaffold, free")

    @property
    def _railed(self) -> bool:
        """Scaffold tier on an engine that takes a grammar: fresh scenes are written under scene_grammar."""
        return self.tier == "scaffold" and bool(getattr(self.info, "supports_grammar", False))

    # ---- public API --------------------------------------------------------------------------------
    def generate(self, args: GenerationRequest | Mapping[str, Any], context: ToolContext | None = None, *,
                 heading: str | None = None) -> ToolResult:
        return _final(self.stream(args, context, heading=heading))

    def stream(
        self, args: GenerationRequest | Mapping[str, Any], context: ToolContext | None = None, *,
        heading: str | None = None,
    ) -> Iterator[ToolStep]:
        """Events as candidates are written, then the kept options, then "done" with the ToolResult.

        ``heading`` fixes every candidate's heading (a developed scene card's place and time); the candidates
        then differ in cast and temperature only."""
        request = as_request(args)
        context = context or ToolContext()
        n = request.count  # as_request has checked it is 1 to MAX_OPTIONS
        scope = context.scope_for(act=request.act, scene=request.scene, scene_ref=request.scene_ref, beat=request.beat)
        grounding = build_grounding(context.script, context.bible, scope, characters=request.characters,
                                    budget=min(self.draft_chars, RAILED_DRAFT_CHARS) if self._railed else self.draft_chars)
        k = n + self.extra_candidates
        last_time = grounding.before[-1].heading.day_night if grounding.before else ""
        plans = scaffolds(
            k, brief=request.brief, style=request.style, locations=grounding.locations,
            known=grounding.characters, required=grounding.required,
            # An empty outline card's "NEW SCENE" is no place to keep: the new scene gets a real heading.
            keep_heading=(grounding.current.heading.text if grounding.current is not None
                          and is_place(grounding.current.heading.location) else None),
            last_time=last_time, prefixes=grounding.prefixes,
        )
        if heading:
            plans = [replace(plan, heading=heading) for plan in plans]
        # On rails the grammar carries the form an example would show, and every prompt token is prefill the
        # writer waits for before the first option (935 tokens took 20 of its 32 s under load).
        examples = [] if self._railed else self._examples(request, grounding, plans[0])
        common = {
            "bible": prompting.quote_data("BIBLE", grounding.bible_text) if grounding.bible_text else "",
            "draft": prompting.quote_data("DRAFT", grounding.draft_text) if grounding.draft_text else "",
            "position": grounding.position,
            "examples": examples,
            "brief": _inline(request.brief),
            "style": STYLE_HINTS.get(request.style or "", _inline(request.style or "")),
            "seed": "",
        }
        licensed = frozenset(words_of(" ".join([request.brief, request.style or "", _script_text(context.script),
                                                grounding.bible_text])))
        template = "free_scene.md" if self.tier == "free" else "scene.md"
        jobs = [_Job(plan, template, common, allowed=tuple(grounding.draft_characters), licensed=licensed)
                for plan in plans]
        where = grounding.position
        yield from self._run(jobs, n, tool="generate_scenes", scope=scope,
                             title=f"{n} option{'s' if n != 1 else ''}" + (f" for {where}" if where else ""),
                             extra={"position": where, "characters": grounding.characters[:6],
                                    "draft_chars": len(grounding.draft_text), "examples": len(examples)})

    def revise(self, args: ReviseArgs | Mapping[str, Any], context: ToolContext | None = None) -> ToolResult:
        return _final(self.stream_revise(args, context))

    def stream_revise(
        self, args: ReviseArgs | Mapping[str, Any], context: ToolContext | None = None
    ) -> Iterator[ToolStep]:
        """Follow-ups on the last options: more_like (new options in its vein), edit, continue."""
        request = as_revision(args)
        context = context or ToolContext()
        chosen = pick_option(context.last_options, request.option)
        original = chosen.fountain
        check = check_scene(original)
        heading = check.heading or "INT. SOMEWHERE - DAY"
        cast = tuple(check.characters) or ("MAYA", "LEO")
        bible_text = context.bible.to_text() if context.bible is not None else ""
        bible = prompting.quote_data("BIBLE", bible_text) if bible_text else ""
        quoted = prompting.quote_data("OPTION", _exchange(original))
        label = f"option {request.option}"
        if request.mode == "more_like":
            n = self.revise_count
            temps = temperatures(n + self.extra_candidates)
            plans = [Scaffold(heading, cast, t, 6 + 2 * (i % 2)) for i, t in enumerate(temps)]
            free = self.tier == "free"
            # The free tier sees the option as the Fountain it is, and writes a whole scene back.
            seed = prompting.quote_data("OPTION", original) if free else quoted
            common = {"bible": bible, "draft": "", "position": "", "examples": [],
                      "brief": _inline(request.instruction), "style": "", "seed": seed}
            jobs = [_Job(p, "free_scene.md" if free else "scene.md", common, allowed=cast) for p in plans]
            title = f"{n} new options in the vein of {label}"
        elif request.mode == "edit":
            if not request.instruction.strip():
                raise ToolError(f"say what to change in {label}, e.g. 'make {label} darker' or 'make {label} shorter'.")
            n = 1
            plans = [Scaffold(heading, cast, t, 6) for t in temperatures(1 + self.extra_candidates, 0.5, 0.9)]
            common = {"bible": bible, "original": quoted, "instruction": _inline(request.instruction)}
            jobs = [_Job(p, "edit.md", common) for p in plans]
            title = f"{label}, rewritten: {request.instruction.strip()}"
        else:
            n = 1
            plans = [Scaffold(heading, cast, t, 4) for t in temperatures(1 + self.extra_candidates, 0.5, 0.9)]
            common = {"bible": bible, "original": quoted, "instruction": _inline(request.instruction)}
            jobs = [_Job(p, "continue.md", common, prefix=original) for p in plans]
            title = f"{label}, continued"
        # Reworked options go where the option they came from was meant to go.
        yield from self._run(jobs, n, tool="revise_option", title=title, scope=chosen.scope,
                             extra={"mode": request.mode, "option": request.option})

    # ---- candidates ---------------------------------------------------------------------------------
    def _run(
        self, jobs: list[_Job], n: int, *, tool: str, title: str, extra: dict[str, Any], scope: Scope | None = None
    ) -> Iterator[ToolStep]:
        started = time.perf_counter()
        candidates: list[Candidate] = []
        # K = N: nothing to choose between, so each valid candidate is offered the moment it is written.
        early = len(jobs) <= n
        offered: list[Candidate] = []

        def written(candidate: Candidate) -> Iterator[ToolStep]:
            candidates.append(candidate)
            candidate.option = Option.of(candidate.fountain, prompt=candidate.prompt, score=candidate.score,
                                         repairs=list(candidate.repairs), scope=scope)
            yield ToolStep(StepKind.CANDIDATE_DONE, candidate.index, candidate.fountain, candidate.score)
            if early and candidate.valid and len(offered) < n:
                offered.append(candidate)
                yield ToolStep(StepKind.OPTION, len(offered), candidate.fountain, candidate.score,
                               option=candidate.option)

        for idx, job in enumerate(jobs):
            candidate = yield from self._write(idx, job, _said(candidates))
            yield from written(candidate)
        # Fewer valid candidates than options: write more, up to as many again.
        extra_jobs = 0
        while sum(c.valid for c in candidates) < n and extra_jobs < n:
            idx = len(candidates)
            job = jobs[idx % len(jobs)]
            job = replace(job, scaffold=replace(job.scaffold, temperature=min(1.1, job.scaffold.temperature + 0.1)))
            candidate = yield from self._write(idx, job, _said(candidates))
            extra_jobs += 1
            yield from written(candidate)
        if early:
            chosen = offered
        else:
            chosen = self.select(candidates, n)
            for number, cand in enumerate(chosen, 1):
                yield ToolStep(StepKind.OPTION, number, cand.fountain, cand.score, option=cand.option)
        result = self._result(chosen, candidates, n, tool=tool, title=title, extra=extra, scope=scope,
                              seconds=time.perf_counter() - started)
        yield ToolStep(StepKind.DONE, len(chosen), result.summary, result=result)

    def _write(self, idx: int, job: _Job, said: _Said | None = None) -> Iterator[ToolStep]:
        """Write one candidate, regenerating (with a stricter prompt on the scaffold tier) when the text is not a
        usable scene. A generator: yields progress events and returns the Candidate. ``said``: what the
        candidates written before it said, which a railed scene avoids saying again."""
        plan = job.scaffold
        started = time.perf_counter()
        first_prompt = ""
        raws: list[str] = []
        fountain, repairs, refused = "", [], ""
        attempt = 0
        for attempt in range(1, self.max_attempts + 1):
            retry = attempt > 1 and job.template == "scene.md"
            messages, prompt_text = self._messages(job, retry=retry)
            first_prompt = first_prompt or prompt_text
            temperature = plan.temperature if attempt == 1 else max(0.3, plan.temperature - 0.2)
            raw = ""
            for piece in self._stream_model(messages, temperature, self._budget(job), job, said):
                raw += piece
                yield ToolStep(StepKind.CANDIDATE, idx, self._compose(job, raw))
            raws.append(raw)
            fountain, repairs, refused = self._finish(job, raw, prose_fallback=False)
            if not refused and check_scene(fountain).valid:
                break
        if not job.free and not refused and not check_scene(fountain).valid:
            # Out of attempts: let the model's prose stand in for dialogue rather than return nothing.
            fountain, repairs, refused = self._finish(job, "\n".join(raws), prose_fallback=True)
        if attempt > 1:
            repairs = repairs + [f"regenerated {attempt - 1} time{'s' if attempt > 2 else ''}"]
        valid = not refused and check_scene(fountain).valid
        score = float(self.scorer.score(fountain)) if valid else 0.0
        return Candidate(idx, plan, first_prompt, fountain, round(score, 4), valid, attempt, repairs,
                         time.perf_counter() - started, refused)

    def _budget(self, job: _Job) -> int:
        if self.max_new_tokens is not None:
            return self.max_new_tokens
        return free_token_budget(job.scaffold.lines) if job.free else scene_token_budget(job.scaffold.lines)

    def _grammar(self, job: _Job) -> str | None:
        """The scaffold tier's scene grammar, where the engine takes one (llama.cpp), for a fresh scene."""
        if job.free or job.prefix or job.template != "scene.md" or not getattr(self.info, "supports_grammar", False):
            return None
        return scene_grammar(job.scaffold.characters, job.scaffold.lines)

    def _finish(self, job: _Job, raw: str, *, prose_fallback: bool) -> tuple[str, list[str], str]:
        """(Fountain, repairs, why it is refused or "")."""
        plan = job.scaffold
        if job.free:
            scene = check_free(raw, plan.heading, plan.characters, job.allowed, job.licensed)
            return scene.fountain, scene.repairs, scene.refused
        if job.prefix:
            parts = read_scene(raw, plan.characters)
            body = assemble(plan.heading, parts).split("\n", 2)[2] if parts.speeches or parts.action else ""
            text = job.prefix.rstrip() + ("\n\n" + body.strip() if body.strip() else "") + "\n"
            if not (parts.speeches or parts.action):
                return text, ["the model added nothing"], ""
            return text, parts.repairs, self._refusal(text, job)
        text, repairs = repair(raw, plan.heading, plan.characters, prose_fallback=prose_fallback)
        return text, repairs, self._refusal(text, job)

    @staticmethod
    def _refusal(fountain: str, job: _Job) -> str:
        """The scaffold tier's word rule: no profanity the draft and brief do not use (junk tokens are scrubbed
        by the repair, or impossible under the grammar)."""
        rude = unlicensed_words(fountain, job.licensed)
        if rude:
            return f"uses {', '.join(repr(w) for w in rude)}, which the draft and brief never use"
        return ""

    def _compose(self, job: _Job, raw: str) -> str:
        """Text so far, for streaming: the scene as it would be assembled now."""
        if job.free:
            return raw
        if job.prefix:
            return job.prefix.rstrip() + "\n\n" + raw
        return assemble(job.scaffold.heading, read_scene(raw, job.scaffold.characters))

    def _messages(self, job: _Job, *, retry: bool) -> tuple[list[Any], str]:
        plan = job.scaffold
        variables = {**job.variables, "heading": plan.heading, "characters": list(plan.characters), "lines": plan.lines}
        system = prompting.render("free_system.md" if job.free else "system.md")
        if retry:
            # Shorter and plainer than the first prompt: no draft or examples for a small model to echo.
            user = prompting.render("retry.md", heading=plan.heading, brief=variables.get("brief", ""),
                                    lines=plan.lines, characters=list(plan.characters))
        else:
            user = prompting.render(job.template, **variables)
        return [SystemMessage(content=system), HumanMessage(content=user)], f"{system}\n\n{user}"

    def _stream_model(self, messages: list[Any], temperature: float, limit: int, job: _Job,
                      said: _Said | None = None) -> Iterator[str]:
        kwargs: dict[str, Any] = {"temperature": temperature}
        if self.info is not None:
            # The model says which keyword limits a reply: local engines count new tokens, servers max_tokens.
            kwargs[self.info.token_limit_param] = limit
            if not job.free and self.info.supports_sampling:
                kwargs.update(SCAFFOLD_SAMPLING)
        grammar = self._grammar(job)
        if grammar is not None:
            kwargs["grammar"] = grammar  # the grammar ends the scene; stop sequences have nothing left to do
            # What the grammar cannot forbid (a line said before, a lower-case non-word) is refused token by token.
            said = said or _Said()
            kwargs["token_filter"] = LineGuard(job.scaffold.characters, job.licensed | _cast_words(job),
                                               avoid=said.trigrams, avoid_pairs=said.pairs)
        elif self.info is None or self.info.supports_stop:
            kwargs["stop"] = FREE_STOP if job.free else STOP
        try:
            for chunk in self.chat_model.stream(messages, **kwargs):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    yield piece
        except ValueError as exc:
            # LangChain's way of saying the model stopped at once; an empty answer, not a failure.
            if "No generation chunks" not in str(exc):
                raise

    # ---- grounding helpers --------------------------------------------------------------------------
    @staticmethod
    def _draft_budget(info: Any, draft_chars: int) -> int:
        """Characters of draft a prompt may carry: the configured budget, less on a small context window."""
        window = info.context_window if info is not None else None
        if isinstance(window, int) and window > 0:
            # ~3.5 characters a token; leave room for the rest of the prompt and the answer.
            return max(400, min(draft_chars, int((window - 1200) * 3.5)))
        return draft_chars

    def _examples(self, request: GenerationRequest, grounding: Grounding, plan: Scaffold) -> list[str]:
        if self.examples <= 0:
            return []
        found: list[str] = []
        # A library still indexing its starter scenes (a fresh data directory, the app's background warm-up)
        # is not waited for: examples are a nicety, and searching would index inside the writer's request.
        ready = self.library is not None and not getattr(self.library, "needs_starter", lambda: False)()
        if ready:
            query = " ".join(x for x in (request.brief, request.style or "", request.beat or "", plan.heading) if x)
            try:
                hits = self.library.search(query, k=self.examples)
            except LibraryError:
                hits = []  # an empty or unreachable library costs only the examples
            for hit in hits:
                cast = [c.strip() for c in str(getattr(hit, "metadata", {}).get("characters", "")).split(",")]
                text = exchange_from_plain(hit.text, cast)
                if text:
                    found.append(prompting.quote_data("EXAMPLE", text))
        if not found:
            found.append(prompting.quote_data("EXAMPLE", builtin_example()))
        return found[: self.examples]

    # ---- selection ----------------------------------------------------------------------------------
    def select(self, candidates: list[Candidate], n: int) -> list[Candidate]:
        """The best ``n`` by score that also differ from each other (maximal marginal relevance)."""
        # Only complete scenes are offered: an option is something the writer can insert as is.
        pool = sorted((c for c in candidates if c.valid), key=lambda c: -c.score)
        if len(pool) <= n:
            return pool
        vectors = self._embed([_body(c.fountain) for c in pool])
        relevance = np.array([c.score for c in pool], dtype=np.float32)
        order = mmr_select(relevance, vectors, n, lambda_=1.0 - self.diversity)
        return [pool[i] for i in order]

    def _embed(self, texts: list[str]) -> np.ndarray:
        from tools.library.embedder import HashingEmbedder, as_text_embedder

        embedder = as_text_embedder(self.embedder) if self.embedder is not None else HashingEmbedder()
        return np.asarray(embedder.embed(texts), dtype=np.float32)

    # ---- result -------------------------------------------------------------------------------------
    def _result(self, chosen: list[Candidate], candidates: list[Candidate], wanted: int, *, tool: str, title: str,
                extra: dict[str, Any], seconds: float, scope: Scope | None) -> ToolResult:
        options = [c.option or Option.of(c.fountain, prompt=c.prompt, score=c.score, repairs=list(c.repairs),
                                         scope=scope) for c in chosen]
        refused = [c.refused for c in candidates if c.refused]
        data_options = [c.to_dict(i) for i, c in enumerate(chosen, 1)]
        lines = [f"**{title}** (best {len(chosen)} of {len(candidates)} drafts):", ""]
        for d in data_options:
            who = ", ".join(d["characters"]) or "no speakers"
            note = " · repaired" if d["repairs"] else ""
            lines.append(f"**Option {d['option']}** · {d['heading']} · {who} · score {d['score']:.2f}{note}")
            lines += ["", "```fountain", d["fountain"].rstrip(), "```", ""]
        if len(chosen) < wanted:
            lines.append(f"Only {len(chosen)} of the {wanted} options asked for came out as complete scenes.")
            lines += [f"- a draft was refused: {why}" for why in dict.fromkeys(refused)]
        lines.append(
            'Say "more like option 1", "make option 2 darker", "continue option 1" or "insert option 1 after scene 3".'
        )
        return ToolResult(
            tool=tool,
            summary="\n".join(lines).strip(),
            data={**extra, "options": data_options, "candidates": len(candidates),
                  "valid_candidates": sum(c.valid for c in candidates), "seconds": round(seconds, 3),
                  "tier": self.tier, "refused": refused,
                  # Every candidate, kept or not, so a bench can compare the rerank with other picks.
                  "drafts": [c.to_dict(0) for c in candidates]},
            options=options,
            # The prompt behind option 1, so the writer can see why it came out as it did.
            prompt=(chosen or candidates)[0].prompt if candidates else None,
        )


def _final(events: Iterator[ToolStep]) -> ToolResult:
    result = None
    for event in events:
        if event.kind is StepKind.DONE:
            result = event.result
    if result is None:
        raise RuntimeError("generation ended without a result")
    return result


def _inline(text: str) -> str:
    """The writer's own words, on one line, with delimiter look-alikes defused."""
    return prompting.defuse(" ".join(text.split()))


def _exchange(fountain: str) -> str:
    script = parse(fountain)
    return exchange_from_scene(script.scenes[0], limit=2000) if script.scenes else fountain


def _script_text(script: Any) -> str:
    if script is None:
        return ""
    return "\n".join(s.heading.text + "\n" + "\n".join(el.text for el in s.elements) for s in script.scenes)


@dataclass(frozen=True)
class _Said:
    """What the request's earlier options said, for a railed scene to avoid: word trigrams (refused; headings and
    cues are the program's) and word pairs, cues included (made less likely)."""

    trigrams: frozenset[tuple[str, str, str]] = frozenset()
    pairs: frozenset[tuple[str, str]] = frozenset()


def _said(candidates: list[Candidate]) -> _Said:
    grams: set[tuple[str, str, str]] = set()
    pairs: set[tuple[str, str]] = set()
    for c in candidates:
        lines = [x for x in _body(c.fountain).splitlines() if x.strip() and x.strip() != x.strip().upper()]
        grams.update(trigrams(scene_words("\n".join(lines))))
        pairs |= word_pairs(_body(c.fountain))
    return _Said(frozenset(grams), frozenset(pairs))


def _cast_words(job: _Job) -> frozenset[str]:
    return frozenset(words_of(" ".join(job.scaffold.characters)))


def _body(fountain: str) -> str:
    """A scene without its heading: diversity is about what happens, not where."""
    return fountain.split("\n", 1)[1] if "\n" in fountain else fountain
