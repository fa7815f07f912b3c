"""Plain-text drafts: screenplay-shaped text goes to the Fountain parser, stage plays are read here.

Stage plays cover Project Gutenberg texts (boilerplate stripped), ACT/SCENE headings, cues on their
own line (``NORA.``, Moby Shakespeare's ``HAMLET`` over an indented speech) or inline (``NORA.
Speech``, Shaw's ``HIGGINS [sunnily] Speech``), and bracketed or ``Enter``/``Exit`` directions.
"""

from __future__ import annotations

import re
from collections import Counter

from screenplay.errors import ACCEPTED, ScriptImportError
from screenplay.formats.layout import ScriptBuilder
from screenplay.model import HEADING_PREFIX_RE, Element, ElementType, Script, normalize_character

_PG_START_RE = re.compile(r"^\*\*\*\s*START OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_PG_END_RE = re.compile(r"^\*\*\*\s*END OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_PG_KEY_RE = re.compile(r"^(Title|Author):\s*(.+)$", re.M)

_NUM = r"(?:[IVXLC]+|\d+|ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN)"
_ORD = r"(?:FIRST|SECOND|THIRD|FOURTH|FIFTH|SIXTH|LAST)"
_ACT_RE = re.compile(rf"^(ACT\s+{_NUM}\b|{_ORD}\s+ACT\b)\.?\s*(.*)$")
_SCENE_RE = re.compile(rf"^SCENE\s+({_NUM})\b\.?\s*(.*)$", re.I)
_PROLOGUE_RE = re.compile(r"^(THE\s+)?(PROLOGUE|EPILOGUE|INDUCTION)\.?$")
_PERSONAE_RE = re.compile(
    r"^(DRAMATIS\s+PERSON(AE|Æ|E)|(THE\s+)?PERSONS\s+(IN|OF)\s+THE\s+(PLAY|DRAMA)|CHARACTERS)\.?:?$",
    re.I,
)
_DIRECTION_RE = re.compile(
    r"^(Enter|Re-enter|Exit|Exeunt|Exeunt omnes|Manet|Manent|Flourish|Alarum|Alarums|Sennet|"
    r"Retreat|Trumpets|Music|Dies|Dumb-show)\b"
)
_NAME = r"[A-Z][A-Z0-9'’\-]*(?:(?:\.?\s+|\s*&\s*)[A-Z][A-Z0-9'’\-]*)*"
_CUE_LINE_RE = re.compile(rf"^({_NAME})\.?$")
_INLINE_CUE_RE = re.compile(rf"^({_NAME})(?:\.\s+|\s*(?=_?\[))(\S.*)$")
_NOT_CUES = {"CURTAIN", "THE END", "END", "FINIS", "ACT DROP", "SCENE", "CONTENTS", "ACT", "THE CURTAIN"}
_BRACKET_RE = re.compile(r"_?\[([^\]]*)\]_?\.?")
_SCREENPLAY_HEADING_RE = re.compile(r"^\s*\.?(INT|EXT|EST|I/E|INT\./EXT)[. /]", re.M | re.I)


def parse(text: str) -> Script:
    """A Script from plain text: a stage play when it reads like one, else through Fountain."""
    if not text.strip():
        raise ScriptImportError(f"The text is empty; there is no draft to read. Accepted: {ACCEPTED}.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_stage_play(text):
        return parse_stage_play(text)
    from screenplay.formats import fountain

    script = fountain.parse(text)
    script.source_format = "text"
    return script


def looks_like_stage_play(text: str) -> bool:
    """Gutenberg texts and texts with ACT/SCENE headings or many play cues, and no INT./EXT."""
    if _PG_START_RE.search(text):
        return True
    if len(_SCREENPLAY_HEADING_RE.findall(text)) >= 1:
        return False
    lines = [ln.strip() for ln in text.split("\n")]
    structural = sum(1 for ln in lines if _ACT_RE.match(ln) or _SCENE_RE.match(ln))
    inline = sum(1 for ln in lines if _INLINE_CUE_RE.match(ln) and _valid_name(_INLINE_CUE_RE.match(ln).group(1)))
    return structural >= 1 or inline >= 5


def _valid_name(name: str) -> bool:
    letters = sum(c.isalpha() for c in name)
    return letters >= 2 and len(name) <= 40 and name.rstrip(".") not in _NOT_CUES


def _strip_gutenberg(text: str) -> tuple[str, dict[str, str]]:
    """The body between the *** START / *** END markers, and Title/Author from the header."""
    meta: dict[str, str] = {}
    start = _PG_START_RE.search(text)
    if start:
        for key, value in _PG_KEY_RE.findall(text[: start.start()]):
            meta.setdefault(key, value.strip())
        text = text[start.end():]
    end = _PG_END_RE.search(text)
    if end:
        text = text[: end.start()]
    return text, meta


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


class _PlayReader:
    def __init__(self, lines: list[str], inline_names: set[str]) -> None:
        self.lines = lines
        self.inline_names = inline_names
        self.b = ScriptBuilder("text")
        self.act = ""
        self.speaker = ""
        self.current: Element | None = None  # the element a following line continues
        self.blank = False  # a blank line since the last text
        self.pending = ""  # speech text with an unclosed [direction
        self.in_direction = False  # inside a standalone [direction] spanning lines
        self.skipping = False  # inside the dramatis personae

    # -------------------------------------------------------------- structure
    def heading(self, text: str) -> None:
        self.flush_pending()
        self.b.heading(text, forced=True)
        self.speaker, self.current, self.in_direction = "", None, False

    def structural(self, i: int, s: str) -> bool:
        m = _ACT_RE.match(s)
        if m and len(s) < 100:
            self.act = m.group(1).strip()
            rest = m.group(2).strip()
            self.heading(f"{self.act}. {rest}" if rest else self.act)
            self.skipping = False
            return True
        m = _SCENE_RE.match(s)
        if m:
            rest = m.group(2).strip()
            scene = f"SCENE {m.group(1).upper()}." + (f" {rest}" if rest else "")
            self.heading(f"{self.act}, {scene}" if self.act else scene)
            self.skipping = False
            return True
        if _PROLOGUE_RE.match(s) and not self.is_cue_line(i, s):  # Hamlet's player "Prologue" speaks
            name = _PROLOGUE_RE.match(s).group(2).upper()
            self.heading(f"{self.act}, {name}" if self.act else name)
            self.skipping = False
            return True
        if _PERSONAE_RE.match(s):
            self.flush_pending()
            self.skipping = True
            self.act = ""  # any ACT seen so far belonged to the table of contents
            return True
        return False

    def is_cue_line(self, i: int, s: str) -> bool:
        m = _CUE_LINE_RE.match(s)
        nxt = self.lines[i + 1] if i + 1 < len(self.lines) else ""
        moby_word = re.fullmatch(r"[A-Z][a-z]+", s) and not nxt.strip()  # Moby's "Prologue" cue
        if not (m or moby_word) or _indent(self.lines[i]) > 3 or not _valid_name(s.rstrip(".")):
            return False
        if nxt.strip():
            n = nxt.strip()
            return not (_ACT_RE.match(n) or _SCENE_RE.match(n) or _CUE_LINE_RE.match(n))
        after = self.lines[i + 2] if i + 2 < len(self.lines) else ""
        return bool(after.strip()) and _indent(after) >= 2  # Moby layout: blank, indented speech

    # -------------------------------------------------------------- elements
    def cue(self, name: str) -> None:
        self.flush_pending()
        self.b.add(ElementType.CHARACTER, normalize_character(name))
        self.speaker, self.current, self.blank = normalize_character(name), None, False

    def action(self, s: str, *, new: bool) -> None:
        self.flush_pending()
        if not new and self.current is not None and self.current.type is ElementType.ACTION:
            self.current.text += "\n" + s
        else:
            self.current = self.b.add(ElementType.ACTION, s)

    def direction(self, s: str) -> None:
        """A standalone direction: its text without the brackets and italics underscores."""
        inner = re.sub(r"^_?\[|\]_?\.?$", "", s).strip().strip("_").strip()
        self.action(inner, new=not self.in_direction)

    def speech(self, s: str) -> None:
        s = (self.pending + " " + s).strip() if self.pending else s
        self.pending = ""
        if s.count("[") > s.count("]"):
            self.pending = s  # the direction closes on a later line
            return
        pos = 0
        for m in _BRACKET_RE.finditer(s):
            self.dialogue(s[pos:m.start()])
            inner = m.group(1).strip().strip("_").strip()
            if inner:
                self.current = self.b.add(ElementType.PARENTHETICAL, f"({inner})")
            pos = m.end()
        self.dialogue(s[pos:])

    def dialogue(self, s: str) -> None:
        s = s.strip()
        if not s or not re.search(r"\w", s):
            return
        if self.current is not None and self.current.type is ElementType.DIALOGUE:
            self.current.text += "\n" + s
        else:
            last = self.b.last
            if last is None or last.type not in (ElementType.CHARACTER, ElementType.PARENTHETICAL,
                                                 ElementType.DIALOGUE):
                # the speech resumes after a direction: repeat the cue so the block stays a speech
                self.b.add(ElementType.CHARACTER, self.speaker, extensions=("CONT'D",))
            self.current = self.b.add(ElementType.DIALOGUE, s)

    def flush_pending(self) -> None:
        if self.pending:
            pending, self.pending = self.pending, ""
            self.dialogue(pending.replace("[", "("))

    # -------------------------------------------------------------- driver
    def read(self) -> ScriptBuilder:
        for i, raw in enumerate(self.lines):
            s = raw.strip()
            if not s:
                self.blank = True
                if not self.pending:
                    self.current = None if not self.speaker else self.current
                continue
            was_blank, self.blank = self.blank, False
            if self.structural(i, s) or self.skipping:
                continue
            if s.upper() == "SCENE":  # "SCENE" over the setting's description (Wilde)
                continue
            if self.in_direction:
                self.direction(s)
                self.in_direction = "]" not in s
                continue
            if self.is_cue_line(i, s):
                self.cue(s.rstrip("."))
                continue
            m = _INLINE_CUE_RE.match(s)
            shaw = m is not None and m.group(2).startswith(("[", "_[")) and _valid_name(m.group(1))
            if m and (shaw or normalize_character(m.group(1)) in self.inline_names) and _indent(raw) <= 3:
                self.cue(m.group(1))
                self.speech(m.group(2))
                continue
            in_speech = bool(self.speaker) and (
                self.pending or not was_blank or _indent(raw) >= 2 and not _DIRECTION_RE.match(s)
            )
            if _DIRECTION_RE.match(s) and not self.pending:
                self.action(s, new=True)
                self.current = None
                continue
            if s.startswith(("[", "_[")) and not in_speech:
                self.speaker = ""
                self.direction(s)
                self.in_direction = "]" not in s
                continue
            if in_speech:
                if was_blank and self.current is not None and self.current.type is ElementType.DIALOGUE:
                    self.current = None  # a new verse paragraph of the same speech
                self.speech(s)
                continue
            self.speaker = ""
            self.action(s, new=was_blank)
        self.flush_pending()
        return self.b


def _inline_names(lines: list[str]) -> set[str]:
    """Names used as inline cues at least twice: a one-off capitalised word is not a speaker."""
    counts: Counter[str] = Counter()
    for ln in lines:
        m = _INLINE_CUE_RE.match(ln.strip())
        if m and _valid_name(m.group(1)):
            counts[normalize_character(m.group(1))] += 1
    return {name for name, n in counts.items() if n >= 2}


def parse_stage_play(text: str) -> Script:
    body, meta = _strip_gutenberg(text)
    lines = body.split("\n")
    first = next((i for i, ln in enumerate(lines)
                  if _ACT_RE.match(ln.strip()) or _SCENE_RE.match(ln.strip())
                  or _PROLOGUE_RE.match(ln.strip())), None)
    if first is None:
        first = 0
    front = [ln.strip() for ln in lines[:first] if ln.strip()]
    script = _PlayReader(lines[first:], _inline_names(lines[first:])).read().script
    script.preamble.clear()
    _tidy(script)
    if not script.scenes:
        raise ScriptImportError(
            "This text has no scenes or speeches that could be read as a play or screenplay. "
            f"Accepted: {ACCEPTED}."
        )
    script.title_page = _title_page(front, meta)
    return script


def _tidy(script: Script) -> None:
    """Drop cues without a speech, empty scenes, and the contents' headings before the play."""
    speech_types = (ElementType.DIALOGUE, ElementType.PARENTHETICAL)
    for scene in script.scenes:
        els = scene.elements
        scene.elements = [
            el for i, el in enumerate(els)
            if el.type is not ElementType.CHARACTER
            or (i + 1 < len(els) and els[i + 1].type in speech_types)
        ]
    speaking = [any(el.type is ElementType.CHARACTER for el in s.elements) for s in script.scenes]
    first = speaking.index(True) if True in speaking else len(script.scenes)
    script.scenes = [s for i, s in enumerate(script.scenes) if s.elements and (i >= first or speaking[i])]


def _title_page(front: list[str], meta: dict[str, str]) -> dict[str, str]:
    tp: dict[str, str] = {}
    if meta.get("Title"):
        tp["Title"] = meta["Title"]
    elif front:
        tp["Title"] = front[0]
    if meta.get("Author"):
        tp["Author"] = meta["Author"]
    elif len(front) > 1:
        by = front[1]
        if by.lower().startswith("by "):
            tp["Author"] = by[3:].strip()
        elif len(by.split()) <= 4 and not HEADING_PREFIX_RE.match(by):
            tp["Author"] = by
    return tp
