"""Turn whatever a small model wrote into a valid Fountain scene under the program's heading.

The model is asked for action then ``NAME: words`` lines, but small models mix formats: Fountain cue
blocks, lower-case names, several speeches run together on one line, markdown, prose with quotes. The
reader here accepts all of them; the scene is then built as a Script and written by the project's
Fountain renderer, so cues, dialogue and action always come out in valid shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from screenplay.formats.fountain import render
from screenplay.model import Element, ElementType, Scene, Script, parse_heading
from tools.generator.rails import scrub

ET = ElementType

MAX_SPEECHES = 16
MAX_ACTION = 4
# Words a model writes before a colon that are labels, not speakers.
LABELS = {
    "ACTION", "DESCRIPTION", "SCENE", "SCENE HEADING", "HEADING", "SETTING", "CHARACTERS", "CHARACTER", "NOTE",
    "NOTES", "DIALOGUE", "PLACE", "TIME", "LOCATION", "INT", "EXT", "TITLE", "STYLE", "WHAT HAPPENS", "EXAMPLE",
    "OUTPUT", "ANSWER", "LOGLINE", "TONE", "BEAT", "SUMMARY", "TASK", "NARRATOR", "CUT TO", "FADE IN", "FADE OUT",
    "NEW SCENE", "THE END", "END",
}
# Bits of chat and markdown a model wraps around its answer.
_NOISE_RE = re.compile(r"^\s*(?:```\w*|#{1,6}\s*$|---+|\*\*\*+|<<<\w*|\w*>>>|={3,})\s*$")
_ROLE_RE = re.compile(r"<\|[^|>]*\|>|\[/?INST\]|<</?SYS>>")
_LIST_RE = re.compile(r"^\s*(?:[-*•]\s+|\d{1,2}[.)]\s+)")
_HEADING_RE = re.compile(r"^\s*\.?(?:INT\.?/EXT|INT|EXT|EST|I/E)[. ]", re.IGNORECASE)
# "NAME:" / "**Name**:" / "Name (softly):" at the start of a line.
_SPEAKER_RE = re.compile(
    r"^\s*\**\s*(?P<name>[A-Za-z][A-Za-z.'’-]*(?:\s+[A-Za-z][A-Za-z.'’-]*){0,2})\s*\**\s*"
    r"(?:\((?P<paren>[^()]{1,40})\))?\s*\**\s*:\s*\**\s*(?P<text>.*)$"
)
# A Fountain-style cue on its own line: capitals, at most four words, optional (V.O.)-style extension.
_CUE_RE = re.compile(r"^\s*@?(?P<name>[A-Z][A-Z0-9.'’ -]{0,30}?)\s*(?:\((?P<ext>[A-Z.' ]{1,10})\))?\s*\^?\s*$")
_PAREN_RE = re.compile(r"^\s*\(([^()]{1,60})\)\s*$")
_QUOTE_RE = re.compile(r"[\"“]([^\"”]{2,300})[\"”]")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


@dataclass
class Speech:
    name: str
    text: str
    parenthetical: str = ""


@dataclass
class SceneParts:
    """What was read from a model's text, before assembly."""

    action: list[str] = field(default_factory=list)  # action paragraphs before the exchange
    beats: list[tuple[int, str]] = field(default_factory=list)  # (speech index it follows, action)
    speeches: list[Speech] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # what had to be fixed, for the writer and the bench


def _clean_line(line: str) -> str:
    line = _ROLE_RE.sub(" ", line)
    line = _LIST_RE.sub("", line)
    return line.replace("\t", " ").strip()


def _match_name(raw: str, cast: tuple[str, ...]) -> str | None:
    """The cast member a written name stands for ("nora", "Nora Wells", "NORA" -> "NORA WELLS")."""
    name = re.sub(r"\s+", " ", raw.replace("*", "")).strip().upper()
    if name in cast:
        return name
    firsts = [c for c in cast if c.split()[0] == name.split()[0]]
    if len(firsts) == 1:
        return firsts[0]
    return None


def _speaker(raw: str, cast: tuple[str, ...], strict_case: bool) -> str | None:
    """A speaker name, or None when ``raw`` is a label ("Action") or too unlike a name."""
    name = re.sub(r"\s+", " ", raw.replace("*", "")).strip().upper()
    if not name or name in LABELS or name.rstrip(".") in LABELS:
        return None
    known = _match_name(raw, cast)
    if known:
        return known
    words = raw.split()
    if len(words) > 3 or not all(w[0].isupper() for w in words):
        return None  # "the door creaks: ..." is action
    if strict_case and raw != raw.upper():
        return None
    return name


def _split_run_on(line: str, cast: tuple[str, ...]) -> list[str]:
    """"NORA: Go. SAM: No." -> ["NORA: Go.", "SAM: No."] for names of the cast."""
    if not cast:
        return [line]
    names = "|".join(re.escape(c.split()[0]) for c in cast)
    pattern = re.compile(rf"(?<=\S)\s+(?=(?:{names})(?:\s+\w+)?\s*(?:\([^()]*\))?\s*:)", re.IGNORECASE)
    return [p for p in pattern.split(line) if p.strip()]


def read_scene(text: str, cast: tuple[str, ...]) -> SceneParts:
    """Action and speeches from a model's text, in whatever mix of formats it used."""
    parts = SceneParts()
    lines: list[str] = []
    headings_seen = 0
    for raw in text.replace("\r", "").split("\n"):
        if _NOISE_RE.match(raw):
            continue
        line = _clean_line(raw)
        if _HEADING_RE.match(line):
            headings_seen += 1
            if headings_seen > 1 or parts.speeches or any(x.strip() for x in lines):
                parts.repairs.append("cut a second scene")
                break
            parts.repairs.append("replaced the model's heading")
            continue
        pieces = _split_run_on(line, cast) if ":" in line else [line]
        if len(pieces) > 1:
            parts.repairs.append("split run-on dialogue")
        lines.extend(pieces)

    i = 0
    pending_paren = ""
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        m = _SPEAKER_RE.match(line)
        if m:
            name = _speaker(m.group("name"), cast, strict_case=False)
            if name is not None:
                if m.group("name") != m.group("name").upper():
                    parts.repairs.append("made cues upper case")
                said = m.group("text").strip().strip("*").strip()
                paren = (m.group("paren") or "").strip()
                if not said and i + 1 < len(lines) and lines[i + 1] and not _SPEAKER_RE.match(lines[i + 1]):
                    said, i = lines[i + 1], i + 1  # "NORA:" with the speech on the next line
                lead = re.match(r"^\(([^()]{1,40})\)\s*(.+)$", said)
                if lead and not paren:
                    paren, said = lead.group(1), lead.group(2)  # "NORA: (softly) Go." puts the parenthetical first
                if said:
                    _add_speech(parts, name, said, paren or pending_paren)
                    pending_paren = ""
                i += 1
                continue
            if m.group("name").strip().upper() in LABELS and m.group("text").strip():
                _add_action(parts, m.group("text").strip())
                i += 1
                continue
        cue = _CUE_RE.match(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if cue and nxt and not _HEADING_RE.match(nxt):
            name = _speaker(cue.group("name"), cast, strict_case=True)
            if name is not None and len(name.split()) <= 3:
                i += 1
                block: list[str] = []
                paren = ""
                while i < len(lines) and lines[i]:
                    pm = _PAREN_RE.match(lines[i])
                    if pm and not block:
                        paren = pm.group(1).strip()
                    elif block and (_CUE_RE.match(lines[i]) or _SPEAKER_RE.match(lines[i])):
                        break
                    else:
                        block.append(lines[i])
                    i += 1
                if block:
                    _add_speech(parts, name, " ".join(block), paren)
                continue
        pm = _PAREN_RE.match(line)
        if pm:
            pending_paren = pm.group(1).strip()
            i += 1
            continue
        _add_action(parts, line)
        i += 1
    _recast(parts, cast)
    return parts


def _recast(parts: SceneParts, cast: tuple[str, ...]) -> None:
    """Names the model made up go to cast members who have not spoken yet, then to the cast in turn: the
    program chose who is in the scene, and a small model's invented names ("TSKIS") rarely mean anything.
    No extra speaker stays: every cue of a scaffold-tier scene is one of the scene's cast."""
    if not cast:
        return
    spoken = {s.name for s in parts.speeches}
    unused = [c for c in cast if c not in spoken]
    mapping: dict[str, str] = {}
    turn = 0
    for speech in parts.speeches:
        if speech.name in cast:
            continue
        if speech.name not in mapping:
            if unused:
                mapping[speech.name] = unused.pop(0)
            else:
                mapping[speech.name] = cast[turn % len(cast)]
                turn += 1
        speech.name = mapping[speech.name]
    if mapping:
        moved = ", ".join(f"{old} -> {new}" for old, new in mapping.items())
        parts.repairs.append(f"gave the model's invented names to the scene's cast ({moved})")


def _tidy(text: str) -> str:
    # Emphasis marks go; an underscore inside a word (SOME_NAME) stays.
    text = re.sub(r"\s+", " ", re.sub(r"(?<!\w)_+|_+(?!\w)", "", text.replace("*", ""))).strip()
    if len(text) >= 2 and text[0] in "\"“" and text[-1] in "\"”" and text.count('"') <= 2:
        text = text[1:-1].strip()
    return text


def _add_speech(parts: SceneParts, name: str, text: str, paren: str) -> None:
    text = _tidy(text)
    if not text or not any(c.isalpha() for c in text):
        return
    if len(parts.speeches) >= MAX_SPEECHES:
        return
    if any(s.text.lower() == text.lower() for s in parts.speeches):
        parts.repairs.append("dropped a repeated line")
        return
    paren = _tidy(paren).strip("()").strip()
    last = parts.speeches[-1] if parts.speeches else None
    follows_beat = bool(parts.beats) and parts.beats[-1][0] == len(parts.speeches)
    if last is not None and last.name == name and not paren and not follows_beat:
        last.text = f"{last.text} {text}"  # one speaker twice in a row is one speech
        return
    parts.speeches.append(Speech(name=name, text=text, parenthetical=paren))


def _add_action(parts: SceneParts, text: str) -> None:
    text = _tidy(text)
    if not text or not any(c.isalpha() for c in text):
        return
    known = [a.lower() for a in parts.action] + [b.lower() for _, b in parts.beats]
    if text.lower() in known:
        parts.repairs.append("dropped a repeated line")
        return
    if parts.speeches:
        if len(parts.beats) < MAX_ACTION:
            parts.beats.append((len(parts.speeches), text))
    elif len(parts.action) < MAX_ACTION:
        parts.action.append(text)


def exchange_from_prose(parts: SceneParts, cast: tuple[str, ...]) -> SceneParts:
    """Last resort when the model wrote no dialogue: quoted words become speeches, else the later
    sentences of the prose are shared out between the cast in turn."""
    if parts.speeches or not cast:
        return parts
    prose = parts.action + [b for _, b in parts.beats]
    quotes = [q for p in prose for q in _QUOTE_RE.findall(p)]
    out = SceneParts(repairs=parts.repairs + ["made dialogue from the model's prose"])
    if quotes:
        out.action = [_tidy(_QUOTE_RE.sub("", p)) for p in prose if _tidy(_QUOTE_RE.sub("", p))][:2]
        for j, q in enumerate(quotes[:MAX_SPEECHES]):
            q = q.strip()
            _add_speech(out, cast[j % len(cast)], q[:-1] + "." if q.endswith(",") else q, "")
        return out
    sentences = [s.strip() for p in prose for s in _SENTENCE_RE.split(p) if s.strip()]
    if not sentences or (len(sentences) == 1 and len(sentences[0].split()) < 2):
        return parts
    keep = min(2, len(sentences) // 3)  # a lone sentence is all speech
    out.action = [" ".join(sentences[:keep])] if keep else []
    for j, s in enumerate(sentences[keep:][:MAX_SPEECHES]):
        _add_speech(out, cast[j % len(cast)], s, "")
    return out


def assemble(heading: str, parts: SceneParts) -> str:
    """Fountain for one scene, written by the project's renderer (so every element is valid)."""
    elements: list[Element] = [Element(ET.ACTION, a) for a in parts.action]
    beats: dict[int, list[str]] = {}
    for after, text in parts.beats:
        beats.setdefault(after, []).append(text)
    for idx, speech in enumerate(parts.speeches):
        elements.append(Element(ET.CHARACTER, speech.name))
        if speech.parenthetical:
            elements.append(Element(ET.PARENTHETICAL, f"({speech.parenthetical})"))
        elements.append(Element(ET.DIALOGUE, speech.text))
        for text in beats.get(idx + 1, []):
            elements.append(Element(ET.ACTION, text))
    scene = Scene(heading=parse_heading(heading), elements=elements)
    return render(Script(scenes=[scene])).strip() + "\n"


def repair(text: str, heading: str, cast: tuple[str, ...], *, prose_fallback: bool = False) -> tuple[str, list[str]]:
    """(Fountain scene, repairs made) from any model text; the scene may still lack dialogue unless
    ``prose_fallback`` lets prose stand in for it."""
    parts = read_scene(text, cast)
    if prose_fallback:
        parts = exchange_from_prose(parts, cast)
    _scrub(parts, {w for name in cast for w in [name, *name.split()]} | set(heading.replace("-", " ").split()))
    return assemble(heading, parts), list(dict.fromkeys(parts.repairs))


def _scrub(parts: SceneParts, known: set[str]) -> None:
    """Junk tokens out of every line (rails.junk_words: "[12]", "SMOOTH_SHIFTTPOTTA"); a line left without a
    word goes. The grammar makes them impossible on llama.cpp; elsewhere they are filtered here."""
    dropped = 0

    def clean(text: str) -> str:
        nonlocal dropped
        text, n = scrub(text, frozenset(known))
        dropped += n
        return text if any(c.isalpha() for c in text) else ""

    parts.action = [a for a in (clean(x) for x in parts.action) if a]
    parts.beats = [(i, b) for i, b in ((i, clean(x)) for i, x in parts.beats) if b]
    for speech in parts.speeches:
        speech.text = clean(speech.text)
    parts.speeches = [sp for sp in parts.speeches if sp.text]
    if dropped:
        parts.repairs.append(f"dropped {dropped} junk token{'s' if dropped != 1 else ''}")
