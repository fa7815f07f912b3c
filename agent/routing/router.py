"""The fast router: slash commands, then a learned head over a tuned MiniLM embedding and light lexical cues."""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import yaml
from pydantic import ValidationError

from agent.routing.arguments import Extraction, extract
from agent.routing.arguments import args_for as rule_args
from agent.routing.cues import cue_bonuses, first_step
from agent.routing.decision import INTENTS, TOOL_INTENTS, RoutingDecision
from tools.tuned_minilm import tuned_encoder
from agent.routing.head import CLARIFY, IntentHead
from agent.routing.slash import SlashFirst
from agent.routing.choices import SURE as CHOICE_SURE
from agent.routing.choices import ChoiceReader
from agent.routing.roles import FILL as ROLE_FILL
from agent.routing.roles import OVERRIDE as ROLE_OVERRIDE
from agent.routing.roles import RoleTagger
from agent.routing.spans import SURE, SpanTagger
from agent.routing.text import fold, strip_quoted, strip_role_markers
from agent.registry import INTENT_ARGS, SPECS
from tools.schemas import MAX_OPTIONS, STYLE_PRESETS

DRAFT_CHANGING = ("insert", "undo")
NEEDS_DRAFT = ("critique", "summarize", "stats", "insert", "undo")  # nothing to offer without a loaded draft
VAGUE = "vague"  # exemplar class for "names a target, no action": the head learns it as "clarify"

# A learned reader: (intent, message, extraction, the arguments so far) -> the arguments it would give.
Reader = Callable[[str, str, Extraction, dict[str, Any]], dict[str, Any]]

# How each intent reads inside a clarifying question.
ACTIONS = {s.intent: s.action for s in SPECS}


@dataclass(frozen=True)
class RouterConfig:
    use_cues: bool = True
    margin: float = 0.1  # top two intents' probabilities closer than this: ask which one
    overruled_cap: float = 0.9  # the most confidence a route gets when cues overrule the embedding's choice
    unheard_cap: float = 0.95  # the most confidence a route gets on resemblance alone, with no cue for it
    # A draft-changing intent with no cue word asks first unless the head holds it at 0.7 or more. The tuned
    # encoder can hear one word as undo ("a snappy comeback for Maya" scored undo 0.50 and undid the last change
    # at 0.5); leave-one-split-out scored 0.7 the same as 0.5 (session 8), and 0.9 lower.
    draft_change_sure: float = 0.7
    # The learned span tagger reads the brief, query or instruction where its labelling's probability is at
    # least this; the rules elsewhere. Above 1: rules only.
    span_sure: float = SURE
    # The learned number tagger fills a count, act, scene, option or insertion point the rules left empty where its
    # marginal is at least role_fill, and replaces one they read where at least role_override. Above 1: off.
    role_fill: float = ROLE_FILL
    role_override: float = ROLE_OVERRIDE
    # The learned classifier replaces the rules' statistics topic, critique focus or summary level at this. Above 1: off.
    choice_sure: float = CHOICE_SURE


def load_exemplars() -> dict[str, list[str]]:
    text = importlib.resources.files("agent.routing").joinpath("exemplars.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    unknown = set(data) - set(INTENTS) - {VAGUE}
    if unknown:
        raise ValueError(f"exemplars.yaml has unknown intents: {sorted(unknown)}")
    return {intent: [str(u) for u in utterances] for intent, utterances in data.items()}


class Router(SlashFirst):
    """Routes one message to a RoutingDecision. Holds the learned intent head and its encoder: the shared
    embedder's twin with the head's tuned top layers (built here, so the app's start pays for it, not the
    writer's first message)."""

    def __init__(self, embedder: Any, *, head: IntentHead | None = None, config: RouterConfig = RouterConfig()) -> None:
        self.config = config
        self.head = head or IntentHead.load()
        self.encoder = tuned_encoder(embedder, self.head.encoder)
        spans = [SpanTagger.load(config.span_sure)] if config.span_sure <= 1 else []
        roles = [RoleTagger.load(config.role_fill, config.role_override)] if min(config.role_fill, config.role_override) <= 1 else []
        choices = [ChoiceReader.load(config.choice_sure)] if config.choice_sure <= 1 else []
        self.readers: tuple[Reader, ...] = tuple(spans + roles + choices)

    def _embed_one(self, text: str) -> np.ndarray:
        from tools.embeddings import embed_one

        return embed_one(self.encoder, text)

    def _route(self, message: str, cleaned: str, characters: Sequence[str], scene_names: Sequence[str],
               has_draft: bool | None) -> RoutingDecision:
        text = strip_quoted(cleaned)
        if not text.strip():
            return RoutingDecision("chat", {}, 0.0, "fallback")
        ex, vector, bonuses = read_message(text, characters, scene_names, has_draft, self._embed_one)
        if not self.config.use_cues:
            bonuses = {}
        out = self.head(vector, bonuses)
        ranked = sorted(out.probabilities.items(), key=lambda kv: kv[1], reverse=True)
        real = [(i, p) for i, p in ranked if i != CLARIFY]
        candidates = [(i, round(p, 4)) for i, p in real[:3]]
        top, top_p = ranked[0]
        confidence = top_p  # capped below; top_p stays the head's own figure
        if top != out.heard:
            # Word cues overruled what the sentence resembles: right more often than not, but not certain.
            confidence = min(confidence, self.config.overruled_cap)
        elif self.config.use_cues and bonuses.get(top, 0.0) <= 0:
            # Resemblance alone, no word asking for it: likely, never certain (0.99 needs both to agree).
            confidence = min(confidence, self.config.unheard_cap)

        if top == CLARIFY and bonuses.get(VAGUE, 0.0) <= 0 and bonuses.get(real[0][0], 0.0) > 0:
            # Short requests full of references sound like a bare target ("sc 27 - can I see 4 alternates"),
            # but only one naming a target and nothing else is one; a word asked for the likelier intent.
            (top, top_p), confidence = real[0], min(confidence, self.config.overruled_cap)
        if top == CLARIFY:
            first, second = _two_tools(real)
            cued = [i for i, _ in real if i in TOOL_INTENTS and bonuses.get(i, 0.0) > 0]
            if cued and first not in cued:
                # "restyle scene 3": the tool a word asked for leads the question, however faint its share.
                first, second = cued[0], first
            if _missing(first, args_for(first, text, ex, self.readers), ex):
                # "restyle scene 3": the likelier tool's own question (which style?) is the shorter one.
                return self._decide(first, text, ex, confidence, candidates)
            return self._ask(first, second, text, ex, confidence, candidates)
        runner_up = real[1][0]
        close = top_p - out.probabilities[runner_up] < self.config.margin
        if (self.config.use_cues and top in DRAFT_CHANGING and top not in bonuses
                and top_p < self.config.draft_change_sure):
            # Changing the draft on a doubtful resemblance is too risky: no cue word and no majority, ask first.
            return self._ask(top, runner_up if runner_up in TOOL_INTENTS else "chat", text, ex, confidence, candidates)
        if (top == "chat" and runner_up in TOOL_INTENTS and close
                and not (has_draft is False and runner_up in NEEDS_DRAFT)
                and not (self.config.use_cues and "chat" in bonuses and runner_up not in bonuses)):
            return self._ask(runner_up, "chat", text, ex, confidence, candidates)
        if top not in TOOL_INTENTS:
            return RoutingDecision(top, {}, confidence, "semantic", candidates=candidates)
        if runner_up in TOOL_INTENTS and close and not _settled(top, ex):
            if self.config.use_cues and (top in bonuses) != (runner_up in bonuses):
                # A close call where only one side was asked for in words: the words decide, no question.
                chosen = top if top in bonuses else runner_up
                return self._decide(chosen, text, ex, min(confidence, self.config.overruled_cap), candidates)
            return self._ask(top, runner_up, text, ex, confidence, candidates)
        return self._decide(top, text, ex, confidence, candidates)

    def _decide(
        self, intent: str, text: str, ex: Extraction, score: float, candidates: list[tuple[str, float]]
    ) -> RoutingDecision:
        return _arguments(intent, text, ex, score, candidates, self.readers)

    def _ask(
        self, first: str, second: str, text: str, ex: Extraction, score: float, candidates: list[tuple[str, float]]
    ) -> RoutingDecision:
        question = f"Should I {ACTIONS[first]} or {ACTIONS[second]}?"
        args = args_for(first, text, ex, self.readers)
        return RoutingDecision(first, args, score, "semantic", clarify=question, candidates=candidates)


def read_message(text: str, characters: Sequence[str], scene_names: Sequence[str], has_draft: bool | None,
                 embed: Callable[[str], np.ndarray]) -> tuple[Extraction, np.ndarray, dict[str, float]]:
    """What the router reads from a cleaned message: its references, its embedding and its word cues.
    The head's training rows are read by this same function, so training and routing cannot drift apart."""
    ex = extract(text, characters)
    if ex.scene_ref is None and scene_names:
        ex.scene_ref = _named_scene(text, scene_names)
    # A request in steps ("notes, then a summary") is routed by its first step, in meaning as in words.
    step = first_step(text)
    vector = embed(step if len(step.split()) >= 2 else text)
    return ex, vector, cue_bonuses(fold(text), ex, has_draft)


def read_request(intent: str, message: str, *, characters: Sequence[str] = (),
                 scene_names: Sequence[str] = (), readers: Sequence[Reader] | None = None) -> RoutingDecision:
    """The arguments of ``message`` read as a request for ``intent``, exactly as the chat reads them (the CLI's
    tool commands use this: ``scriptroom generate "three openings for act two"``). A missing or bad argument
    comes back as the decision's ``clarify`` question. ``readers``: the learned readers applied over the rules
    (default_readers() when None)."""
    text = strip_quoted(strip_role_markers(message or ""))
    ex = extract(text, characters)
    if ex.scene_ref is None and scene_names:
        ex.scene_ref = _named_scene(text, scene_names)
    return _arguments(intent, text, ex, 1.0, [], readers if readers is not None else default_readers())


def default_readers() -> tuple[Reader, ...]:
    """The shipped learned readers, in the order they apply: free text, numbers, closed-list choices."""
    return SpanTagger.load(), RoleTagger.load(), ChoiceReader.load()


def _arguments(intent: str, text: str, ex: Extraction, score: float,
               candidates: list[tuple[str, float]], readers: Sequence[Reader]) -> RoutingDecision:
    args = args_for(intent, text, ex, readers)
    missing = _missing(intent, args, ex)
    if missing:
        return RoutingDecision(intent, args, score, "semantic", clarify=missing, candidates=candidates)
    try:
        args = INTENT_ARGS[intent].model_validate(args).model_dump(exclude_unset=True)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        return RoutingDecision(
            intent, {}, score, "semantic", clarify=f"I could not use {where}: {problem['msg']}.", candidates=candidates
        )
    return RoutingDecision(intent, args, score, "semantic", candidates=candidates)


def args_for(intent: str, text: str, ex: Extraction, readers: Sequence[Reader]) -> dict[str, Any]:
    """The rules' arguments, then each learned reader's changes where it is sure (the span tagger's free text,
    the number tagger's counts and references, the classifier's topic, focus or level)."""
    args = rule_args(intent, text, ex)
    for read in readers:
        args = read(intent, text, ex, args)
    if intent == "similar" and (args.get("scene") is not None or args.get("scene_ref")):
        # Look-alikes of a draft scene are searched with that scene's text (agent/loop.py), so a query read beside it
        # ("like scene 8, thrillers only" -> "thriller") is never used; the decision shows what will be searched.
        args = {k: v for k, v in args.items() if k != "query"}
    return args


def _two_tools(real: list[tuple[str, float]]) -> tuple[str, str]:
    tools = [i for i, _ in real if i in TOOL_INTENTS] or ["critique", "generate"]
    return tools[0], tools[1] if len(tools) > 1 else "critique"


def _settled(intent: str, ex: Extraction) -> bool:
    """References that leave no doubt even when the scores are close."""
    if intent == "insert":
        return ex.option is not None and (ex.after_scene is not None or ex.before_scene is not None)
    if intent == "style":
        return ex.style is not None and ex.has_target
    return False


def _missing(intent: str, args: dict[str, Any], ex: Extraction) -> str | None:
    """The one question to ask when a required argument is missing or out of range."""
    if intent == "style" and "style" not in args:
        return "Which style should I use? I know " + ", ".join(STYLE_PRESETS) + "."
    if intent in ("insert", "revise") and "option" not in args:
        verb = "insert" if intent == "insert" else "rework"
        return f"Which option should I {verb}? Give its number, e.g. 'option 2'."
    if intent == "generate" and args.get("count") is not None and not 1 <= args["count"] <= MAX_OPTIONS:
        return f"I can write 1 to {MAX_OPTIONS} options at a time; how many of the {args['count']} do you want?"
    return None


def _named_scene(text: str, scene_names: Sequence[str]) -> str | None:
    """A scene of the draft named by its location ("at the motel") when the writer gave no number.

    Names may be full headings ("INT. MOTEL - NIGHT"): only the location is matched, as whole words.
    """
    folded = fold(text)
    for name in scene_names:
        key = fold(name).strip()
        key = re.sub(r"^(?:int\.?/ext\.?|ext\.?/int\.?|i/e|int\.?|ext\.?|est\.?)\s+", "", key)
        key = re.split(r"\s+[-–—]\s+", key)[0].strip(" .")
        if len(key) >= 3 and re.search(r"(?<![\w])" + re.escape(key) + r"(?![\w])", folded):
            return key
    return None
