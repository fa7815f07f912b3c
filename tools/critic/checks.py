"""Craft checks a professional reader would make, each note citing scenes and pages.

Thresholds are tuned on the planted-flaw set in tests/data/critic and kept quiet on professional scripts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from screenplay.model import HEADING_PREFIX_RE, Element, ElementType, Script, normalize_character
from screenplay.stats import wrapped_lines
from tools.critic.analytics import Analytics
from tools.critic.findings import Finding

ET = ElementType

ACTION_MAX_LINES = 4  # a block of action longer than this reads as prose
ACTION_WIDTH = 61
ACTION_SLACK = 2  # lines over the limit a lone block may run before it is a warning
PAREN_SCENE_MIN = 4  # parentheticals in a scene before overuse is considered
PAREN_SCENE_SHARE = 0.6  # ... and the share of speeches carrying one
FLAT_MIN_ELEMENTS = 6
FLAT_MAX_SHIFT = 0.5
FLAT_FLIP_MARGIN = 0.1
LONG_SCENE_EIGHTHS = 24  # three pages
LONG_SCENE_ALWAYS = 40  # five pages is long in any script
LONG_SCENE_SHARE = 0.2
ECHO_WINDOW = 40  # words of action
ECHO_COUNT = 4
PHRASE_N = 4
PHRASE_COUNT = 3

_TITLES = {"DR", "MR", "MRS", "MS", "MISS", "PROF", "CAPT", "DET", "SGT", "LT", "SIR", "LADY", "LORD", "AUNT", "UNCLE"}
# Words that make a second character of the same name, not a misspelling: YOUNG EDWARD is not EDWARD.
_MODIFIERS = {
    "YOUNG", "YOUNGER", "OLD", "OLDER", "LITTLE", "ADULT", "TEEN", "TEENAGE", "BABY", "SENIOR", "JUNIOR",
    "JR", "SR", "ELDERLY", "NEW", "FAKE", "REAL", "DEAD", "GHOST", "FUTURE", "PAST", "TINY", "BIG", "ALL", "BOTH",
}
# Role nouns shared by many different people (GUARD, PRISON GUARD).
_GENERIC = {
    "MAN", "WOMAN", "GIRL", "BOY", "GUARD", "VOICE", "COP", "DOCTOR", "NURSE", "DRIVER", "KID", "OFFICER",
    "SOLDIER", "CROWD", "WAITER", "WAITRESS", "CLERK", "AGENT", "REPORTER", "PILOT", "PRIEST", "TEACHER",
    "STUDENT", "FRIEND", "MOTHER", "FATHER", "MOM", "DAD", "WIFE", "HUSBAND", "GUY", "LADY", "ANNOUNCER",
    "NARRATOR", "BARTENDER", "SECRETARY", "PEOPLE", "TOWNSPERSON", "WORKER", "CHILD", "CHILDREN", "TV",
    "MAYOR", "SHERIFF", "JUDGE", "COACH", "CAPTAIN", "DOC", "BOSS", "NEWSCASTER", "HOST", "MINISTER", "KING", "QUEEN",
}
# Cue extensions that mean the speaker is not (yet) on screen, so they need no introduction.
_GROUP_RE = re.compile(r"\bAND\b|&|/|\bALL\b|\bVARIOUS\b|\bCROWD\b|\bEVERYONE\b|\bVOICES?\b")
_CONTINUED = {"CONT'D", "CONT’D", "CONT", "CONTINUING", "CONTD"}
_TIME_WORDS = r"DAY|NIGHT|MORNING|AFTERNOON|EVENING|DAWN|DUSK|NOON|MIDNIGHT|SUNRISE|SUNSET|LATER|CONTINUOUS"
_MALFORMED_PREFIX_RE = re.compile(
    r"^(?:INTERIOR|EXTERIOR|INSIDE|OUTSIDE|INT|EXT|IN|OUT|ENT|INTE?R?|EXTE?R?)(?:[:\-,]|\s)", re.IGNORECASE
)
_HEADING_SHAPE_RE = re.compile(rf"^[A-Z0-9 .,'’&/()#-]+\s+-{{1,2}}\s+(?:{_TIME_WORDS})\b[A-Z ()]*$")
CONFLICT_RE = re.compile(
    r"!|\b(?:no|not|never|nothing|nobody|don't|won't|can't|didn't|isn't|wasn't|aren't|couldn't|shouldn't|"
    r"but|why|stop|wait|sorry|refuse[sd]?|fight|argue|slams?|grabs?|shouts?|yells?|screams?|hits?|punch(?:es)?|"
    r"kill|die[sd]?|dead|lie[sd]?|liar|threat\w*|gun|knife|blood|cr(?:y|ies)|tears|angry|furious|afraid|fear"
    r"|lose|lost|leave|hate|alone|hurt|pain|rather|instead|secret|wrong|worse|never)\b",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]*")
STOPWORDS = set(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours out over own same she should so some such than that the their theirs them
    then there these they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours yourself into onto back away toward towards still even just
    looks look turns turn beat""".split()
)


@dataclass(frozen=True)
class CheckInput:
    script: Script
    analytics: Analytics

    def label(self, i: int) -> str:
        return self.analytics.labels[i]

    def page(self, i: int) -> int:
        return self.analytics.page_of(i)


def _finding(ci: CheckInput, check: str, message: str, idx: list[int], severity: str = "warning") -> Finding:
    idx = sorted(set(idx))
    return Finding(check, message, tuple(ci.label(i) for i in idx), tuple(ci.page(i) for i in idx), severity)


def _next_content(els: list[Element], j: int) -> Element | None:
    for el in els[j + 1:]:
        if el.type is not ET.NOTE:
            return el
    return None


def _mid_sentence(els: list[Element], j: int) -> bool:
    """A name in caps inside running action ("Edward turns to see / KARL / coming down the road")."""
    prev = els[j - 1].text.rstrip() if j > 0 and els[j - 1].type is ET.ACTION else ""
    nxt = els[j + 1].text.lstrip() if j + 1 < len(els) and els[j + 1].type is ET.ACTION else ""
    return bool(prev and prev[-1] not in ".!?\"'’”)*_") or bool(nxt and (nxt[0].islower() or nxt[0] in ".,;"))


def _one_line(el: Element) -> str:
    text = el.text.strip()
    return "" if "\n" in text else text


# --------------------------------------------------------------------------- format


def cue_without_dialogue(ci: CheckInput) -> list[Finding]:
    speakers = set(ci.script.characters)
    out = []
    for i, scene in enumerate(ci.script.scenes):
        names: list[str] = []
        els = scene.elements
        for j, el in enumerate(els):
            if el.type is ET.CHARACTER:
                k = j + 1
                while k < len(els) and els[k].type in (ET.PARENTHETICAL, ET.NOTE):
                    k += 1
                if k >= len(els) or els[k].type is not ET.DIALOGUE:
                    names.append(el.cue_name)
            elif el.type is ET.ACTION:
                # In Fountain a cue with nothing under it reads as a line of action: a speaker's name alone.
                line = _one_line(el)
                if line and line == line.upper() and normalize_character(line) in speakers and not _mid_sentence(els, j):
                    names.append(normalize_character(line))
        if names:
            who = ", ".join(dict.fromkeys(names))
            out.append(_finding(ci, "cue_without_dialogue", f"cue with no dialogue under it ({who})", [i], "error"))
    return out


def lone_parenthetical(ci: CheckInput) -> list[Finding]:
    out = []
    for i, scene in enumerate(ci.script.scenes):
        found: list[str] = []
        for j, el in enumerate(scene.elements):
            if el.type is ET.PARENTHETICAL:
                nxt = _next_content(scene.elements, j)
                if nxt is None or nxt.type is not ET.DIALOGUE:
                    found.append(el.text.strip())
            elif el.type is ET.ACTION:
                line = _one_line(el)
                if len(line) > 2 and line.startswith("(") and line.endswith(")") and line.count("(") == 1:
                    found.append(line)
        if found:
            out.append(_finding(
                ci, "lone_parenthetical",
                f"parenthetical with no dialogue after it: {found[0]}" + (f" (+{len(found) - 1} more)" if len(found) > 1 else "")
                + "; put the direction in action or give it a line", [i], "error",
            ))
    return out


def heading_prefix(ci: CheckInput) -> list[Finding]:
    out = []
    for i, scene in enumerate(ci.script.scenes):
        bad: list[str] = []
        h = scene.heading
        # Forced headings without a time (.BACK IN THE APARTMENT, .SNIPER SCOPE POV) are deliberate.
        if not h.prefix and (not h.forced or re.search(rf"\b(?:{_TIME_WORDS})\b", h.time.upper())):
            bad.append(h.text)
        for el in scene.elements:
            line = _one_line(el) if el.type is ET.ACTION else ""
            if line and line == line.upper() and not HEADING_PREFIX_RE.match(line) and (
                _HEADING_SHAPE_RE.match(line) or (_MALFORMED_PREFIX_RE.match(line) and " - " in line)
            ):
                bad.append(line)
        if bad:
            out.append(_finding(
                ci, "heading_prefix",
                f"scene heading without a standard prefix: '{bad[0]}'; start it with INT., EXT., INT./EXT. or EST.",
                [i], "error",
            ))
    return out


def long_action(ci: CheckInput) -> list[Finding]:
    out = []
    single: list[int] = []  # scenes whose only long block is just over the limit
    for i, scene in enumerate(ci.script.scenes):
        sizes = [wrapped_lines(el.text, ACTION_WIDTH) for el in scene.elements if el.type is ET.ACTION]
        long = [n for n in sizes if n > ACTION_MAX_LINES]
        if not long:
            continue
        if len(long) == 1 and long[0] <= ACTION_MAX_LINES + ACTION_SLACK:
            single.append(i)
            continue
        out.append(_finding(
            ci, "long_action",
            f"{len(long)} action block(s) over {ACTION_MAX_LINES} lines (longest {max(long)}); break them up",
            [i],
        ))
    if single:
        # Professional scripts have the odd five-line paragraph: one quiet note for all of them.
        out.append(_finding(
            ci, "long_action",
            f"{len(single)} scene(s) with one action block just over {ACTION_MAX_LINES} lines", single, "info",
        ))
    return out



def parenthetical_overuse(ci: CheckInput) -> list[Finding]:
    out = []
    for i, scene in enumerate(ci.script.scenes):
        speeches = sum(el.type is ET.CHARACTER for el in scene.elements)
        parens = sum(el.type is ET.PARENTHETICAL for el in scene.elements)
        if parens >= PAREN_SCENE_MIN and speeches and parens / speeches >= PAREN_SCENE_SHARE:
            out.append(_finding(
                ci, "parenthetical_overuse",
                f"{parens} parentheticals for {speeches} speeches; let the lines carry the tone", [i],
            ))
    return out


def _name_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[\s.]+", name) if t]


def _cap_patterns(name: str) -> list[re.Pattern[str]]:
    tokens = [t for t in _name_tokens(name) if t not in _TITLES]
    if len(tokens) > 1:
        tokens = [name] + [t for t in tokens if len(t) >= 3 and t not in _GENERIC and t not in _MODIFIERS]
    else:
        tokens = [name] + tokens
    return [re.compile(r"(?<![A-Za-z])" + re.escape(t) + r"(?![a-z])") for t in dict.fromkeys(tokens)]


def speaks_before_introduced(ci: CheckInput) -> list[Finding]:
    """Flags a speaker never mentioned in action before their first line on screen (nor in CAPS in that scene)."""
    first_speech: dict[str, tuple[int, int]] = {}
    for i, scene in enumerate(ci.script.scenes):
        for j, el in enumerate(scene.elements):
            if el.type is ET.CHARACTER and el.cue_name not in first_speech:
                # V.O., O.S., PRE-LAP...: a voice before a face needs no introduction yet.
                if not (set(el.extensions) - _CONTINUED) and not _GROUP_RE.search(el.cue_name):
                    first_speech[el.cue_name] = (i, j)
    scene_count = {c.name: len(c.scenes) for c in ci.analytics.stats.characters}
    text = "\n".join(el.text for sc in ci.script.scenes for el in sc.elements if el.type in (ET.ACTION, ET.DIALOGUE))
    out = []
    for name, (si, sj) in first_speech.items():
        # Bit parts (THE MAYOR, LITTLE GIRL in a crowd) are not introduced in CAPS by convention:
        # check speakers who recur or whose name is used as a name ("Zacky").
        if not _proper_tokens(name) or (scene_count.get(name, 0) < 2 and not _used_as_name(name, text)):
            continue
        caps = _cap_patterns(name)
        anycase = [re.compile(p.pattern, re.IGNORECASE) for p in caps]
        action_before = [el.text for el in ci.script.preamble if el.type is ET.ACTION]
        for i, scene in enumerate(ci.script.scenes[: si + 1]):
            action_before += [
                el.text for j, el in enumerate(scene.elements) if el.type is ET.ACTION and (i, j) < (si, sj)
            ]
        # The CAPS introduction may come just after the first line, in the same scene.
        same_scene = [el.text for el in ci.script.scenes[si].elements if el.type is ET.ACTION]
        if any(p.search(t) for p in anycase for t in action_before) or any(p.search(t) for p in caps for t in same_scene):
            continue
        out.append(_finding(
            ci, "speaks_before_introduced",
            f"{name} speaks before being introduced; introduce them in action in CAPS on first appearance",
            [si],
        ))
    return out



def _proper_tokens(name: str) -> list[str]:
    """Words of a cue that can be a name (not MAYOR, LITTLE, SOME)."""
    return [
        t for t in _name_tokens(name)
        if len(t) >= 3 and t not in _TITLES | _MODIFIERS | _GENERIC and t.lower() not in STOPWORDS
    ]


def _used_as_name(name: str, text: str) -> bool:
    core = _proper_tokens(name)
    return any(re.search(r"\b" + re.escape(t.title()) + r"\b", text) for t in core)


def _introduced_in_preamble(script: Script, pats: list[re.Pattern[str]]) -> bool:
    return any(el.type is ET.ACTION and any(p.search(el.text) for p in pats) for el in script.preamble)


def _core(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(title words, the rest) of a cue name: "DR. KANE" -> (("DR",), ("KANE",))."""
    toks = _name_tokens(name.replace("’", "'"))
    titles = tuple(t for t in toks if t in _TITLES)
    return titles, tuple(t for t in toks if t not in _TITLES)


def _edit1(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:k] + b[k + 1:] == a for k in range(len(b)))


def _variants(a: str, b: str) -> bool:
    if _GROUP_RE.search(a) or _GROUP_RE.search(b):
        return False
    ta, ca = _core(a)
    tb, cb = _core(b)
    if not ca or not cb:
        return False
    words = set(ca) | set(cb)
    if words & _MODIFIERS or any(any(ch.isdigit() or ch == "#" for ch in w) for w in words):
        return False
    if ta and tb and ta != tb:  # MR. SMITH and MRS. SMITH are two people
        return False
    if ca == cb:
        return True
    short, long_ = (ca, cb) if len(ca) < len(cb) else (cb, ca)
    if len(short) < len(long_) and (long_[: len(short)] == short or long_[-len(short):] == short):
        return not (set(short) & _GENERIC)
    if len(ca) == len(cb) == 1 and min(len(ca[0]), len(cb[0])) >= 6:
        return _edit1(ca[0], cb[0])
    return False


def name_variants(ci: CheckInput) -> list[Finding]:
    scenes_of: dict[str, list[int]] = {}
    for i, scene in enumerate(ci.script.scenes):
        for name in scene.characters:
            scenes_of.setdefault(name, []).append(i)
    names = list(scenes_of)
    out = []
    for x, a in enumerate(names):
        for b in names[x + 1:]:
            if _variants(a, b) and not set(scenes_of[a]) & set(scenes_of[b]):
                out.append(_finding(
                    ci, "name_variants",
                    f"'{a}' and '{b}' look like one character named two ways; pick one cue name",
                    scenes_of[a][:2] + scenes_of[b][:2],
                ))
    return out


# --------------------------------------------------------------------------- craft


def flat_scene(ci: CheckInput) -> list[Finding]:
    out = []
    for i, scene in enumerate(ci.script.scenes):
        content = [el for el in scene.elements if el.type in (ET.ACTION, ET.DIALOGUE)]
        if len(content) < FLAT_MIN_ELEMENTS:
            continue
        sent = ci.analytics.sentiment[i]
        # A change of value is a charge that flips (hope to fear) or swings hard within one polarity.
        flips = sent.start * sent.end < 0 and max(abs(sent.start), abs(sent.end)) > FLAT_FLIP_MARGIN
        if flips or abs(sent.shift) >= FLAT_MAX_SHIFT:
            continue
        if any(CONFLICT_RE.search(el.text) for el in content):
            continue
        out.append(_finding(
            ci, "flat_scene",
            "the scene ends where it began emotionally and no one wants something they "
            "cannot have; add a turn or cut it", [i],
        ))
    return out


def _names_lower(script: Script) -> set[str]:
    return {t.lower() for n in script.characters for t in _name_tokens(n)}


def repetition(ci: CheckInput) -> list[Finding]:
    names = _names_lower(ci.script)
    out = []
    # Word echo: the same content word three times within a few lines of action.
    for i, scene in enumerate(ci.script.scenes):
        words = [w.lower() for el in scene.elements if el.type is ET.ACTION for w in _WORD_RE.findall(el.text)]
        echoes: set[str] = set()
        positions: dict[str, list[int]] = {}
        for k, w in enumerate(words):
            if len(w) < 4 or w in STOPWORDS or w in names:
                continue
            pos = positions.setdefault(w, [])
            pos.append(k)
            if len(pos) >= ECHO_COUNT and pos[-1] - pos[-ECHO_COUNT] <= ECHO_WINDOW:
                echoes.add(w)
        if echoes:
            out.append(_finding(
                ci, "repetition", f"word echo in the action: {', '.join(sorted(echoes))}; vary or cut", [i], "info",
            ))
    # Phrases: the same run of words three times in one scene's action (a motif across scenes is deliberate).
    for i, scene in enumerate(ci.script.scenes):
        grams: Counter[tuple[str, ...]] = Counter()
        for el in scene.elements:
            if el.type is not ET.ACTION:
                continue
            ws = [w.lower() for w in _WORD_RE.findall(el.text)]
            grams.update(
                tuple(ws[k: k + PHRASE_N]) for k in range(len(ws) - PHRASE_N + 1)
                if sum(w not in STOPWORDS and w not in names for w in ws[k: k + PHRASE_N]) >= 2
            )
        repeated = [g for g, n in grams.items() if n >= PHRASE_COUNT]
        if repeated:
            out.append(_finding(
                ci, "repetition", f"phrase repeated {grams[repeated[0]]} times in the action: \"{' '.join(repeated[0])}\"",
                [i], "info",
            ))
    return out


def long_scene(ci: CheckInput) -> list[Finding]:
    scenes = ci.analytics.stats.scenes
    total = sum(s.eighths for s in scenes) or 1
    out = []
    for i, s in enumerate(scenes):
        # Long for any film, or long for this one (a short whose one scene eats a fifth of it).
        share = s.eighths / total
        relative = len(scenes) >= 4 and s.eighths > LONG_SCENE_EIGHTHS and share > LONG_SCENE_SHARE
        if relative or s.eighths > LONG_SCENE_ALWAYS:
            out.append(_finding(
                ci, "long_scene",
                f"scene runs {s.length} pages ({share:.0%} of the script); look for what to cut", [i],
            ))
    return out



def _structure(ci: CheckInput) -> list[Finding]:
    from tools.critic.structure import structure_findings

    return structure_findings(ci)


CHECKS: dict[str, Callable[[CheckInput], list[Finding]]] = {
    "cue_without_dialogue": cue_without_dialogue,
    "lone_parenthetical": lone_parenthetical,
    "heading_prefix": heading_prefix,
    "long_action": long_action,
    "parenthetical_overuse": parenthetical_overuse,
    "speaks_before_introduced": speaks_before_introduced,
    "name_variants": name_variants,
    "flat_scene": flat_scene,
    "repetition": repetition,
    "long_scene": long_scene,
    "structure": _structure,
}


def run_checks(script: Script, analytics: Analytics, only: list[str] | None = None) -> list[Finding]:
    ci = CheckInput(script, analytics)
    out: list[Finding] = []
    for name, fn in CHECKS.items():
        if only is None or name in only:
            out.extend(fn(ci))
    return out


