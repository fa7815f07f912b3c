"""What the program can say about a scene without a model: where, who, and its key action sentence."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from screenplay.model import ElementType, Scene, Script
from screenplay.record import Record

_MARKUP_RE = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)|\\")
_SENTENCE_RE = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Words too common to say what a scene is about.
_STOP = frozenset(
    "the a an and or but of to in on at by for with from into onto over under up down out off as is are was were "
    "be been being it its this that these those he she they them his her their him we you i me my your our not no "
    "so then than there here what who when where why how all any some one two just very can could would should "
    "will has have had do does did s t".split()
)


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", _MARKUP_RE.sub("", text)).strip()


def display_name(name: str) -> str:
    """"NED KOVAC" -> "Ned Kovac"; "MCGEE" -> "Mcgee" is fine for prose."""
    return " ".join(part[:1].upper() + part[1:].lower() for part in name.split())


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(plain(text)) if s.strip()]


def content_words(text: str) -> list[str]:
    words = (re.sub(r"['’]s$", "", w.lower()).strip("'’") for w in _WORD_RE.findall(text))
    return [w for w in words if w not in _STOP and len(w) > 2]


def prose(sentence: str) -> str:
    """An action sentence as summary prose: introductions in parentheses dropped, CAPS names in title case."""
    text = re.sub(r"\s*\([^()]*\)", "", sentence)
    text = re.sub(r"\b[A-Z][A-Z'’\-]+\b", lambda m: display_name(m.group(0)) if len(m.group(0)) > 1 else m.group(0), text)
    return re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip()


def scene_hash(scene: Scene) -> str:
    """Content hash of what a scene says (heading and elements), the cache key of its summary."""
    h = hashlib.sha256(scene.heading.text.encode())
    for el in scene.elements:
        h.update(b"\x00" + el.type.value.encode() + b"\x01" + el.text.encode())
    return h.hexdigest()[:24]


@dataclass
class SceneFacts(Record):
    index: int  # 0-based position in the script
    label: str  # the scene's own number, else its 1-based position
    page: int
    heading: str
    place: str  # "Fishing pier, night"
    speakers: list[str]  # canonical names, in order of first line
    present: list[str]  # speakers plus script characters named in the action
    key_sentence: str  # the action sentence that best stands for the scene
    key_line: str = ""  # its most telling speech, attributed: 'Daniel: "They're automating the light."'
    hash: str = ""
    words: int = 0  # words of action and dialogue
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def who(self) -> str:
        names = [display_name(n) for n in self.present]
        if len(names) <= 2:
            return " and ".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]

    def extractive(self) -> str:
        """What happens, in the script's own words: the key action, then the key speech. Never invents."""
        parts = [p for p in (self.key_sentence, self.key_line) if p]
        if not parts:
            return f"{self.place}{': ' + self.who if self.who else ''}."
        return " ".join(parts)


def _place(scene: Scene) -> str:
    h = scene.heading
    loc = plain(h.location or h.text).strip(" .-")
    loc = loc[:1].upper() + loc[1:].lower() if loc.isupper() else loc
    time = plain(h.time).lower()
    return f"{loc}, {time}" if time else loc


def _named(script_names: list[str], text: str) -> list[str]:
    found = []
    for name in script_names:
        parts = [name] + [p for p in name.split() if len(p) > 2]
        if any(re.search(r"\b" + re.escape(p) + r"\b", text, re.IGNORECASE) for p in parts):
            found.append(name)
    return found


def key_sentence(scene: Scene, names: list[str]) -> str:
    """The action sentence sharing most content words with the rest of the scene, names weighing more."""
    action = [plain(e.text) for e in scene.elements if e.type is ElementType.ACTION and e.text.strip()]
    candidates = [s for block in action for s in sentences(block)]
    all_words = Counter(content_words(scene.text))
    lowered = {n.lower() for name in names for n in name.split()}
    best, best_score = "", float("-inf")
    for order, sent in enumerate(candidates):
        words = content_words(sent)
        if not words:
            continue
        overlap = sum(all_words[w] - 1 for w in set(words))  # minus its own mention
        named = sum(1 for w in set(words) if w in lowered)
        n = len(sent.split())
        shape = 0.0 if 5 <= n <= 30 else -2.0
        score = overlap / (len(set(words)) ** 0.5) + 1.5 * named + shape - 0.05 * order
        if score > best_score:
            best, best_score = sent, score
    return prose(best)


def key_line(scene: Scene) -> str:
    """The speech sentence sharing most words with the scene, attributed to its speaker."""
    all_words = Counter(content_words(scene.text))
    best, best_score, current = "", 0.0, ""
    for el in scene.elements:
        if el.type is ElementType.CHARACTER:
            current = el.cue_name
            continue
        if el.type is not ElementType.DIALOGUE or not current:
            continue
        for sent in sentences(el.text):
            words = set(content_words(sent))
            if len(sent.split()) < 3 or not words:
                continue
            score = sum(all_words[w] - 1 for w in words) / len(words) ** 0.5 + 0.1 * len(words)
            if score > best_score:
                best, best_score = f"{display_name(current)}: \u201c{' '.join(sent.split()[:24])}\u201d", score
    return best


def scene_facts(script: Script, index: int, label: str, page: int) -> SceneFacts:
    scene = script.scenes[index]
    all_names = script.characters
    action_text = " ".join(plain(e.text) for e in scene.elements if e.type is ElementType.ACTION)
    speakers = scene.characters
    present = list(dict.fromkeys(speakers + _named([n for n in all_names if n not in speakers], action_text)))
    words = sum(len(plain(e.text).split()) for e in scene.elements if e.type in (ElementType.ACTION, ElementType.DIALOGUE))
    return SceneFacts(
        index=index, label=label, page=page, heading=plain(scene.heading.text), place=_place(scene),
        speakers=speakers, present=present, key_sentence=key_sentence(scene, present), key_line=key_line(scene),
        hash=scene_hash(scene), words=words,
    )
