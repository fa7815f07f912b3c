"""The program's answer to a question about the draft: counted facts, each with the scenes it rests on.

Nothing here guesses. A question these patterns do not cover goes to retrieval (search.py); a question about
someone or something the draft does not contain is answered as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.grounding.draft import Citation, Draft
from screenplay.lead import leads, title_named
from screenplay.model import ElementType
from screenplay.scope import NUMBER_WORDS, ScopeError

_NUMBER = {w: i for i, w in enumerate(NUMBER_WORDS)} | {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_ACT_RE = re.compile(r"\bact\s+(one|two|three|four|five|iii|ii|iv|i|v|\d)\b", re.IGNORECASE)
_SCENE_NO_RE = re.compile(r"\bscene\s+(?:no\.?\s*|number\s+)?(\d+[a-z]?)\b", re.IGNORECASE)
_NAMED_SCENE_RE = re.compile(r"\b(?:the|in|at)\s+([a-z][\w' -]{1,40}?)\s+scene\b", re.IGNORECASE)
# Question words and screenplay terms that start with a capital without naming anyone.
_NOT_NAMES = {"who", "what", "where", "when", "why", "how", "which", "whose", "does", "do", "did", "is", "are", "was",
              "the", "a", "an", "in", "on", "act", "scene", "int", "ext", "i", "tell", "give", "can", "could", "show",
              "list", "name", "and", "or", "of", "my", "this", "that", "there", "day", "night", "page", "pages",
              "please", "so", "ok", "okay", "hey", "hi", "fountain", "mr", "mrs", "ms", "dr"}


@dataclass
class Fact:
    """What the program knows for one question."""

    kind: str  # lead, meet, act_length, last_line, first_line, first_appearance, scene_count, pages, settings,
    #            locations, who_is, lines_of, title, cast_count, scene, retrieval, unknown
    text: str  # the program's answer, citations included
    citations: list[Citation] = field(default_factory=list)
    names: tuple[str, ...] = ()  # character names a phrasing must keep
    numbers: tuple[str, ...] = ()  # numbers a phrasing must keep
    keep: tuple[str, ...] = ()  # phrases a phrasing must keep word for word ("1 4/8 pages")
    answerable: bool = True
    evidence: list[int] = field(default_factory=list)  # scene indices a free-tier model reads

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "citations": [c.to_dict() for c in self.citations],
                "names": list(self.names), "numbers": list(self.numbers), "answerable": self.answerable}


def _cite(draft: Draft, indices: list[int]) -> list[Citation]:
    return [draft.citations[i] for i in dict.fromkeys(indices)]


def _pages(eighths: int) -> str:
    """Eighths as pages a writer reads: "1 3/8 pages"."""
    whole, rest = divmod(eighths, 8)
    amount = f"{whole} {rest}/8" if whole and rest else f"{rest}/8" if rest else str(whole)
    return f"{amount} page" + ("" if eighths == 8 else "s")


def _first_with(draft: Draft, names: list[str]) -> int | None:
    rows = [draft.presence[n] for n in names]
    return next((i for i in range(len(draft.script.scenes)) if all(r[i] for r in rows)), None)


def _speeches(draft: Draft, *, last: bool) -> tuple[int, str, str] | None:
    """(scene index, speaker, the line) of the draft's first or last speech."""
    scenes = list(enumerate(draft.script.scenes))
    for idx, scene in (reversed(scenes) if last else scenes):
        els = scene.elements
        cues = [k for k, e in enumerate(els) if e.type is ElementType.CHARACTER]
        if not cues:
            continue
        k = cues[-1] if last else cues[0]
        line = next((e.text for e in els[k + 1:] if e.type is ElementType.DIALOGUE), "")
        return idx, els[k].cue_name, line
    return None


def _lead(draft: Draft, question: str) -> Fact:
    """The lead by screenplay.lead (the title's names, else scenes on screen, then words), with the counts behind it."""
    if not draft.cast:
        return Fact("lead", "Nobody speaks in this draft yet, so it has no lead by lines.", answerable=False)
    st = {c.name: c for c in draft.stats.characters}
    present = {name: sum(row) for name, row in draft.presence.items()}
    who = leads(draft.script.title, draft.stats.characters, present)
    total, count = draft.stats.speeches or 1, len(draft.script.scenes)
    firsts = [draft.presence[name].index(True) for name in who]

    def counts(name: str) -> str:
        return f"on screen in {present[name]} of {count} scenes, {st[name].lines} of {total} speeches"

    if len(who) == 1:
        name = who[0]
        others = [n for n in draft.cast if n != name]
        runner = f" {others[0]} is next, {counts(others[0])}." if others else ""
        text = f"The lead is {name}: {counts(name)}, first in {draft.citations[firsts[0]]}.{runner}"
    else:
        why = "both named in the title" if title_named(draft.script.title, who) == who else "close in scenes and lines"
        parts = "; ".join(f"{n} {counts(n)}, first in {draft.citations[i]}" for n, i in zip(who, firsts))
        text = f"A two-hander, {why}: {' and '.join(who)}. {parts}."
    return Fact("lead", text, _cite(draft, firsts), names=tuple(who),
                numbers=tuple(str(st[n].lines) for n in who), evidence=firsts)


def _meet(draft: Draft, names: list[str]) -> Fact:
    a, b = names[:2]
    idx = _first_with(draft, [a, b])
    if idx is None:
        return Fact("meet", f"{a} and {b} never share a scene in this draft.", names=(a, b), answerable=True,
                    citations=_cite(draft, [draft.presence[a].index(True), draft.presence[b].index(True)]))
    c = draft.citations[idx]
    return Fact("meet", f"{a} and {b} first share a scene in {c}.", [c], names=(a, b), numbers=(c.number,),
                evidence=[idx])


def _first_appearance(draft: Draft, name: str) -> Fact:
    idx = draft.presence[name].index(True)
    c = draft.citations[idx]
    return Fact("first_appearance", f"{name} first appears in {c}.", [c], names=(name,), numbers=(c.number,),
                evidence=[idx])


def _act_length(draft: Draft, act: int) -> Fact:
    n = len(draft.script.scenes)
    try:
        span = draft.acts.span(act, n)
    except ScopeError as exc:
        return Fact("act_length", f"I can't measure act {act}: {exc}", answerable=False)
    if not len(span):
        return Fact("act_length", f"Act {act} has no scenes in this draft.", answerable=False)
    eighths = sum(draft.stats.scenes[i].eighths for i in span)
    first, last = draft.citations[span.start], draft.citations[span.stop - 1]
    how = "by your act markers" if draft.acts.source == "markers" else "reading the acts at the usual 25% and 75% breaks"
    scenes = f"scene {first.number}" if len(span) == 1 else f"scenes {first.number} to {last.number}"
    text = (f"Act {NUMBER_WORDS[act] if act < len(NUMBER_WORDS) else act} runs {_pages(eighths)}: {scenes} "
            f"({len(span)} of {n}), from {first} ({how}).")
    return Fact("act_length", text, _cite(draft, [span.start, span.stop - 1]),
                numbers=(first.number, last.number), keep=(_pages(eighths),), evidence=[span.start])


def _line(draft: Draft, *, last: bool) -> Fact:
    hit = _speeches(draft, last=last)
    if hit is None:
        return Fact("last_line" if last else "first_line", "Nobody speaks in this draft yet.", answerable=False)
    idx, name, line = hit
    c = draft.citations[idx]
    quote = f': "{" ".join(line.split())[:120]}"' if line else ""
    which = "last" if last else "first"
    return Fact(f"{which}_line", f"{name} speaks the {which} line, in {c}{quote}", [c], names=(name,),
                numbers=(c.number,), evidence=[idx])


def _scene_count(draft: Draft) -> Fact:
    n = len(draft.script.scenes)
    first, last = draft.citations[0], draft.citations[-1]
    return Fact("scene_count", f"The draft has {n} scenes, from {first} to {last}.", [first, last],
                numbers=(str(n),), evidence=[0])


def _page_count(draft: Draft) -> Fact:
    pages = draft.stats.pages
    last = draft.citations[-1]
    return Fact("pages", f"The draft runs about {pages} page{'s' if pages != 1 else ''} in standard layout; "
                         f"the last scene is {last}, on page {draft.stats.scenes[-1].page}.",
                [last], numbers=(str(pages),), evidence=[len(draft.script.scenes) - 1])


def _settings(draft: Draft, question: str) -> Fact:
    q = question.lower()
    want = "EXT" if re.search(r"\b(exterior|outside|outdoors?|ext)\b", q) else "INT"
    if re.search(r"\b(night|day)\b", q) and not re.search(r"\b(interior|exterior|int|ext|inside|outside)\b", q):
        want = "NIGHT" if "night" in q else "DAY"
        idx = [i for i, s in enumerate(draft.stats.scenes) if s.day_night == want]
    else:
        idx = [i for i, s in enumerate(draft.stats.scenes) if want in s.int_ext.split("/")]
    label = {"INT": "interior", "EXT": "exterior", "NIGHT": "night", "DAY": "day"}[want]
    if not idx:
        return Fact("settings", f"None of the {len(draft.script.scenes)} scenes is marked {label}.", [draft.citations[0]],
                    numbers=("0",))
    cites = _cite(draft, idx)
    text = (f"{len(idx)} of {len(draft.script.scenes)} scenes are {label}, first {cites[0]}"
            + (f", last {cites[-1]}." if len(cites) > 1 else "."))
    return Fact("settings", text, [cites[0], cites[-1]] if len(cites) > 1 else cites, numbers=(str(len(idx)),),
                evidence=idx[:1])


def _locations(draft: Draft) -> Fact:
    first_at: dict[str, int] = {}
    counts: dict[str, int] = {}
    for i, s in enumerate(draft.stats.scenes):
        if s.location and s.int_ext != "OTHER":  # a POV shot or a title card is not a place
            first_at.setdefault(s.location, i)
            counts[s.location] = counts.get(s.location, 0) + 1
    if not counts:
        return Fact("locations", "The draft's scene headings name no places yet.", answerable=False)
    top = sorted(counts, key=lambda k: (-counts[k], first_at[k]))[:4]
    parts = [f"{loc} ({counts[loc]} scene{'s' if counts[loc] > 1 else ''}, first scene {draft.citations[first_at[loc]].number})"
             for loc in top]
    text = f"The story is set in {len(counts)} places; the most used: " + "; ".join(parts) + "."
    return Fact("locations", text, _cite(draft, [first_at[loc] for loc in top]), numbers=(str(len(counts)),),
                evidence=[first_at[top[0]]])


def _who_is(draft: Draft, name: str) -> Fact:
    st = {c.name: c for c in draft.stats.characters}[name]
    idx = draft.presence[name].index(True)
    c = draft.citations[idx]
    intro = draft.bible.characters.get(name, "")
    rank = draft.cast.index(name) + 1
    text = (f"{name} has {st.lines} speeches (number {rank} in the cast by lines) and first appears in {c}"
            + (f": \"{intro}\"" if intro else "."))
    return Fact("who_is", text, [c], names=(name,), numbers=(str(st.lines),), evidence=[idx])


def _lines_of(draft: Draft, name: str) -> Fact:
    st = {c.name: c for c in draft.stats.characters}[name]
    idx = [i for i, s in enumerate(draft.script.scenes) if name in s.characters]
    cites = _cite(draft, idx)
    text = (f"{name} has {st.lines} speeches ({st.words} words of dialogue) in {len(idx)} scenes, first {cites[0]}"
            + (f", last {cites[-1]}." if len(cites) > 1 else "."))
    return Fact("lines_of", text, [cites[0], cites[-1]] if len(cites) > 1 else cites, names=(name,),
                numbers=(str(st.lines),), evidence=idx[:1])


def _cast_count(draft: Draft) -> Fact:
    n = len(draft.cast)
    idx = draft.presence[draft.cast[0]].index(True) if n else 0
    names = ", ".join(draft.cast[:6]) + (" and others" if n > 6 else "")
    return Fact("cast_count", f"{n} characters speak in the draft: {names}. The first to speak does so in "
                              f"{draft.citations[_speeches(draft, last=False)[0]] if n else draft.citations[0]}.",
                [draft.citations[idx]], numbers=(str(n),), names=tuple(draft.cast[:1]))


def scene_fact(draft: Draft, idx: int, kind: str = "scene") -> Fact:
    """What happens in one scene, in the draft's own words: who is there and its first lines of action."""
    scene = draft.script.scenes[idx]
    c = draft.citations[idx]
    on = [n for n in draft.cast if draft.presence[n][idx]]
    action = [e.text for e in scene.elements if e.type is ElementType.ACTION and e.text.strip()]
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(" ".join(action).split()))
    gist = " ".join(sentences[:2])[:260]
    who = f"With {', '.join(on[:4])}." if on else "Nobody from the cast is on screen."
    text = f"In {c}: {gist} {who}".replace("  ", " ").strip()
    return Fact(kind, text, [c], names=tuple(on[:4]), numbers=(c.number,), evidence=[idx])


def unknown_names(draft: Draft, question: str) -> list[str]:
    """Capitalised words of the question that are neither question words nor anywhere in the draft."""
    words = [m.group(0) for m in re.finditer(r"\b[A-Z][a-zA-Z'’-]+\b", question) if question[:m.start()].strip()]
    return [w for w in words if w.lower() not in _NOT_NAMES and w.lower().strip("'’s") not in draft.vocabulary
            and w.lower() not in draft.vocabulary]


def program_answer(draft: Draft, question: str) -> Fact | None:
    """The counted answer, or None when the question needs retrieval."""
    q = " ".join(question.lower().split())
    if not draft.script.scenes:
        return Fact("unknown", "The draft has no scenes yet (no headings such as INT. KITCHEN - DAY), so I can't "
                               "answer from it.", answerable=False)
    missing = unknown_names(draft, question)
    if missing:
        names = " or ".join(dict.fromkeys(missing))
        return Fact("unknown", f"The draft never mentions {names}, so it can't answer that. Its speaking cast: "
                               f"{', '.join(draft.cast[:8]) or 'nobody yet'}.", answerable=False)
    people = draft.characters_in(question)
    if re.search(r"\b(protagonist|main character|lead|hero|heroine|central character|whose story|who is it about|"
                 r"who is (?:the|this) (?:story|script|film|movie|draft) about)\b", q):
        return _lead(draft, question)
    if re.search(r"\b(last|final) (line|word|words|speech|thing said)\b|\bhas the last word\b|\bspeaks last\b", q):
        return _line(draft, last=True)
    if re.search(r"\b(first) (line|words|speech)\b|\bspeaks first\b|\btalks first\b", q):
        return _line(draft, last=False)
    if len(people) >= 2 and re.search(r"\b(meet|met|together|share|same scene|first scene with|cross paths)\b", q):
        return _meet(draft, people)
    if len(people) == 1 and re.search(r"\b(first appear|appear first|first show|introduced|enter|first see|first meet "
                                      r"\w+|do we meet|when do we see|first scene)\b", q):
        return _first_appearance(draft, people[0])
    act = _ACT_RE.search(q)
    if act and re.search(r"\b(long|length|pages?|how many scenes|run|runs|big)\b", q):
        word = act.group(1).lower()
        return _act_length(draft, int(word) if word.isdigit() else _NUMBER[word])
    if re.search(r"\bhow many scenes\b|\bnumber of scenes\b|\bscene count\b", q):
        return _scene_count(draft)
    if re.search(r"\bhow many pages\b|\bpage count\b|\bhow long is (?:the|this|my|it)\b(?! act)|\bhow long (?:is it|does it run)\b",
                 q):
        return _page_count(draft)
    if re.search(r"\bhow many\b.*\b(interior|exterior|int|ext|inside|outside|night|day)\b", q):
        return _settings(draft, q)
    if re.search(r"\bhow many (characters|speaking|people|roles)\b|\bwho is in the cast\b|\bwho are the characters\b", q):
        return _cast_count(draft)
    if len(people) == 1 and re.search(r"\bhow many (lines|speeches|words)\b", q):
        return _lines_of(draft, people[0])
    if re.search(r"\bwhere (?:is|does) (?:the story|it|this|the script|the film|the movie) (?:set|take place|happen)\b|"
                 r"\b(locations|settings)\b|\bwhere is it set\b", q):
        return _locations(draft)
    if len(people) == 1 and re.fullmatch(r"(who|what) (is|'s) [\w .'’-]+\??", q) and not re.search(r"\bscene\b", q):
        return _who_is(draft, people[0])
    if re.search(r"\b(what is|what's) (the|its) (title|name of (?:the|this) (?:script|film|movie))\b", q):
        title = draft.script.title or "not given on the title page"
        return Fact("title", f"The title is {title}; it opens on {draft.citations[0]}.", [draft.citations[0]],
                    evidence=[0])
    number = _SCENE_NO_RE.search(q)
    if number:
        try:
            target = draft.script.scene(number.group(1))
        except IndexError:
            return Fact("scene", f"There is no scene {number.group(1)}: this draft has {len(draft.script.scenes)} "
                                 f"scenes.", answerable=False)
        return scene_fact(draft, next(i for i, s in enumerate(draft.script.scenes) if s is target))
    return None
