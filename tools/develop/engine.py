"""StoryEngine: climbs the development ladder (title, characters, beats, cards, drafts) one level at a time.

Scaffold tier: the program carries the structure (beat templates, character slots, places, who is in each
scene) and the model words one small field at a time. Free tier: the model writes each level whole and the
program checks it against the level above (every beat a card, every card's people in the cast), filling any
gap the scaffold way. Scene drafts always come from the scene generator, with the card's heading and cast.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage

from tools.context import StoryBible, ToolContext
from tools.develop import casting
from tools.develop.errors import DevelopError
from tools.develop.records import (
    LEVELS, Beat, Character, Logline, SceneCard, SceneDraft, Story, Title, fields_of, match_name, normalize_name,
    normalize_place, one_line,
)
from tools.develop.structures import ROLE_HINTS, ROLES, template
from tools.generator.scaffold import is_outdoors
from tools.prompting import quote_data, render

PACKAGE = "tools.develop"
_LABEL_RE = re.compile(r"^\s*(?:title|sentence|answer|beat|what|scene|logline)\s*:\s*", re.IGNORECASE)
_TITLE_PROMPT_WORDS = {"write", "a", "title", "for", "this", "film", "two", "to", "four", "words", "no", "quotes",
                       "logline", "the", "film's"}
FLAWS = ("pride", "a temper", "fear of being seen as weak", "a habit of lying", "stubbornness", "impatience")


@dataclass
class Step:
    """What one level's writing did: for the writer, the CLI's --json and the bench."""

    level: str
    seconds: float = 0.0
    model_calls: int = 0
    fallbacks: int = 0  # fields the model left empty or unusable, filled by the program
    checks: list[str] = field(default_factory=list)  # what the check against the level above found and fixed

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "seconds": round(self.seconds, 3), "model_calls": self.model_calls,
                "fallbacks": self.fallbacks, "checks": list(self.checks)}


class StoryEngine:
    """Every dependency passed in: ``chat_model`` writes the words, ``generator`` (a SceneGenerator) the scenes."""

    def __init__(self, chat_model: Any, generator: Any, *, tier: str | None = None, cast_size: int = 4,
                 temperature: float = 0.7, options: int = 1, info: Any = None):
        """``info``: the model's capability flags (agent.models.ModelInfo): its writing_tier is the default tier and
        its token_limit_param the keyword that caps each answer; without it nothing is assumed (scaffold, no cap)."""
        tier = tier or getattr(info, "writing_tier", None) or "scaffold"
        if tier not in ("scaffold", "free"):
            raise DevelopError(f"unknown writing tier {tier!r}; use scaffold or free.")
        if not 2 <= cast_size <= len(ROLES):
            raise DevelopError(f"a cast is 2 to {len(ROLES)} characters; you asked for {cast_size}.")
        self.chat_model = chat_model
        self.generator = generator
        self.tier = tier
        self.cast_size = cast_size
        self.temperature = temperature
        self.options = options
        self.info = info

    # ---- the ladder -------------------------------------------------------------------------------------
    def start(self, logline: str, structure: str = "three-act") -> Story:
        text = Logline(logline).text
        template(structure)  # an unknown structure is the writer's error, said before any writing
        return Story(Logline(text), structure=structure, tier=self.tier, genre=casting.genre_of(text))

    def next(self, story: Story, *, drafts: int = 3) -> Step:
        """Write the next empty level (``drafts`` scenes at a time for the drafts level)."""
        level = story.level()
        if level == "done":
            raise DevelopError("every level is written: edit one, or say 'regenerate stale' after an edit.")
        return self.write(story, level, count=drafts)

    def run(self, story: Story, *, scenes: int | None = None) -> list[Step]:
        """The whole ladder without stops; ``scenes`` limits how many cards are drafted (default: all)."""
        steps = [self.write(story, level) for level in LEVELS[:-1] if getattr(story, level) in (None, [])]
        wanted = len(story.cards) if scenes is None else min(scenes, len(story.cards))
        if wanted:
            steps.append(self.write(story, "drafts", count=wanted))
        return steps

    def write(self, story: Story, level: str, *, count: int = 3, ref: str | None = None) -> Step:
        """(Re)write ``level``: all of it, or only item ``ref`` (a character name, beat or card id)."""
        if level not in LEVELS:
            raise DevelopError(f"unknown level {level!r}; the levels are: {', '.join(LEVELS)}.")
        missing = {"characters": story.title is None, "beats": not story.characters,
                   "cards": not story.beats, "drafts": not story.cards}.get(level, False)
        if missing:
            raise DevelopError(f"write the level before {level} first (the next level to write is {story.level()}).")
        step = Step(level)
        started = time.perf_counter()
        getattr(self, f"_write_{level}")(story, step, count=count, ref=ref)
        step.seconds = time.perf_counter() - started
        return step

    # ---- title ------------------------------------------------------------------------------------------
    def _write_title(self, story: Story, step: Step, **_: Any) -> None:
        reply, prompt = self._ask(step, "title.md", max_tokens=16, logline=self._logline(story))
        text = _first_line(reply).strip(".")
        source = "model"
        words = {w.lower().strip(",.:") for w in text.split()}
        # A small model often echoes the instruction ("two to four words, no quotes") instead of a title.
        echo = len(words & _TITLE_PROMPT_WORDS) >= max(1, len(words) // 2)
        if not 1 <= len(words) <= 6 or not re.search(r"[A-Za-z]{2}", text) or "<<<" in text or echo:
            step.fallbacks += 1
            text, source = _fallback_title(story), "program"
        story.title = Title(text, prompt, source)

    # ---- characters -------------------------------------------------------------------------------------
    def _write_characters(self, story: Story, step: Step, *, ref: str | None = None, **_: Any) -> None:
        if ref is not None:
            old = story.character(ref)
            idx = story.characters.index(old)
            others = [c.name for c in story.characters if c is not old]
            new = self._character(story, step, old.name, old.role or ROLES[min(idx, len(ROLES) - 1)], others)
            story.characters[idx] = new
            self._mark_character(story, new.name, f"{new.name} was rewritten", also_beats=idx == 0)
            return
        if self.tier == "free":
            found = self._free_characters(story, step)
        else:
            found = []
        names = [c.name for c in found]
        for role in ROLES[len(found):self.cast_size]:
            name = casting.pick_names(story.logline.text, 1, taken=tuple(names))[0]
            names.append(name)
            found.append(self._character(story, step, name, role, [n for n in names if n != name]))
        story.characters = found[: self.cast_size]

    def _character(self, story: Story, step: Step, name: str, role: str, others: list[str]) -> Character:
        reply, prompt = self._ask(step, "character.md", max_tokens=80, logline=self._logline(story), person=name,
                                  role=role, hint=ROLE_HINTS.get(role, "a character in the story"),
                                  others=", ".join(others))
        got = fields_of(reply)
        hero = story.characters[0].name.title() if story.characters and role != "protagonist" else ""
        fallback = {
            "description": f"the {role}: {ROLE_HINTS.get(role, 'a character in the story')}",
            "want": {"protagonist": "to get what the logline puts at stake", "antagonist": f"to stop {hero or 'the hero'}",
                     "ally": f"to keep {hero or 'the hero'} safe", "mentor": f"to see {hero or 'the hero'} grow"}
            .get(role, "to be taken seriously"),
            "flaw": FLAWS[len(others) % len(FLAWS)],
        }
        values = {}
        for key, default in fallback.items():
            value = _clean_field(got.get(key, ""))
            if not value:
                step.fallbacks += 1
                value = default
            values[key] = value
        used_model = any(_clean_field(got.get(k, "")) for k in fallback)
        return Character(name, values["description"], values["want"], values["flaw"], role=role, prompt=prompt,
                         source="model" if used_model else "program")

    def _free_characters(self, story: Story, step: Step) -> list[Character]:
        reply, prompt = self._ask(step, "characters.md", max_tokens=90 * self.cast_size,
                                  logline=self._logline(story), title=story.title.text if story.title else "",
                                  count=self.cast_size)
        found: list[Character] = []
        for block in re.split(r"\n(?=\s*\**\s*name\s*:)", reply, flags=re.IGNORECASE):
            f = fields_of(block.replace("*", ""))
            name = normalize_name(f.get("name", ""))
            if not name or name.split()[0] in {c.name.split()[0] for c in found}:
                continue
            if not all(_clean_field(f.get(k, "")) for k in ("description", "want", "flaw")):
                step.checks.append(f"{name} lacked a description, want or flaw: written again by slot")
                continue
            role = ROLES[len(found)] if len(found) < len(ROLES) else "supporting"
            found.append(Character(name, _clean_field(f["description"]), _clean_field(f["want"]),
                                   _clean_field(f["flaw"]), role=role, prompt=prompt))
        if len(found) < self.cast_size:
            step.checks.append(f"the model wrote {len(found)} of {self.cast_size} characters; the rest by slot")
        return found[: self.cast_size]

    # ---- beats ------------------------------------------------------------------------------------------
    def _write_beats(self, story: Story, step: Step, *, ref: str | None = None, **_: Any) -> None:
        templates = template(story.structure)
        if ref is not None:
            old = story.beat(ref)
            idx = story.beats.index(old)
            story.beats[idx] = self._beat(story, step, idx, story.beats[:idx])
            self._mark_cards(story, [c for c in story.cards if c.beat == old.id], f"beat {old.name!r} was rewritten")
            return
        written: dict[int, Beat] = {}
        if self.tier == "free":
            written = self._free_beats(story, step)
        beats: list[Beat] = []
        for idx, _t in enumerate(templates):
            beats.append(written.get(idx) or self._beat(story, step, idx, beats))
        story.beats = beats

    def _beat(self, story: Story, step: Step, idx: int, before: list[Beat]) -> Beat:
        t = template(story.structure)[idx]
        hero = story.characters[0]
        purpose = t.purpose.format(hero=hero.name.title(), want=_want_phrase(hero.want))
        reply, prompt = self._ask(
            step, "beat.md", max_tokens=60, logline=self._logline(story), cast=self._cast_line(story),
            before=" ".join(b.text for b in before[-2:]), beat=t.name, purpose=purpose,
        )
        text = _sentence(reply)
        source = "model"
        if not text:
            step.fallbacks += 1
            text, source = purpose[0].upper() + purpose[1:] + ".", "program"
        return Beat(f"b{idx + 1}", t.name, t.act, text, purpose, prompt, source)

    def _free_beats(self, story: Story, step: Step) -> dict[int, Beat]:
        templates = template(story.structure)
        names = [t.name for t in templates]
        reply, prompt = self._ask(step, "beats.md", max_tokens=50 * len(names), logline=self._logline(story),
                                  cast="\n".join(f"- {c.name}: {c.description} Wants {c.want}." for c in story.characters),
                                  beats=names)
        found: dict[int, Beat] = {}
        for line in reply.splitlines():
            line = re.sub(r"^\s*(?:[-*•]|\d{1,2}[.)])\s*", "", line).replace("**", "")
            for idx, name in enumerate(names):
                if idx not in found and line.lower().startswith(name.lower()):
                    text = _sentence(line[len(name):].lstrip(" :-–"))
                    if text:
                        t = templates[idx]
                        purpose = t.purpose.format(hero=story.characters[0].name.title(),
                                                   want=_want_phrase(story.characters[0].want))
                        found[idx] = Beat(f"b{idx + 1}", name, t.act, text, purpose, prompt)
                    break
        gaps = [names[i] for i in range(len(names)) if i not in found]
        if gaps:
            step.checks.append(f"beats the model left out, written one by one: {', '.join(gaps)}")
        return found

    # ---- cards ------------------------------------------------------------------------------------------
    def _write_cards(self, story: Story, step: Step, *, ref: str | None = None, **_: Any) -> None:
        if ref is not None:
            old = story.card(ref)
            idx = story.cards.index(old)
            story.cards[idx] = self._card(story, step, story.beat(old.beat), idx, card_id=old.id)
            self._mark_drafts(story, [old.id], f"card {old.id} was rewritten")
            return
        written: dict[str, SceneCard] = self._free_cards(story, step) if self.tier == "free" else {}
        cards = []
        for idx, beat in enumerate(story.beats):
            cards.append(written.get(beat.id) or self._card(story, step, beat, idx, card_id=f"k{idx + 1}"))
        story.cards = cards
        missing = [c.name for c in story.characters if not any(c.name in k.who for k in story.cards)]
        for name, card in zip(missing, reversed(story.cards)):
            # Every character belongs somewhere: the late cards take whoever has not appeared.
            card.who.append(name)
            step.checks.append(f"{name} was in no card: added to {card.id}")

    def _card_plan(self, story: Story, idx: int, beat: Beat) -> tuple[str, str, list[str]]:
        """The program's half of a card: place (by the beat's slot), time, who (hero plus a rotating partner)."""
        t = template(story.structure)[int(beat.id[1:]) - 1]
        places = casting.places_for(story.logline.text, story.genre)
        names = story.names
        others = names[1:] or names
        partner = others[idx % len(others)]
        if t.act == 3 and len(names) > 1 and idx == len(story.beats) - 2:
            partner = names[1]  # the climax brings in the antagonist
        return places[t.where or casting.SLOTS[idx % 4]], ("DAY", "NIGHT")[idx % 2], list(dict.fromkeys([names[0], partner]))

    def _card(self, story: Story, step: Step, beat: Beat, idx: int, *, card_id: str) -> SceneCard:
        place, when, who = self._card_plan(story, idx, beat)
        reply, prompt = self._ask(step, "card.md", max_tokens=60, logline=self._logline(story), beat=beat.name,
                                  beat_text=beat.text, place=place.lower(), time=when.lower(),
                                  who=[n.title() for n in who])
        what = _sentence(reply)
        source = "model"
        if not what:
            step.fallbacks += 1
            what, source = beat.text, "program"
        return SceneCard(card_id, beat.id, place, when, who, what, interior=not is_outdoors(place),
                         prompt=prompt, source=source)

    def _free_cards(self, story: Story, step: Step) -> dict[str, SceneCard]:
        reply, prompt = self._ask(step, "cards.md", max_tokens=70 * len(story.beats), logline=self._logline(story),
                                  cast=", ".join(story.names),
                                  beats=[f"{i}. {b.name}: {b.text}" for i, b in enumerate(story.beats, 1)])
        found: dict[str, SceneCard] = {}
        for block in re.split(r"\n(?=\s*\**\s*beat\s*:)", reply, flags=re.IGNORECASE):
            f = fields_of(block.replace("*", ""))
            number = re.search(r"\d+", f.get("beat", ""))
            if not number or not 1 <= int(number.group()) <= len(story.beats) or not f.get("place"):
                continue
            beat = story.beats[int(number.group()) - 1]
            if beat.id in found or not _sentence(f.get("what", "")):
                continue
            named = [normalize_name(w) for w in re.split(r",|\band\b|&", f.get("who", "")) if w.strip()]
            who = [m for n in named if (m := match_name(n, story.names))]
            strangers = [n for n in named if n and not match_name(n, story.names)]
            if strangers:
                step.checks.append(f"card for {beat.name}: {', '.join(strangers)} not in the cast, left out")
            if not who:
                who = [story.names[0]]
            place = normalize_place(f["place"])
            found[beat.id] = SceneCard(f"k{len(found) + 1}", beat.id, place, _time(f.get("time", "")), who,
                                       _sentence(f["what"]), interior=not is_outdoors(place), prompt=prompt)
        gaps = [b.name for b in story.beats if b.id not in found]
        if gaps:
            step.checks.append(f"beats the model gave no card, carded one by one: {', '.join(gaps)}")
        # Ids follow beat order whichever order the model wrote them in.
        for i, beat in enumerate(story.beats):
            if beat.id in found:
                found[beat.id].id = f"k{i + 1}"
        return found

    # ---- drafts -----------------------------------------------------------------------------------------
    def _write_drafts(self, story: Story, step: Step, *, count: int = 3, ref: str | None = None) -> None:
        if ref is not None:
            todo = [story.card(ref)]
        else:
            todo = [c for c in story.cards if c.id not in story.drafts][:count]
        if not todo:
            raise DevelopError("every card has a draft: edit a card, or regenerate one with its id, e.g. 'k3'.")
        bible = self.bible(story)
        for card in todo:
            step.model_calls += 1
            result = self.generator.generate(
                {"count": self.options, "brief": card.what, "characters": list(card.who),
                 "style": casting.style_of(story.genre)},
                ToolContext(bible=bible), heading=card.heading,
            )
            options = list(result.options)
            if not options:
                step.checks.append(f"{card.id}: the generator wrote no complete scene")
                continue
            first = options[0]
            fountain, moved = cast_only(first.fountain, story.names)
            repairs = list(first.repairs) + [f"{name}, not in the cast, no longer speaks (a line of action)"
                                             for name in moved]
            story.drafts[card.id] = SceneDraft(card.id, fountain, first.prompt or result.prompt or "",
                                               float(first.score or 0.0), repairs, [o.fountain for o in options[1:]])
            if moved:
                step.checks.append(f"{card.id}: cues not in the cast turned into action: {', '.join(moved)}")
            recast = [r for r in first.repairs if r.startswith("gave the model's invented names")]
            if recast:  # the generator already gave a stranger's lines to the scene's cast: say so at this level
                step.checks.append(f"{card.id}: {recast[0]}")

    # ---- edits and staleness ----------------------------------------------------------------------------
    def edit_character(self, story: Story, name: str, *, new_name: str | None = None, description: str | None = None,
                       want: str | None = None, flaw: str | None = None) -> list[tuple[str, str, str]]:
        """Change a character; a new name is written everywhere, and what depends on the character goes stale."""
        person = story.character(name)
        old = person.name
        if new_name is not None:
            new = normalize_name(new_name)
            if not new:
                raise DevelopError("a character's new name needs letters, e.g. 'rename Tomas to Anselm'.")
            if new != old and new in story.names:
                raise DevelopError(f"{new} is already a character; pick another name.")
            rename(story, old, new)
            person.name = new
            self._mark_character(story, new, f"{old} is now {new}", also_beats=False)
        changed = {"description": description, "want": want, "flaw": flaw}
        for key, value in changed.items():
            if value is not None:
                setattr(person, key, one_line(value))
        if any(v is not None for v in changed.values()):
            person.source = "writer"
            what = ", ".join(k for k, v in changed.items() if v is not None)
            self._mark_character(story, person.name, f"{person.name}'s {what} changed",
                                 also_beats=story.characters.index(person) == 0)
        return story.stale_items()

    def edit_beat(self, story: Story, ref: str | int, text: str) -> list[tuple[str, str, str]]:
        old = story.beat(ref)
        story.beats[story.beats.index(old)] = Beat.from_string(text, like=old)
        self._mark_cards(story, story.cards_of(old.id), f"beat {old.name!r} changed")
        return story.stale_items()

    def edit_card(self, story: Story, ref: str | int, text: str) -> list[tuple[str, str, str]]:
        old = story.card(ref)
        new = SceneCard.from_string(text, like=old)
        strangers = [w for w in new.who if w not in story.names]
        if strangers:
            raise DevelopError(f"{', '.join(strangers)} is not in the cast ({', '.join(story.names)}): "
                               "add the character first or use one of these names.")
        story.cards[story.cards.index(old)] = new
        self._mark_drafts(story, [old.id], f"card {old.id} changed")
        return story.stale_items()

    def regenerate_stale(self, story: Story) -> list[Step]:
        """Rewrite only what is marked stale, top level first; what the writer edited is kept."""
        steps = []
        for level, ref, _reason in story.stale_items():
            if level == "characters":
                continue  # a character goes stale only through the writer's edit, which is kept as written
            if level == "drafts" and ref not in story.drafts:
                continue
            item = {"beats": lambda r: story.beat(r), "cards": lambda r: story.card(r),
                    "drafts": lambda r: story.drafts[r], "title": lambda r: story.title}[level](ref)
            if not item.stale:
                continue  # rewritten already by an earlier step
            steps.append(self.write(story, level, ref=None if level == "title" else ref))
        for level, ref, _reason in story.stale_items():
            if level == "characters":
                story.character(ref).stale = ""
        return steps

    def _mark_character(self, story: Story, name: str, reason: str, *, also_beats: bool) -> None:
        if also_beats:
            for beat in story.beats:
                beat.stale = beat.stale or reason
        self._mark_cards(story, [c for c in story.cards if name in c.who or (also_beats and c.stale == "")], reason)

    def _mark_cards(self, story: Story, cards: list[SceneCard], reason: str) -> None:
        for card in cards:
            card.stale = card.stale or reason
        self._mark_drafts(story, [c.id for c in cards], reason)

    @staticmethod
    def _mark_drafts(story: Story, card_ids: list[str], reason: str) -> None:
        for cid in card_ids:
            if cid in story.drafts:
                story.drafts[cid].stale = story.drafts[cid].stale or reason

    # ---- helpers ----------------------------------------------------------------------------------------
    def bible(self, story: Story) -> StoryBible:
        """The developed story as the story bible every tool already reads."""
        return StoryBible(
            title=story.title.text if story.title else "", logline=story.logline.text,
            characters={c.name: f"{c.description} Wants {_want_phrase(c.want)}; flaw: {c.flaw}."
                        for c in story.characters},
            locations=story.places, tone=story.genre,
        )

    def _logline(self, story: Story) -> str:
        return quote_data("LOGLINE", story.logline.text)

    @staticmethod
    def _cast_line(story: Story) -> str:
        return "; ".join(f"{c.name.title()} ({c.role}, wants {_want_phrase(c.want)})" for c in story.characters)

    def _ask(self, step: Step, prompt_file: str, *, max_tokens: int, **variables: Any) -> tuple[str, str]:
        system = render("system.md", PACKAGE)
        user = render(prompt_file, PACKAGE, **variables)
        kwargs: dict[str, Any] = {"temperature": self.temperature}
        if self.info is not None:
            # Every level is a few short fields: capping the answer keeps a small model from rambling on.
            kwargs[self.info.token_limit_param] = max_tokens
        step.model_calls += 1
        reply = self.chat_model.invoke([SystemMessage(content=system), HumanMessage(content=user)], **kwargs)
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        return content, f"{system}\n\n{user}"


def cast_only(fountain: str, names: list[str]) -> tuple[str, list[str]]:
    """The scene with every speech by someone outside the cast turned into a line of action; (text, who moved).

    The generator accepts a new speaker a model invents (right for a draft with no cast); a developed story
    has its cast, and every cue must be one of it."""
    from screenplay.formats.fountain import parse, render
    from screenplay.model import Element, ElementType

    script = parse(fountain)
    moved: list[str] = []
    for scene in script.scenes:
        out: list[Element] = []
        els = scene.elements
        i = 0
        while i < len(els):
            el = els[i]
            if el.type is ElementType.CHARACTER and el.cue_name not in names:
                j, said = i + 1, []
                while j < len(els) and els[j].type in (ElementType.PARENTHETICAL, ElementType.DIALOGUE):
                    if els[j].type is ElementType.DIALOGUE:
                        said.append(els[j].text)
                    j += 1
                moved.append(el.cue_name)
                out.append(Element(ElementType.ACTION, f"{el.cue_name.title()} says: \"{' '.join(said)}\""))
                i = j
                continue
            out.append(el)
            i += 1
        scene.elements = out
    return (render(script) if moved else fountain), list(dict.fromkeys(moved))


def rename(story: Story, old: str, new: str) -> None:
    """``old`` -> ``new`` in every card, beat, draft and character description, in capitals and in Title case."""
    pairs = [(old, new), (old.title(), new.title())]

    def swap(text: str) -> str:
        for a, b in pairs:
            text = re.sub(rf"\b{re.escape(a)}\b", b, text)
        return text

    for beat in story.beats:
        beat.text = swap(beat.text)
    for card in story.cards:
        card.who = [new if w == old else w for w in card.who]
        card.what = swap(card.what)
    for c in story.characters:
        c.description, c.want, c.flaw = swap(c.description), swap(c.want), swap(c.flaw)
    for draft in story.drafts.values():
        draft.fountain = swap(draft.fountain)
        draft.alternatives = [swap(a) for a in draft.alternatives]


def _time(text: str) -> str:
    word = one_line(text).upper()
    return next((t for t in ("NIGHT", "DAY", "MORNING", "EVENING", "DAWN", "DUSK") if t in word), "DAY")


def _first_line(text: str) -> str:
    line = next((ln for ln in text.strip().splitlines() if ln.strip()), "")
    return _LABEL_RE.sub("", line).strip(" \"'“”*#_-").strip()


def _sentence(text: str) -> str:
    """The first usable sentence of a reply, or "" when there is none (too short, a label, a prompt echo)."""
    line = _first_line(text)
    if "<<<" in line or ">>>" in line:
        return ""
    first = re.split(r"(?<=[.!?])\s+", line)[0].strip()
    if len(first.split()) < 4:
        return ""
    first = " ".join(first.split()[:45])
    return first if first[-1] in ".!?" else first + "."


def _clean_field(text: str) -> str:
    text = one_line(text).strip(" \"'“”*-")
    if not text or "<<<" in text or len(text.split()) > 35 or not re.search(r"[A-Za-z]{2}", text):
        return ""
    return text


def _want_phrase(want: str) -> str:
    return want[0].lower() + want[1:].rstrip(".") if want else "something"


def _fallback_title(story: Story) -> str:
    places = casting.places_for(story.logline.text, story.genre)
    return "The " + places["target"].title()
