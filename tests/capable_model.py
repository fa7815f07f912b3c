"""A scripted model that answers the critic's, style transfer's and summarizer's free-tier prompts like a
strong model would, computed from the prompt itself: coverage notes citing the scene list's real numbers,
whole-scene restyles that keep heading, speakers and order, abstractive summaries using the scenes' own names.

`faults` switches on malformed answers, each given once (the first call it applies to) so a retry can succeed,
or on every call with `every_time`:
  note_missing_scene   a weakness citing scene 999
  note_stranger        a strength about "Zorba Quill", who is in no draft
  note_no_scene        a weakness citing no scene
  drop_speaker         a restyled scene without its last speech
  reorder_speakers     a restyled scene with its first two speeches swapped
  restyle_stranger     a restyled speech naming Zorba Quill
  summary_stranger     a summary sentence naming Zorba Quill
  summary_missing_scene  a summary citing scene 999
  truncate             the reply cut off mid-sentence
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage
from pydantic import Field

from agent.models.fake import ScriptedChatModel

STRANGER = "Zorba Quill"
FLAVOUR = {
    "noir": ("The city keeps its secrets.", "Listen."),
    "horror": ("Something unseen holds its breath.", "Please."),
    "western": ("Dust settles on the boards.", "Well."),
}
DEFAULT_FLAVOUR = ("The moment hangs in the air.", "Look.")
_SCENE_LINE_RE = re.compile(r"^sc\. (\S+) \(p\. \d+\) (.*?) \| (.*?) \| (.*)$")
_BLOCK_RE = re.compile(r"^\[sc\. (\S+)\] (.*)$")


def _block(text: str, label: str) -> str:
    m = re.search(rf"<<<{label}\n(.*?)\n{label}>>>", text, re.DOTALL)
    return m.group(1) if m else ""


def _title(name: str) -> str:
    return " ".join(p[:1].upper() + p[1:].lower() for p in name.split())


def _place(heading: str) -> str:
    loc = re.sub(r"^(?:INT\./EXT\.|INT\.|EXT\.|EST\.|I/E\.?)\s*", "", heading.strip(), flags=re.I)
    return loc.split(" - ")[0].strip().lower() or "somewhere"


def _sentence(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s+", text.strip())[0]
    first = re.sub(r"\b[A-Z][A-Z'’\-]+\b", lambda m: _title(m.group(0)), first)
    return first if first[-1:] in ".!?" else first + "."


class CapableModel(ScriptedChatModel):
    faults: set[str] = Field(default_factory=set)
    every_time: bool = False  # give each fault on every call it applies to (the benches), not only the first
    given: set[str] = Field(default_factory=set)

    def fault(self, name: str) -> bool:
        """True the first time a switched-on fault applies (every time with `every_time`)."""
        if name in self.faults and (self.every_time or name not in self.given):
            self.given.add(name)
            return True
        return False

    def reply(self, messages: list[BaseMessage]) -> AIMessage:
        system = str(messages[0].content) if len(messages) > 1 else ""
        user = str(messages[-1].content)
        if "<<<SCENES" in user and "STRENGTH (sc." in system:
            text = self.coverage(user)
        elif "Rewrite this whole scene" in user:
            text = self.restyle_scene(user)
        elif "<<<ORIGINAL" in user:
            text = self.restyle_element(user)
        elif "<<<SCENES" in user and "SEQUENCE:" in user:
            text = self.sequence(user)
        elif "<<<SUMMARIES" in user:
            text = self.reduce(user)
        else:
            return super().reply(messages)
        if self.fault("truncate"):
            cut = text[: max(12, int(len(text) * 0.6))].rstrip()
            text = re.sub(r"[\s.!?,;:]+\S*$", "", cut) if cut[-1:] in ".!?" else cut
        return AIMessage(content=text)

    # -- critic ------------------------------------------------------------------------------------------
    def coverage(self, user: str) -> str:
        scenes = [m.groups() for m in map(_SCENE_LINE_RE.match, _block(user, "SCENES").splitlines()) if m]
        speakers: dict[str, int] = {}
        for _, _, who, _ in scenes:
            for name in who.split(", "):
                if name and name != "no one speaks":
                    speakers[name] = speakers.get(name, 0) + 1
        cast = [_title(n) for n in sorted(speakers, key=lambda n: -speakers[n])] or ["The lead"]
        lead, second = cast[0], cast[1] if len(cast) > 1 else cast[0]
        first, last = scenes[0], scenes[-1]
        busiest = max(scenes, key=lambda s: len(s[2].split(", ")))
        middle = scenes[len(scenes) // 2]
        lines = [
            f"LOGLINE: When trouble finds the {_place(first[1])}, {lead} must lean on {second} and see it through "
            f"to the {_place(last[1])}.",
            "VERDICT: Consider",
            f"STRENGTH (sc. {first[0]}): The opening at the {_place(first[1])} sets up {lead} quickly and with humour.",
            f"STRENGTH (sc. {busiest[0]}): The scene gives {second} a clear want and lets the cast collide.",
            f"WEAKNESS (sc. {middle[0]}): The middle repeats a beat we have seen; cut it or give {lead} a new obstacle.",
            f"WEAKNESS (sc. {last[0]}): The ending resolves too easily; let {lead} pay a price for the win.",
        ]
        if self.fault("note_missing_scene"):
            lines.append(f"WEAKNESS (sc. 999): The chase in the warehouse runs long; trim it.")
        if self.fault("note_stranger"):
            lines.append(f"STRENGTH (sc. {first[0]}): {STRANGER} steals every scene she is in.")
        if self.fault("note_no_scene"):
            lines.append("WEAKNESS: The dialogue is on the nose throughout.")
        return "\n".join(lines)

    # -- style -------------------------------------------------------------------------------------------
    @staticmethod
    def flavour(user: str) -> tuple[str, str]:
        m = re.search(r"^Style: ([^:]+):", user, re.M)
        name = m.group(1).lower() if m else ""
        return next((v for k, v in FLAVOUR.items() if k in name), DEFAULT_FLAVOUR)

    def restyle_scene(self, user: str) -> str:
        from screenplay.formats import fountain
        from screenplay.model import Element, ElementType, Script

        tag, opener = self.flavour(user)
        script = fountain.parse(_block(user, "SCENE") + "\n")
        scene = script.scenes[0]
        out = []
        for el in scene.elements:
            if el.type is ElementType.ACTION and el.text.strip():
                el = Element(el.type, f"{el.text.rstrip()} {tag}", el.extensions, el.dual, False, el.level)
            elif el.type is ElementType.DIALOGUE and el.text.strip():
                text = f"{opener} {el.text.strip()}"
                if self.fault("restyle_stranger"):
                    text = f"{text} Ask {STRANGER}."
                el = Element(el.type, text, el.extensions, el.dual, False, el.level)
            out.append(el)
        speeches = _speeches(out)
        if self.fault("drop_speaker") and speeches:
            start, end = speeches[-1]
            out = out[:start] + out[end:]
        elif len(speeches) >= 2 and self.fault("reorder_speakers"):
            (a0, a1), (b0, b1) = speeches[0], speeches[1]
            out = out[:a0] + out[b0:b1] + out[a1:b0] + out[a0:a1] + out[b1:]
        return "```fountain\n" + fountain.render(Script(scenes=[type(scene)(scene.heading, out)])).strip() + "\n```"

    def restyle_element(self, user: str) -> str:
        tag, opener = self.flavour(user)
        original = _block(user, "ORIGINAL").strip()
        if "Rewritten action:" in user:
            return f"{original} {tag}"
        return f"{opener} {original}"

    # -- summarizer --------------------------------------------------------------------------------------
    def sequence(self, user: str) -> str:
        scenes: list[tuple[str, str, list[str], str]] = []
        for line in _block(user, "SCENES").splitlines():
            m = _BLOCK_RE.match(line)
            if m:
                scenes.append((m.group(1), m.group(2), [], ""))
                continue
            if not scenes or not line.strip():
                continue
            label, heading, who, action = scenes[-1]
            if line.isupper() and len(line) < 30 and not line.endswith((".", ":")):
                who = who if line in who else who + [line]
            elif not action and not who:
                action = line
            scenes[-1] = (label, heading, who, action)
        out = []
        for n, (label, heading, who, action) in enumerate(scenes):
            names = [_title(w) for w in who]
            people = " and ".join(names[:2]) if names else "no one"
            verb = "talk" if len(names) > 1 else ("speaks" if names else "speaks")
            text = f"At the {_place(heading)}, {people} {verb}. {_sentence(action) if action else ''}".strip()
            if n == 0 and self.fault("summary_stranger"):
                text += f" {STRANGER} watches from the shadows."
            if n == 0 and self.fault("summary_missing_scene"):
                text += " It echoes scene 999."
            out.append(f"{label}: {text}")
        first, last = scenes[0], scenes[-1]
        cast = list(dict.fromkeys(_title(w) for s in scenes for w in s[2]))[:3]
        who = " and ".join(cast) if cast else "The story"
        out.append(f"SEQUENCE: {who} move from the {_place(first[1])} to the {_place(last[1])}.")
        return "\n".join(out)

    def reduce(self, user: str) -> str:
        items = [line[2:].strip() for line in _block(user, "SUMMARIES").splitlines() if line.startswith("- ")]
        firsts = [re.split(r"(?<=[.!?])\s+", x)[0] for x in items if x]
        if "one-sentence logline" in user:
            head = firsts[0].rstrip(".")
            tail = firsts[-1].rstrip(".") if len(firsts) > 1 else ""
            text = head + (f", and in the end, {tail[:1].lower()}{tail[1:]}" if tail else "") + "."
        else:
            text = " ".join(firsts)
        if self.fault("summary_stranger"):
            text += f" {STRANGER} arrives uninvited."
        if self.fault("summary_missing_scene"):
            text += " It all turns in scene 999."
        return text


def _speeches(elements: list[Any]) -> list[tuple[int, int]]:
    """(start, end) of each cue with its parentheticals and dialogue."""
    out = []
    for i, el in enumerate(elements):
        if el.type.value == "character":
            end = i + 1
            while end < len(elements) and elements[end].type.value in ("dialogue", "parenthetical"):
                end += 1
            out.append((i, end))
    return out
