"""Light lexical cues added to the embedding scores: verbs and references an embedding blurs.

MiniLM hears "make option 2 noir" and "make option 2 darker" as near twins; a preset style name
or an insertion point settles it. Each cue adds a fixed bonus to one intent's score.
"""

from __future__ import annotations

import re

from agent.routing.arguments import Extraction, revise_mode

# (intent, pattern on the folded message, bonus)
WORD_CUES: tuple[tuple[str, re.Pattern[str], float], ...] = tuple(
    (intent, re.compile(pattern), bonus)
    for intent, pattern, bonus in (
        ("summarize", r"\bsumm?ar\w*|\brecap\w*|\btl;?dr\b|\blogline|\bsynops\w*|\bsinopsis|\bbeat sheet"
         r"|\bsum (?:it )?up\b|\bresum\w*|\bzusammen\w*|\boverview\b|\bbreakdown\b|\bgist\b", 0.25),
        ("summarize", r"\bwhat happens in\b|\bwhat(?:'s| is) (?:this|my|the) (?:script|draft|story|screenplay) about\b", 0.15),
        ("critique", r"\bcriti\w*|\bcritque|\bfeedback|\bnotes? on\b|\bwhat(?:'?s| is) wrong\b|\bweak\w*|\bdoesn'?t work"
         r"|\bnot working\b|\bhonest\b|\bopinion\b|\brate\b|\breview\b|\btear (?:it )?apart|\bfeel\w* (?:flat|off|clunky)"
         r"|\bclunky\b|\bflat\b|\bdrag\w*|\bbelievable\b|\bdoes .{1,40} (?:land|work)\b|\bworking\?|\bqui ne va pas\b"
         r"|\bwhat do you think\b|\btell me if\b|\bcheck (?:my|the)\b|\bclear enough\b", 0.25),
        ("similar", r"\bsimilar\b|\blike (?:the|my|a|an|scene)\b|\bresembl\w*|\blibrary\b|\breference\b|\bexamples? of\b"
         r"|\bparecid\w*|\bsearch\b|\blook (?:up|for)\b|\bfind (?:me )?(?:\d+ |\w+ )?(?:\w+ )?scenes?\b|\bfamous\b", 0.2),
        ("generate", r"\bwrite\b|\bgenerate\b|\bdraft\b|\bbrainstorm\b|\bpitch me\b|\bgimme\b|\bgive me (?:\w+ )?(?:new|more|ideas|options|alternatives|versions|takes)"
         r"|\bversions?\b|\balternatives?\b|\bideas?\b|\btakes? on\b|\bcome up with\b|\bescrib\w*|\becri\w*|\bschreib\w*"
         r"|\bdame\b|\bsketch\b|\bthrow some\b|\bmore scenes\b|\bneed (?:more|new|a) ", 0.15),
        ("undo", r"\bundo\b|\brevert\b|\btake (?:that|it) back\b|\bput it back\b|\bprevious version\b|\bruckgangig\b"
         r"|\broll ?back\b|\bctrl ?z\b|\bgo back\b", 0.3),
        ("help", r"\bhelp\b|\bwhat can you do\b|\bhow does (?:this|it) work\b|\bcommands?\b|\bpuedes hacer\b"
         r"|\bwhat can i\b|\bfeatures\b", 0.35),
        ("insert", r"\binsert\w*|\bput (?:it|the|option|that|this)\b|\bslot\b|\bpaste\b|\bdrop (?:it|option|the)\b"
         r"|\buse (?:option|it|that|this|number)\b|\bgo with\b|\bi'?ll take\b|\bkeep (?:option|the \w+ one)\b|\bmets\b|\badd (?:option|it|the)", 0.25),
    )
)


# Things one asks to be written, counted: "three openings", "2 more options".
_COUNTED_WORK = re.compile(
    r"\b(?:options?|versions?|openings?|openers?|endings?|scenes?|ideas?|takes?|alternatives?|drafts?|variations?"
    r"|pitches|cold opens?|climax(?:es)?|midpoints?|beats?|escenas?|szenen|fins|finales|anfange|ouvertures?)\b"
)
_CREATE = re.compile(
    r"\b(?:write|draft|generate|brainstorm|pitch|come up with|sketch|whip up|create|escrib\w*|ecri\w*|schreib\w*|dame)\b"
)
# Edit verbs and comparatives that rework a generated option ("make #2 punchier", "tighten option 1").
_EDIT = re.compile(
    r"\b(?:make|but|pero|mais|tweak|rewrite|redo|rework|sharpen|punch up|tighten|trim|cut|shorten|lengthen|polish"
    r"|fix|improve|change|adjust|tone down|dial (?:up|down)|push|soften|less|more)\b|\w+er\b$"
)
_HOW_DO_I = re.compile(r"^\W*(?:so |ok |okay )?(?:how (?:do|can|should) i|how to)\b(?! (?:make|fix|improve))")
_FINDING = re.compile(r"\b(?:find|search|look (?:for|up)|show me|similar|resembl\w*|examples?|reference|library|busca)\b")
# A general craft question, as opposed to one about the writer's own draft.
_GENERAL_QUESTION = re.compile(
    r"^\W*(?:what'?s an?\b|what is an?\b|what are\b|what does\b|what makes\b|what'?s the (?:difference|point)\b"
    r"|how long\b|how many\b|how do (?:you|writers|screenwriters|people)\b|who\b|why do (?:writers|people)\b"
    r"|do you\b|are you\b|is it (?:ok|okay|true|bad|good)\b|can you explain\b|explain\b|define\b|tell me about\b"
    r"|is [a-z ]+ worth\b)"
    r"|\bin general\b|\btheory\b"
)
_DRAFT_REF = re.compile(r"\b(?:my|mine|our|this (?:script|draft|scene|screenplay|story)|the (?:draft|script|screenplay))\b")
_IMPERATIVE_RESTYLE = re.compile(
    r"\b(?:rewrite|restyle|make (?:it|this|that|the|scene|option|act)|turn|convert|do (?:it|this|that|the|scene|option|act)"
    r"|give (?:it|this|the|scene|act|option)|-ify|it up\b|reescrib\w*|reecri\w*)"
)


def _first_step(folded: str) -> str:
    m = re.search(r"(?:,?\s*(?:and )?then\b|,?\s*and after that\b|;\s)", folded)
    return folded[: m.start()] if m else folded


def _bare_target(folded: str, ex: Extraction) -> bool:
    """The message names an act, scene or option and asks for nothing: "act two", "scene 12?"."""
    if not ex.has_target:
        return False
    chars = list(folded)
    for s, e in ex.spans:
        for i in range(s, min(e, len(chars))):
            chars[i] = " "
    rest = re.findall(r"[a-z']+", "".join(chars))
    filler = {"what", "about", "do", "something", "with", "and", "the", "so", "ok", "okay", "hmm", "um", "now",
              "again", "please", "pls", "one", "that", "this", "then", "stuff", "to", "go", "let's", "lets"}
    return all(w in filler for w in rest)


def cue_bonuses(folded: str, ex: Extraction) -> dict[str, float]:
    """Bonus per intent from words and from what the message references."""
    bonus: dict[str, float] = {}

    def add(intent: str, value: float) -> None:
        bonus[intent] = bonus.get(intent, 0.0) + value

    full = folded
    folded = _first_step(folded)  # multi-step requests: the first step decides
    # "how do I insert an option?" is about the tool: its action words are not a request.
    asking_how = _HOW_DO_I.search(folded)
    for intent, pattern, value in WORD_CUES:
        if pattern.search(folded) and not (asking_how and intent != "help"):
            add(intent, value)

    if asking_how:
        add("help", 0.4)
    finding = _FINDING.search(folded)
    counted = ex.count is not None and _COUNTED_WORK.search(folded) and not finding
    creating = _CREATE.search(folded) and (ex.beat or _COUNTED_WORK.search(folded)) and not finding
    if counted:
        add("generate", 0.3)
    elif creating:
        add("generate", 0.15)
    if _GENERAL_QUESTION.search(folded) and not _DRAFT_REF.search(folded) and not ex.has_target:
        add("chat", 0.3)
    if _bare_target(full, ex):
        add("vague", 0.3)

    if ex.level:
        add("summarize", 0.15)
    if ex.after_scene is not None or ex.before_scene is not None:
        add("insert", 0.3)
    if ex.focus and re.search(r"\?|\bhow'?s\b|\bis\b|\bare\b|\bdoes\b|\bwhy\b|\bany notes\b", folded):
        add("critique", 0.1)

    if ex.style and not counted and not creating and (ex.has_target or _IMPERATIVE_RESTYLE.search(folded)):
        add("style", 0.35)

    if ex.option is not None:
        mode = revise_mode(folded)
        if mode in ("continue", "more_like"):
            add("revise", 0.35)
        elif _EDIT.search(folded) and not ex.style:
            add("revise", 0.25)
    return bonus
