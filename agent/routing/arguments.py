"""Argument extraction: counts, act/scene/option references, characters, style, level, beat, focus.

Everything works on the accent-folded, lower-cased message (``text.fold``), whose offsets match
the original, so free-text arguments can be cut from the writer's own spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from agent.routing.text import clean_free_text, correct_typos, fold

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    # French, Spanish, German (articles such as un/una/ein are left out on purpose).
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10,
}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "last": -1,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9,
    "premier": 1, "premiere": 1, "deuxieme": 2, "second": 2, "troisieme": 3, "quatrieme": 4,
    "primer": 1, "primero": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercer": 3,
    "tercero": 3, "tercera": 3, "cuarto": 4, "cuarta": 4,
    "ersten": 1, "erste": 1, "erster": 1, "zweiten": 2, "zweite": 2, "zweiter": 2,
    "dritten": 3, "dritte": 3, "dritter": 3, "vierten": 4, "vierte": 4,
}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}

_NUM = r"(?:\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_ORD = r"(?:" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + r")"
_ACT_WORD = r"(?:act|acte|acto|akt)"
_SCENE_WORD = r"(?:scene|scenes|sc\.?|escena|szene|sequence)"
_OPTION_WORD = r"(?:option|options|opt|opcion|alternative|version)"

# Style presets and the words writers use for them (folded, matched at word starts).
STYLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "screwball-comedy": ("screwball",),
    "noir": ("film noir", "noir", "hardboiled", "hard-boiled", "hard boiled"),
    "horror": ("horror",),
    "shakespearean": ("shakespear", "elizabethan", "iambic", "bard"),
    "terse-minimalist": ("minimalis", "terse", "stripped-down", "stripped down", "spare prose"),
    "documentary-realism": ("documentary", "docu", "verite", "realism", "realist", "naturalistic"),
    "childrens-adventure": (
        "kids' adventure", "kids adventure", "kid's adventure", "children's", "childrens",
        "for kids", "family adventure", "pixar",
    ),
    "melodrama": ("melodrama", "soap opera", "telenovela"),
    "thriller": ("thriller", "hitchcock", "suspense"),
    "western": ("western", "cowboy", "spaghetti western"),
}

BEAT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "cold-open": ("cold open", "cold opens", "cold-open", "cold-opens", "teaser", "teasers"),
    "inciting-incident": ("inciting", "catalyst"),
    "first-turn": ("plot point 1", "plot point one", "first plot point", "break into two", "first turn"),
    "midpoint": ("midpoint", "midpoints", "mid-point", "mid point"),
    "all-is-lost": ("all is lost", "all-is-lost", "dark night of the soul", "lowest point", "low point", "rock bottom",
                    "darkest moment"),
    "climax": ("climax", "climaxes", "showdown", "showdowns"),
    "opening": ("opening", "openings", "opener", "openers", "beginning", "new start", "fresh start", "ouverture", "debut", "anfang", "apertura"),
    "ending": ("ending", "endings", "the end", "fins", "fin", "finale", "final", "finales", "resolution", "ende"),
}

LEVEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "logline": (
        "logline", "log line", "one sentence", "a sentence", "single sentence", "one-liner",
        "one liner", "une phrase", "una frase", "einem satz", "elevator pitch",
    ),
    "page": ("one page", "one-page", "1 page", "1-page", "single page", "a page", "one-pager", "one pager"),
    "beats": ("beat sheet", "beats", "beat by beat", "beat-by-beat"),
    "scenes": ("scene by scene", "scene-by-scene", "scene list", "list of scenes", "every scene", "all the scenes", "all scenes", "list the scenes", "each scene"),
    "synopsis": ("synopsis", "synopse", "sinopsis"),
}

FOCUS_SYNONYMS: dict[str, tuple[str, ...]] = {
    "dialogue": ("dialogue", "dialog", "lines", "banter", "talk like", "speak like", "sound like", "voices"),
    "pacing": ("pacing", "pace", "drag", "too slow", "rushed", "too long"),
    "structure": ("structure", "structural", "act break", "plot hole"),
    "character": ("character", "arc", "motivation", "protagonist", "antagonist", "villain", "journey", "turn against",
                  "likeable", "likable", "passive", "sympathetic", "relatable", "real threat", "pushover",
                  "change of heart", "transformation"),
    "stakes": ("stakes",),
    "conflict": ("conflict",),
    "tone": ("tone", "tonal"),
    "clarity": ("clarity", "confusing", "unclear", "hard to follow", "murky", "muddled", "muddy", "fogg", "is it clear",
                "clear enough", "easy to follow", "anyone follow", "follow who", "clear?"),
    "formatting": ("format",),
    "theme": ("theme", "thematic"),
}

GENRES = (
    "comedy", "thriller", "horror", "drama", "romance", "romantic", "action", "sci-fi", "science fiction",
    "western", "noir", "crime", "war", "fantasy", "musical", "mystery", "documentary", "animated", "heist",
)

# Words that cannot name a scene in "the X scene".
_NOT_SCENE_NAMES = {
    "next", "last", "previous", "same", "new", "other", "whole", "first", "second", "third", "final",
    "this", "that", "one", "a", "an", "of", "in", "to", "for", "similar", "every", "each", "which",
    "what", "any", "another", "current", "following", "big", "whole", "entire", "my", "the", "your",
    # ranking words and the work itself: "the weakest scene", "my screenplay scene by scene"
    "weakest", "strongest", "best", "worst", "longest", "shortest", "slowest", "fastest", "favorite", "favourite",
    "key", "main", "script", "screenplay", "draft", "story", "movie", "film", "pilot",
}


@dataclass
class Extraction:
    """Everything the message determines, before it is fitted to one tool's arguments."""

    count: int | None = None
    act: int | None = None
    scene: int | None = None
    scene_ref: str | None = None
    option: int | None = None
    after_scene: int | None = None
    before_scene: int | None = None
    style: str | None = None
    beat: str | None = None
    level: str | None = None
    focus: str | None = None
    genre: str | None = None
    placement: bool = False  # "after the funeral scene": where new material goes, no scene number
    topic: str | None = None  # what a statistics question is about (tools.schemas.STATS_TOPICS)
    characters: list[str] = field(default_factory=list)
    count_span: tuple[int, int] | None = None
    option_span: tuple[int, int] | None = None  # where the count was said: a similar search's k, or part of its query
    # Character spans of references that were consumed, so free text can leave them out.
    spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def has_target(self) -> bool:
        return any(v is not None for v in (self.act, self.scene, self.scene_ref, self.option))


def parse_number(token: str) -> int | None:
    token = token.strip().lower().rstrip(".")
    if token.isdigit():
        return int(token)
    if token in NUMBER_WORDS:
        return NUMBER_WORDS[token]
    if token in ORDINALS:
        return ORDINALS[token]
    m = re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)", token)  # "the 14th scene"
    return int(m.group(1)) if m else None


def _find_first(folded: str, synonyms: dict[str, tuple[str, ...]]) -> tuple[str, int] | None:
    """The id whose synonym occurs earliest (words matched at their start)."""
    best: tuple[int, str] | None = None
    for key, words in synonyms.items():
        for w in words:
            m = re.search(r"(?<![\w])" + re.escape(w), folded)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), key)
    return (best[1], best[0]) if best else None


def find_style(folded: str) -> str | None:
    # "for the horror one", "my western draft": a project named by its genre, not a style asked for
    folded = re.sub(r"\b(?:the|my|this|that) [\w-]+ (?:one|draft|script|project|piece)\b", " ", folded)
    folded = re.sub(r"\b(?:less|not so|not as|too|tone down the|tone down|fewer|no more)\s+[\w-]+", " ", folded)
    hit = _find_first(folded.replace("-", " "), STYLE_SYNONYMS) or _find_first(folded, STYLE_SYNONYMS)
    return hit[0] if hit else None


def find_beat(folded: str) -> str | None:
    # Whole words only: "fin" must not match "find", "final" not "finally".
    best: tuple[int, str] | None = None
    for key, words in BEAT_SYNONYMS.items():
        for w in words:
            for m in re.finditer(r"(?<![\w])" + re.escape(w) + r"(?![\w])", folded):
                if re.search(r"\b(?:before|after|ahead of|leading (?:up )?to) (?:the|my) $", folded[: m.start()]):
                    continue  # "one more beat before the climax": where it goes, not the beat to write
                if best is None or m.start() < best[0]:
                    best = (m.start(), key)
                break
    return best[1] if best else None


# A length named as the size of the summary ("down to one line", "sum up act one in a line", "a paragraph
# summary"), not as a unit of writing ("one line of dialogue", "the first paragraph of option 2") or a rough size
# ("a line or two").
_SIZED_LEVEL = (
    ("scenes", r"\bone (?:line|sentence) (?:each|per|for (?:each|every|a))\b"
               r"|\b(?:every|each|all(?: the| my)?) scenes?\b.{0,25}\b(?:one[- ]?liner|one line|a line|a sentence)\b"),
    ("logline", r"\b(?:to|in|into|as|with) (?:just )?(?:one|a single) line\b(?! of)"
                r"|\b(?:to|in|into|as|with) (?:just )?a line\b(?![\w-]|\s+(?:or|of|each|per|for|apiece|to)\b)"
                r"|\b(?:a|one) single line\b(?! of)|\belevator version\b|\bone[- ]line (?:summary|pitch|version)\b"),
    ("synopsis", r"\bparagraph (?:summary|synopsis|recap|describing|on|about|of (?:my|the|this) (?:script|draft|story"
                 r"|screenplay|film|movie))\b|\b(?:summ\w*|recap\w*|describ\w*|sum \w+ up) .{0,40}\b(?:in|as) (?:a|one) "
                 r"(?:short |single )?paragraph\b|\b(?:a|one) (?:short |single )?paragraph (?:summ\w*|describing|about)\b"
                 r"|\b(?:into|to|in|as) (?:a|one) (?:short |single |quick )?paragraph\b(?! of)"),
)


def find_level(folded: str) -> str | None:
    for key, pattern in _SIZED_LEVEL:
        if re.search(pattern, folded):
            return key
    for key in ("logline", "page", "beats", "scenes", "synopsis"):
        for w in LEVEL_SYNONYMS[key]:
            if re.search(r"(?<![\w])" + re.escape(w) + r"(?![\w])", folded):
                return key
    # One slip of the keyboard in the level's own name ("loglne", "synopsys").
    for word in re.findall(r"[a-z]{6,}", folded):
        for key in ("logline", "synopsis"):
            if _one_edit(word, key):
                return key
    return None


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by one insertion, deletion or substitution."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((n for n, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def find_focus(folded: str) -> str | None:
    hit = _find_first(folded, FOCUS_SYNONYMS)
    return hit[0] if hit else None


def find_genre(folded: str) -> str | None:
    for g in GENRES:
        if re.search(r"(?<![\w])" + re.escape(g) + r"s?\s+(?:scenes?|films?|movies?|examples?|refs?|references?|clips?)", folded) or re.search(
            r"(?:from|in) (?:a |an )?" + re.escape(g) + r"s?\b", folded
        ):
            return "romance" if g == "romantic" else g
        plural = g[:-1] + "ies" if g.endswith("y") else g + "s"
        if re.search(r"\b(?:any|some|other) (?:" + re.escape(plural) + "|" + re.escape(g) + r")\b|\b" + re.escape(plural) + r" only\b",
                     folded) or re.search(r"(?<![\w])" + re.escape(plural) + r"\s+(?:with|w/?|that|where|handle[sd]?|do|did|about|featuring"
                     r"|play|stage|shoot|write|treat|approach|tackle|deal)\b", folded):
            return "romance" if g == "romantic" else g
    return None


# Statistics topics by the words that name them, most specific first: "how many scenes are at
# night" is about settings, "which character is in the most scenes" about characters.
TOPIC_WORDS: tuple[tuple[str, str], ...] = (
    ("settings", r"\bint(?:erior)?s?\b|\bext(?:erior)?s?\b|\bdays?(?= ?(?:/|vs\b|versus|and|or|to|scenes?|exts?\b|ints?\b|-?time))"
                 r"|(?:/|vs\.?|versus|and|or|to) ?days?\b|\bnights?\b|\blocations?\b|\bsettings?\b"
                 r"|\binside\b|\boutside\b|\bindoors?\b|\boutdoors?\b"),
    ("characters", r"\bcharacters?\b|\bwho(?:'?s| is)? (?:has|speaks|talks|says|gets|in|got|appears)\b|^\W*who\b|\bspeak\w*|\btalk\w*|\blines\b"
                   r"|\bappear\w*|\bscreen ?time\b|\bdivide\w* among\b|\bcast\b|\bdialogue share\b"),
    ("acts", r"\bacts?\b"),
    ("scenes", r"\bscenes?\b|\bsc\b"),
)


def find_topic(folded: str, characters: Sequence[str] = ()) -> str:
    """Which statistics a question asks for (an overview when nothing narrower is named)."""
    # Dialogue against action, or two units at once ("total pages and scenes"): the whole overview.
    if re.search(r"\bdialogue (?:to|vs\.?|versus|and) action\b|\baction (?:to|vs\.?|versus|and) dialogue\b", folded) or (
            re.search(r"\b(?:pages?|scenes?|acts?)\s*(?:and|&|\+|,) (?:pages?|scenes?|acts?)(?![\w-])|\b(?:the lot|the works|all of it)\b",
                      folded) and not re.search(r"\b" + _ACT_WORD + r"\s+(?:" + _NUM + r"|[ivx]{1,3})\b|\b(?:per|each|by) act\b", folded)):
        return "overview"  # ... unless one act is named: "the NUMBERS for act 3. Pages, scene count."
    if re.search(r"\b(?:average|avg|median|typical) scene\b|\bscenes?'? lengths?\b", folded):
        return "scenes"  # "average scene length in act 2 versus act 1": scenes measured, the acts only select them
    for topic, pattern in TOPIC_WORDS:
        if re.search(pattern, folded):
            return topic
        if topic == "characters" and characters and find_characters(folded, characters):
            return topic
    return "overview"


_TITLES = {"dr", "mr", "mrs", "ms", "miss", "sir", "lady", "the"}
# Roles and kin that open a character's name (AUNT HESKETH, CANON WEATHERALL): the writer may use either word alone.
_ROLES = {
    "detective", "officer", "captain", "agent", "aunt", "uncle", "sister", "brother", "mother", "father", "grandma",
    "grandpa", "granny", "cousin", "sheriff", "deputy", "professor", "prof", "coach", "judge", "colonel", "sergeant",
    "corporal", "lieutenant", "general", "major", "doctor", "nurse", "king", "queen", "prince", "princess", "lord",
    "canon", "reverend", "pastor", "bishop", "madame", "madam", "mister", "auntie", "nana", "inspector", "chief",
}


def find_characters(message: str, characters: Sequence[str]) -> list[str]:
    """The draft's characters named in the message, in order of mention, spelled as in the draft."""
    folded = fold(message)
    hits: list[tuple[int, str]] = []
    for name in characters:
        name = name.strip()
        if not name:
            continue
        forms = [re.escape(fold(name))]
        words = fold(name).split()
        tokens = [t for t in words if len(t) >= 3 and t.strip(".") not in _TITLES | _ROLES]
        if len(tokens) < len(words):
            forms += [re.escape(t) for t in tokens]  # "Ruiz" names DETECTIVE RUIZ
        if len(words) > 1 and words[0].strip(".") in _ROLES:
            # "her aunt", "the Canon": a character named by the role in their name
            forms.append(r"(?:the|her|his|my|their|your|our) " + re.escape(words[0].strip(".")))
        positions = [
            m.start() for f in forms for m in re.finditer(r"(?<![\w])" + f + r"(?![\w])", folded)
        ]
        if positions:
            hits.append((min(positions), name))
    return [name for _, name in sorted(hits)]


# Verbs and request words that can open a message before "scene": "rewrite scene, ..." names no scene.
_VERBS_BEFORE_SCENE = {
    "write", "rewrite", "redo", "draft", "find", "search", "summarize", "summarise", "critique", "review", "fix",
    "tighten", "new", "a", "an", "any", "some", "more", "same", "whole", "this", "that", "next", "each", "one",
    "give", "gimme", "need", "want", "another", "fresh", "better", "different", "similar", "trim", "cut", "add",
}
# "the bit where Gus drops the cake": an existing scene told by what happens in it (a new one is "a scene where").
_BIT_WHERE = re.compile(
    r"(\b(?:after|before|following|once)\s+)?\bthe (?:bit|part|moment|scene|section|sequence) (?:where|when|in which)\s+"
    r"(.+?)(?=\s+(?:as|into|in the style|like|and|but|so|because|actually|really|lands?|works?)\b|\s*[-\u2013\u2014,.?!;:(]|\s*$)"
)
_NAMES_OPTION = re.compile(r"\b" + _OPTION_WORD + r"\b|(?<![\w])#\s*\d|\b" + _ORD + r" (?:one|option|version|alternative)\b")
_NAMED_SCENE = re.compile(r"(?:the|my|that|your)\s+((?:[a-z'\-]+\s+){0,2}?[a-z'\-]+)\s+scene\b")


_LIST_ITEM = re.compile(r"(?:^|\s)([12])[.)]\s")
_ASIDE = re.compile(r"\s*\([^()]{0,200}\)")


def first_item(message: str) -> str:
    """A numbered list's first item alone, the rest blanked ("two things: 1) three openings 2) notes"): offsets kept.

    Asides in brackets ("(physical comedy, go big)") are blanked too: they are the writer talking, not the request."""
    items = list(_LIST_ITEM.finditer(message))
    one = next((m for m in items if m.group(1) == "1"), None)
    two = next((m for m in items if m.group(1) == "2" and one and m.start() > one.start()), None)
    if one and two:
        message = " " * one.end() + message[one.end() : two.start()] + " " * (len(message) - two.start())
    return _ASIDE.sub(lambda m: " " * len(m.group(0)), message)


def extract(message: str, characters: Sequence[str] = ()) -> Extraction:
    message = first_item(message)
    folded = fold(message)
    ex = Extraction()

    def take(m: re.Match[str] | tuple[int, int]) -> None:
        ex.spans.append(m if isinstance(m, tuple) else m.span())

    def free(start: int, end: int) -> bool:
        return all(e <= start or s >= end for s, e in ex.spans)

    # Insertion points first: "after scene 14" is not a reference to scene 14.
    for word, attr in (
        (r"(?:after|follows?|following|apres|despues de|nach)", "after_scene"),
        (r"(?:before|in front of|ahead of|avant|antes de|vor)", "before_scene"),
    ):
        m = re.search(word + r"\s+(?:(?:the|la|le|l'|der)\s+)?" + _SCENE_WORD + r"\s*#?\s*(" + _NUM + r")\b", folded) \
            or re.search(word + r"\s+(?:the\s+)?(" + _ORD + r"|\d{1,3}(?:st|nd|rd|th))\s+scene\b", folded)  # "after the 14th scene"
        if m and parse_number(m.group(1)) not in (None, -1):
            setattr(ex, attr, parse_number(m.group(1)))
            take(m)
        else:
            # "after the funeral scene" places new material; it does not point at the funeral scene.
            m = re.search(word + r"\s+(?:the|my|that)\s+(?:[a-z'\-]+\s+){1,3}?scene\b", folded)
            if m:
                ex.placement = True
                take(m)
    if ex.after_scene is None and ex.before_scene is None and _NAMES_OPTION.search(folded):
        # With an option in hand a bare number places it: "put #2 after 9".
        m = re.search(r"\b(after|before)\s+#?(\d{1,3})\b(?!\s*(?:pages?|minutes?|mins?|lines?|words?|%|seconds?))", folded)
        if m:
            setattr(ex, "after_scene" if m.group(1) == "after" else "before_scene", int(m.group(2)))
            take(m)
    m = re.search(r"\bbetween (?:the )?" + _SCENE_WORD + r"\s*(" + _NUM + r")\s*(?:and|&|-)\s*(?:" + _SCENE_WORD + r"\s*)?" + _NUM + r"\b", folded)
    if m and ex.after_scene is None:
        ex.after_scene = parse_number(m.group(1))
        take(m)
    m = re.search(r"\bbetween (?:scenes? )?(\d{1,3})\s*(?:and|&|-)\s*\d{1,3}\b", folded)
    if m and free(*m.span()):
        if ex.after_scene is None and ex.before_scene is None and _NAMES_OPTION.search(folded):
            ex.after_scene = int(m.group(1))  # "put the first one between 7 and 8": an option goes after 7
        ex.placement = True
        take(m)
    # "between the pawn shop scene and ...", "once scene 19 ends": where new material goes, not a scene to work on
    m = re.search(r"\bbetween (?:the|my|that) (?:[a-z'\-]+\s+){1,3}?scene\b", folded) or re.search(
        r"\b" + _SCENE_WORD + r"\s*#?\s*" + _NUM + r"\s+(?:ends|is over|finishes|wraps(?: up)?|closes)\b", folded)
    if m and free(*m.span()):
        ex.placement = True
        take(m)
    if re.search(r"\b(?:comes?|happens?|follows?|goes) (?:right |just )?(?:after|next|before)\b|\bthe next scene\b|\bscene that follows\b", folded):
        ex.placement = True

    # "logline and then notes on act 1": an act or scene named in a later step belongs to that step
    step_end = len(_first_step(folded))
    m = re.search(r"\b" + _ACT_WORD + r"\s+(" + _NUM + r"|[ivx]{1,3}\b)", folded)
    if m and free(*m.span()) and m.start() < step_end:
        raw = message[m.start(1) : m.end(1)]
        ex.act = ROMAN.get(raw) if raw.upper() == raw and raw in ROMAN else parse_number(m.group(1))
        if ex.act is not None:
            take(m)
    if ex.act is None:
        m = re.search(r"\b(" + _ORD + r")\s+" + _ACT_WORD + r"\b", folded)
        if m and free(*m.span()) and ORDINALS[m.group(1)] > 0:
            ex.act = ORDINALS[m.group(1)]
            take(m)

    for m in re.finditer(r"(?<![\w])" + _SCENE_WORD + r"\s*#?\s*(" + _NUM + r")\b", folded):
        if re.match(r"\s+(?:different |other |new |more )?(?:ways|times)\b", folded[m.end():]) or (
                parse_number(m.group(1)) in (0, 1) and re.match(r"\s*(?:to|/|out of)\s*(?:5|10|100|five|ten)\b", folded[m.end():])):
            # "rate the rope-walk scene 1 to 10": a scale after a named scene
            continue  # "rewrite the bakery scene three different ways": a count after a named scene
        if free(*m.span()) and m.start() < step_end:
            ex.scene = parse_number(m.group(1))
            take(m)
            break
    if ex.scene is None:
        m = re.search(r"\bthe (" + _ORD + r") scene\b", folded)
        if m and ORDINALS[m.group(1)] > 0:
            ex.scene = ORDINALS[m.group(1)]
            take(m)
    if ex.scene is None:
        # "my opening scene" is scene 1; "the opening" alone is a beat, not a scene.
        m = re.search(r"\b(?:the|my|your) (?:opening|very first) scene\b", folded)
        if m and free(*m.span()):
            ex.scene = 1
            take(m)

    # Every determiner is a possible start: in "that resembles my diner scene" the name follows "my".
    for d in re.finditer(r"\b(?:the|my|that|your)\s", folded):
        m = _NAMED_SCENE.match(folded, d.start())
        if not (m and free(*m.span())):
            continue
        words = m.group(1).split()
        beatish = find_beat(m.group(1)) is not None
        if not beatish and not any(w in _NOT_SCENE_NAMES or w.isdigit() or w in ORDINALS for w in words):
            ex.scene_ref = message[m.start(1) : m.end(1)].lower()
            take(m)
            break
    m = _BIT_WHERE.search(folded)
    if m and re.search(r"\b(?:write|draft|pitch|sketch|script|give|gimme|do)\s+(?:me\s+|us\s+)?$", folded[: m.start()]):
        m = None  # "write the scene where Marisol gets locked in": a scene to write, told by its brief
    if m and free(*m.span()) and ex.scene is None and ex.scene_ref is None:
        if m.group(1):
            ex.placement = True  # "what could come after the bit where Gus drops the cake"
        else:
            ex.scene_ref = message[m.start(2) : m.end(2)].strip()
        take(m)
    if ex.scene_ref is None and ex.scene is None:
        # "the scene at the car wash": a second word only where the name plainly ends after it
        m = re.search(r"\bthe scene (?:at|in|on) the ([a-z'\-]+)(?: ([a-z'\-]+)(?=\s*(?:$|[,.?!:;]|(?:where|when|with|and"
                      r"|in|on|at|of|for|to|from|is|was|pls|please)\b)))?", folded)
        if m:
            second = m.group(2) if m.group(2) and m.group(2) not in _NOT_SCENE_NAMES else None
            ex.scene_ref = m.group(1) + (" " + second if second else "")
            take(m)
    if ex.scene_ref is None and ex.scene is None:
        # A scene named first, as a heading: "ferry scene, sum it up", "lumber mill scene: rain, shadows"
        m = re.match(r"\W*((?:[a-z'\-]+\s+)?[a-z'\-]+)\s+scene\s*(?:[.,:;\-\u2013\u2014]|\s(?:needs|is|feels|was|pls|please)\b)", folded)
        if m and free(*m.span()) and not any(w in _NOT_SCENE_NAMES or w in _VERBS_BEFORE_SCENE for w in m.group(1).split()) \
                and find_beat(m.group(1)) is None:
            ex.scene_ref = message[m.start(1) : m.end(1)].lower()
            take(m)
    if ex.scene_ref is None and ex.scene is None:
        # "scenes like the rooftop one": a scene of the draft named by what it resembles
        m = re.search(r"\b(?:like|resembl\w*|similar to|as) (?:the|my) ([a-z'\-]+(?: [a-z'\-]+)?) one\b", folded)
        if m and free(*m.span()) and not any(w in _NOT_SCENE_NAMES or w in ORDINALS for w in m.group(1).split()):
            ex.scene_ref = m.group(1)
            take(m)

    _extract_option(message, folded, ex, free, take)

    ex.style = find_style(folded)
    ex.beat = find_beat(folded)
    ex.level = find_level(_first_step(folded))
    ex.focus = find_focus(folded)
    ex.genre = find_genre(folded)
    ex.topic = find_topic(folded, characters)
    # A name inside a scene reference ("the bit where Gus drops the cake") is part of the reference.
    ex.characters = find_characters(_cut_spans(message, ex.spans if _BIT_WHERE.search(folded) else []), characters)
    # A number inside the description ("...: two strangers in an elevator") is not how many to make,
    # nor is one in a later step ("..., then I'll pick one").
    folded = _first_step(folded)
    # "N versions", "three directions": a number before the work it counts, said anywhere, however long the
    # context before it ("The finale lands with a thud. Give me two alternative endings where ...").
    counted = re.search(r"(?<![\w#])(" + _NUM + r")\s+(?:[\w-]+\s+)?(?:versions|options|takes|alts|alternatives|alternates"
                        r"|directions|ideas|pitches|drafts|endings|openings|openers|scenes|climaxes|midpoints|beats|cold opens"
                        r"|ways|variations|attempts|tries|goes|passes|shots|cracks)\b", folded)
    m = re.search(r":|\bwhere\b|\babout\b|\bwith\b|\blike (?:a|an|the|my|this|that)\b|\binvolving\b|\bfeaturing\b|\bin which\b", folded)
    limit = m.start() if m else len(folded)
    taken = len(ex.spans)
    ex.count = _extract_count(folded[:limit], free, take)
    if ex.count is None and counted and free(*counted.span(1)) and parse_number(counted.group(1)):
        ex.spans.append(counted.span(1))
        ex.count = parse_number(counted.group(1))
    # "3 of them", "... a cover-up. Ten, if the library has them.", "... tanks. Three.": a count said last
    later = re.search(r"\b(" + _NUM + r") of (?:them|those)\b|(?:^|[.!?]\s+)(" + _NUM + r")\s*(?:[.!?,]|$)", folded)
    if ex.count is None and later:
        num = later.group(1) or later.group(2)
        if free(*later.span(1 if later.group(1) else 2)) and parse_number(num):
            ex.count = parse_number(num)
            take(later.span(1 if later.group(1) else 2))
    top = re.search(r"(?:,\s*|\b)top (\d{1,2})\b", folded)
    if ex.count is None and top:  # "scenes with a hostage on a bus, top 8": how many to list, said last
        take(top)
        ex.count = int(top.group(1))
    if ex.count is not None and len(ex.spans) > taken:
        ex.count_span = ex.spans[-1]
    return ex


def _extract_option(message: str, folded: str, ex: Extraction, free, take) -> None:
    patterns = (
        r"(?:\bthe\s+|\bla\s+|\bl')?\b" + _OPTION_WORD + r"\s*(?:number\s*|no\.?\s*|#\s*)?(" + _NUM + r")\b",
        r"(?:\bthe\s+|\bla\s+|\bl')?(" + _ORD + r")\s+(?:one|option|opcion|version|alternative|alt|take|opt)\b",
        r"\b(?:go|going) with #?(\d{1,2})\b(?!\s*(?:scenes?|pages?|more|versions|options))",
        r"(?<![\w])#\s*(\d{1,2})\b",
        r"\b(?:number|no\.|n°)\s*(" + _NUM + r")\b(?!\s*(?:scenes?|options|versions|pages?)\b)",
    )
    for pattern in patterns:
        for m in re.finditer(pattern, folded):
            if not free(*m.span()):
                continue
            n = parse_number(m.group(1))
            if n is not None and n > 0:
                ex.option = n
                ex.option_span = m.span()
                take(m)
                return


def _extract_count(folded: str, free, take) -> int | None:
    m = re.search(r"\bhalf a dozen\b", folded)
    if m:
        take(m)
        return 6
    m = re.search(r"\ba dozen\b", folded)
    if m:
        take(m)
        return 12
    m = re.search(r"\ba couple(?: of)?\b(?!\s*(?:sentences?|pages?|lines?|words?|minutes?|paragraphs?)\b)", folded)
    if m:
        take(m)
        return 2
    another = re.search(r"\b(?:another|one more|an? (?:alternate|alternative|different|other)) (?:\w+ )?"
                        r"(?:version|take|option|alt|alternative|alternate|pass|draft)s?\b", folded)
    m = re.search(r"(?<![\w])x\s?(\d{1,2})\b|\b(\d{1,2})\s?x(?![\w])", folded)
    if m:
        take(m)
        return int(m.group(1) or m.group(2))
    m = re.search(r"\ba few\b", folded)
    if m:
        take(m)
        return 3
    m = re.search(r"\b(?:write|rewrite|redo|redraft|draft|do|try|take a crack at|pitch)\b[^.?!:]{0,30}?\b(twice|three times|thrice)\b",
                  folded)
    if m:  # "rewrite it twice", "redo scene 8 twice": two versions
        take(m.span(1))
        return 2 if m.group(1) == "twice" else 3
    for m in re.finditer(r"(?<![\w#])(" + _NUM + r")(?![\w]|-\w)", folded):  # "a two-hander" counts nothing
        if not free(*m.span()):
            continue
        # A scale is not a count: "out of 10", "from 1 to 10", "7/10".
        before = folded[max(0, m.start() - 12) : m.start()]
        if re.search(r"(?:out of|from|to|/)\s*$", before) or re.match(r"\s*(?:to|/|-)\s*\d", folded[m.end() :]):
            continue
        # "in one sentence", "one quiet, one loud": a number only counts before what is counted.
        after = folded[m.end() : m.end() + 40]
        if re.match(r"\s*(?:sentence|page|line|word|minute|hour|day|year|phrase|frase|satz)", after):
            continue
        # "the current one", "a new one": a pronoun, not a count
        if m.group(1) == "one" and re.search(r"\b(?:the|this|that|current|old|new|last|other|each|every|which|any|no|an?"
                                             r"|same|only|my|your|better|right|wrong)\s+(?:[\w'-]+\s+)?$", folded[: m.start()]):
            continue
        n = parse_number(m.group(1))
        take(m)
        return n
    return 1 if another else None


# --- Free-text arguments ---------------------------------------------------------------------

# What should happen follows "where", "about", a colon or a dash, or a trailing clause that describes
# ("a cold open, something with a body in a freezer"; "2 takes, one funny one bleak").
_BRIEF_MARKER = re.compile(r"(?:\b(?=(?:at least |maybe |just )?one (?:where|in which)\b)|(?<!hole )(?<!gap )(?<!place )(?<!spot )\bwhere\b|,\s*but\b|\bin which\b|\babout\b|:|\s[—–]\s|\bdonde\b|\bou\b|\bwo\b"
                           r"|\bso that\b|\b(?:versions|takes|options|alts|ways),\s+(?!please|pls|and\b|at least\b)(?=[a-z])|,\s*(?=at least one\b)|,\s*(?:anything|something) (?:that|which)\b|,\s*with\b|\b(?:want|need|like) (?:it|this|them) to\b"
                           r"|,\s*(?=(?:something|someone|somewhere)\b|one \w+,? (?:and )?one\b))")
# A colon that introduces the request itself ("For the period piece: draft an inciting incident in which ...").
_REQUEST_START = re.compile(r"\s*(?:(?:can|could|would) you |please |pls )?(?:write|draft|give|gimme|pitch|need|i want|i need"
                            r"|make|come up with|brainstorm|spitball)\b")
# A request said first, then what should happen in a sentence of its own ("alts for sc 22 x3. the blackout has to
# fall sooner"); a sentence before the request is only context, never the brief.
_NEXT_SENTENCE = re.compile(r"(?<!\.)\.(?!\.)\s+(?=[a-z])(?!(?:i|i'\w+|thanks|thx|then|and|also|ok|okay|x\d|like|show|tell|rewrite|redo"
                            r"|redraft|make|a few|a couple|new|more|another|some|" + _NUM + r")\b)")
_REQUEST_FIRST = re.compile(r"\b(?:pls|please|options?|alts?|alternates?|versions?|takes?|x\d|\d x|scenes?|cold opens?|openings?"
                            r"|endings?|midpoints?|climax)\b")
_CONTEXT_FIRST = re.compile(r"\b(?:i|i'\w+|we|it|is|are|was|were|feels?|keeps?|has|have|had|there'?s|ends?)\b")
_STEP_BREAK = re.compile(r"(?:,?\s*(?:and )?then\b(?!\.)|,?\s*and after that\b|;\s)", re.I)
_LEADING_FILLER = re.compile(
    r"^(?:(?:but|pero|mais|aber|so that|so|with|and|to be|to|please|just|a bit|again|also|now|ok|okay|take and|take it and|,)\s+)+", re.I
)
# A verb whose object is the option itself ("give option 2 a funnier ending") is no part of the change; one
# said after the option has its own object ("option 2 but make Rudy the villain") and stays.
_OPTION_VERBS = r"(?:rewrite|revise|redo|rework|edit|tweak|change|adjust|make|give)"
_VERB_THEN_OPTION = re.compile(r"^\W*(?:(?:can|could|would) you\s+|please\s+|pls\s+|let'?s\s+)*" + _OPTION_VERBS + r"\s+$")
_LEADING_VERBS = re.compile(
    r"^(?:(?:can|could|would) you\s+|please\s+|pls\s+)*(?:needs?(?: to be)?|should be|could be|can be|can it be"
    r"|(?:make|give) (?:it|this|that|them))\s+",
    re.I,
)
_LEADING_OPTION_VERB = re.compile(r"^(?:(?:can|could|would) you\s+|please\s+|pls\s+)*" + _OPTION_VERBS + r"\s+", re.I)
# A verdict on the option before the change asked for: "option 2 is close - age the characters up".
_VERDICT_FIRST = re.compile(
    r"^(?:is|was|looks|feels|reads|runs|'s)\s+[^,;:.\-\u2013\u2014]{1,40}?\s*(?:[,;:.\-\u2013\u2014]|\bbut\b)\s*(?=\w)", re.I
)
_TRAILING_PREP = re.compile(r"\s+(?:in|on|of|for|from|to)$", re.I)


def _cut_spans(message: str, spans: list[tuple[int, int]], start: int = 0) -> str:
    chars = list(message)
    for s, e in spans:
        for i in range(max(s, start), e):
            chars[i] = " "
    return "".join(chars[start:])


def _first_step(text: str) -> str:
    m = _STEP_BREAK.search(text)
    return text[: m.start()] if m else text


# Where a free-text argument ends: its sentence ("... under the houseboat. Write it."), an aside after a dash
# ("... in a swamp - I want to see how much they show"), or a request clause after it (", give me two takes").
_FREE_TEXT_END = re.compile(
    r"(?<!\.)(?<!\bdr)(?<!\bmr)(?<!\bst)(?<!\bms)\.(?!\.)\s+(?=\S)|\s[-\u2013\u2014]\s+(?=(?:i|i'\w+|the one|that'?s|it'?s|which|on page)\b)"
    r"|,\s*(?:give|write|send|pitch|show) (?:me|us)\b|\s*[,.]\s*(?:" + _NUM + r")\s*(?:[.!?,]|$)", re.I
)


def _own_sentence(text: str) -> str:
    m = _FREE_TEXT_END.search(text)
    return text[: m.start()] if m else text


def extract_brief(message: str, ex: Extraction) -> str:
    """For generate: the clause that says what should happen ("... where Maya finds the letter")."""
    folded = fold(message)
    m = _BRIEF_MARKER.search(folded)
    while m and ((m.group(0) == ":" and _REQUEST_START.match(folded, m.end()))
                 or any(s <= m.start() < e for s, e in ex.spans)):  # a marker inside a reference ("the bit where")
        m = _BRIEF_MARKER.search(folded, m.end())
    if not m:
        m = _NEXT_SENTENCE.search(folded)
        first = folded[: m.start()] if m else ""
        if (not m or _REQUEST_START.match(folded, m.end()) or not _REQUEST_FIRST.search(first)
                or _CONTEXT_FIRST.search(first) or re.match(r"\s*(?:could|can|would|will|pls|please)\b", folded[m.end():])):
            return ""
    rest = _cut_spans(message, ex.spans, m.end())
    rest = re.sub(r"(?:[.!?]\s*|\s+)(?:\d{1,2}|x\d|\d x)\W*$", "", rest)  # "... a hitchhiker. 2": a count said last
    brief = clean_free_text(_own_sentence(_first_step(rest)))
    brief = re.sub(r"\s*,\s*(?:for|in|on|at|of|to)$", "", brief)  # "..., for act 2" with the act cut
    # A sentence of its own must describe something, not be the tail of the request ("... x3. pls").
    return "" if m.group(0).startswith(".") and len(brief.split()) < 2 else brief


# Who else made such a scene (other writers, the classics, a film): the verb after them starts the query.
_OTHERS = (r"(?:(?:the|other|some|great|famous|classic|real|published|good|any|a|old|[a-z]+)\s+){0,3}?(?:pros?|professionals?|writers?"
           r"|screenwriters?|films?|movies?|scripts?|screenplays?|classics|greats|masters|filmmakers|directors|authors"
           r"|people|folks|others|any(?:one|body)|some(?:one|body)|shows?|ones|comedies|thrillers|westerns|dramas)\b")
# Verbs of making a scene, followed by what was made: "how pros write a breakup in a car", "has a film done a ...".
_MAKING = (r"\b(?:writes?|wrote|write|writing|shooting|staging|handling|shoots?|shot|stage[sd]?|film(?:s|ed)?|do|does|did|done|handle[sd]?|tackle[sd]?"
           r"|approach(?:es|ed)?|play(?:s|ed)?|depict(?:s|ed)?|portray(?:s|ed)?|pull(?:s|ed)? off|nail(?:s|ed)?|build|built"
           r"|dramati[sz]e[sd]?)\b(?=\s+(?:(?:an?|the|some|two|three|four)\s+(?!scenes?\b)|\w+ing\b))(?!\s+" + _OTHERS + ")")
_QUERY_STRONG = re.compile(
    r"(?::|\b(?:scripts|films|movies|screenplays|comedies|thrillers|westerns|dramas|ones) (?:have|has|had)\b|\bexamples? of\b|\breferences? (?:of|for)\b|\brefs? (?:of|for)\b|\bscenes? (?:of|on)\b|\bthat (?:had|have|has)\b|" + _MAKING + r"|\bhandle[sd]?\b|\bhandling\b|\bwritten\b|\bstaged\b|\bshot\b|\bapproached\b|\btackled\b|\bset (?:in|on|at|during)\b|\btakes? on\b|\bsimilar to\b|\bresembl\w*|(?<!i'd )(?<!i would )(?<!would )\blike\b(?!\s+(?:\d|a few|a couple|some|two|three|four|five|six|ten)\b)|(?<![\w/])w/?(?=\s)|\babout\b|\bwith\b|\binvolving\b|\bfeaturing\b|\bwhere\b|\bparecidas? a\b)"
)
_QUERY_WEAK = re.compile(r"(?:\bfor\b|\bof\b)")
_QUERY_NOISE = re.compile(
    r"\b(?:scenes?(?!\s+\w+(?:ed|ing)\b)|escenas?|szenen?|in my (?:draft|script|screenplay)|in the library|from the library|in my library|in the library\?|plz|please|pls)\b"
    r"|\b(?:what'?s|what is|stuff|anything) (?:in|out there in) the library\b|\blibrary\b(?= (?:scenes?|examples?|refs?)\b)"
    # which draft the scene is in: "scene 19 of mine", "scene 2 of the chamber drama"
    r"|\b(?:stuff|something|anything|ones?|scenes?) (?:that )?(?:(?:feels?|reads?|plays?|sounds?|looks?) like|close to|similar to)"
    r" (?:it|that|this|them)\b"
    r"|\s(?:looks?|plays?|reads?) like in (?:real|other|actual) (?:movies|films|scripts)\b|\bonly\b"
    r"|\bof mine\b|\bof (?:the|my) (?:[\w'-]+ ){0,3}?(?:draft|script|screenplay|piece|drama|comedy|one|project)\b",
    re.I,
)
# "a scene where ...", "a good deathbed confession": the frame and the praise are not what is looked for.
_QUERY_FRAME = re.compile(
    r"^\s*(?:(?:an?|the|some|any)\s+)?(?:good\s+|great\s+)?(?:scenes?|moments?|sequences?|bits?)\s+"
    r"(?:where|in which|with|that (?:has|had|have)|about|of|involving|featuring)\s+", re.I
)
_QUERY_PRAISE = re.compile(
    r"^(\s*(?:an?|the|some)\s+)(?:really\s+)?(?:good|great|classic|famous|memorable|iconic|strong|well-written|effective"
    r"|solid|killer|proper)\s+", re.I
)
# What a count names when it is how many to find: "5 scenes", "a few examples", "three library scenes".
_FOUND = re.compile(r"\s+(?:[\w'-]+\s+){0,2}?(?:scenes?|examples?|refs?|references?|ones|results?|matches|clips|comps"
                    r"|hits|picks|samples|excerpts|pieces|bits|moments|pros)\b")


def count_is_k(message: str, ex: Extraction) -> bool:
    """Whether the count says how many scenes to find, not who is in them ("two brothers splitting ...")."""
    if ex.count is None or ex.count_span is None:
        return ex.count is not None
    folded = fold(message)
    start, end = ex.count_span
    return (folded[start:end].lstrip(", ").startswith("top") or bool(_FOUND.match(folded, end))
            or bool(re.match(r"\s+of (?:them|those)\b|\s*(?:[.!?,]|$)", folded[end:])))
_STOPWORDS = {
    "a", "an", "the", "to", "in", "my", "la", "el", "le", "of", "for", "me", "some", "any", "that",
    "this", "is", "are", "there", "one", "ones", "like", "similar", "famous", "other", "more", "else", "it", "them",
    "those", "these", "mine", "reads", "plays",
    "?", "!", ".", ",",
}


def extract_query(message: str, ex: Extraction) -> str:
    """For similar: what the scenes should be like, or "" when the message points at a draft scene."""
    folded = _first_step(fold(message))  # a later step ("then write me one like it") is no description
    m = _QUERY_STRONG.search(folded) or _QUERY_WEAK.search(folded)
    if not m:
        return ""
    spans = ex.spans if count_is_k(message, ex) else [s for s in ex.spans if s != ex.count_span]
    rest = _cut_spans(message, spans, m.end())
    rest = _QUERY_FRAME.sub("", rest)
    rest = _own_sentence(_first_step(rest).split("?")[0])  # "... at an airport? show me": the question is the query
    if ex.genre:
        rest = re.sub(r"\b" + re.escape(ex.genre) + r"(?:s|es)?\b", " ", rest, flags=re.I)
    rest = _QUERY_NOISE.sub(" ", rest)
    rest = re.sub(r"^\W*(?:about|on|of)\s+", "", clean_free_text(rest), flags=re.I)  # "written about a ..."
    rest = _QUERY_PRAISE.sub(r"\1", _QUERY_FRAME.sub("", rest)).strip()
    rest = re.sub(r"\s+(?:before|ever|already|yet|lately|too|at all|anywhere|well|properly|convincingly)$", "", rest, flags=re.I)  # "... at a rest stop before"
    words = re.findall(r"[\w'-]+|[?!.,]", rest.lower())
    if not words or all(w in _STOPWORDS for w in words):
        return ""
    return rest


# Edit verbs a writer aims at a scene of the draft ("tighten the diner scene"): the generator writes
# new versions of that scene with the verb as its brief.
SCENE_EDIT = re.compile(
    r"^\W*(?:(?:can|could|would) you |please |pls |let'?s )?(punch up|cut down|speed up|slow down"
    r"|pare down|slim down|trim down|beef up|liven up|spice up|juice up|flesh out|compress"
    r"|(?:tighten|trim|shorten|streamline|lengthen|expand|sharpen|polish|fix|clean|declutter|simplify)(?: up)?)\b"
)


def scene_edit(message: str, ex: Extraction) -> str:
    """The edit verb of "tighten the diner scene" when the message edits a scene of the draft."""
    m = SCENE_EDIT.search(fold(message))
    if m and (ex.scene is not None or ex.scene_ref is not None) and ex.option is None:
        return message[m.start(1) : m.end(1)]
    return ""


def extract_instruction(message: str, ex: Extraction) -> str:
    """For revise/edit: what to change ("darker", "less dialogue")."""
    folded = fold(message)
    m = re.search(r"\bmake (?:it|this|that|them)\s+(.+)", folded)
    # "Polly is the one who lies": a number word inside the change is no reference to cut.
    spans = [(s - len(p.group(0)) if (p := re.search(r"(?:^|\s)(?:in|of|to|for|from)\s*$", folded[:s])) else s, e)
             for s, e in ex.spans if (s, e) != ex.count_span]  # "cut the dialogue in option 1" -> "cut the dialogue"
    colon = re.match(r"\s*:\s*", folded[ex.option_span[1]:]) if ex.option_span else None
    if colon and not m:  # "I meant change option 1: the creature stays off screen": the change follows the colon
        text = message[ex.option_span[1] + colon.end() :]
    else:
        text = message[m.start(1) :] if m else _cut_spans(message, spans)
    text = _first_step(text)
    # Several sentences: the change is the request among them ("Option 1 wears its subtext on its sleeve. Could
    # you bury it deeper?"), never the verdict before it or the reason after it ("strike the prologue. it's ...").
    parts = [p for p in re.split(r"(?<!\.)[.;!?]\s+", text.strip()) if p.strip()]
    if len(parts) > 1:
        asked = [p for p in parts if re.match(r"\s*(?:(?:could|can|would) you|please|pls)\b", p, re.I)]
        if re.match(r"\s*(?:'s\b|is|was|wears|feels|reads|plays|runs|seems|has)\b", parts[0], re.I):
            parts = parts[1:]
        # a reason after the change ("it's throat-clearing", "he hasn't earned an aria yet") is no part of it
        parts = [p for p in parts if not re.match(r"\s*(?:it'?s|it is|that'?s|he|she|they|i|i'\w+|because)\b", p, re.I)] or parts
        text = asked[0] if asked else ". ".join(parts)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:!?")
    verb_first = ex.option_span is not None and _VERB_THEN_OPTION.match(folded[: ex.option_span[0]])
    for _ in range(3):
        text = re.sub(r"^(?:(?:can|could|would) you|please|pls|kindly)\s+", "", text, flags=re.I)
        text = _VERDICT_FIRST.sub("", text).strip(" ,")
        text = _LEADING_VERBS.sub("", text).strip(" ,")
        if verb_first or ex.option_span is None:
            text = _LEADING_OPTION_VERB.sub("", text).strip(" ,")
        text = _LEADING_FILLER.sub("", text).strip(" ,")
    text = _TRAILING_PREP.sub("", text)
    return clean_free_text(text)


# The extracted fields each intent's tool takes, as (argument, Extraction attribute); free-text arguments
# (brief, query, instruction) and the revise mode are worked out from the message in args_for.
_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "generate": (("count", "count"), ("act", "act"), ("scene", "scene"), ("scene_ref", "scene_ref"),
                 ("beat", "beat"), ("characters", "characters"), ("style", "style")),
    "critique": (("act", "act"), ("scene", "scene"), ("scene_ref", "scene_ref"), ("focus", "focus")),
    "summarize": (("level", "level"), ("act", "act"), ("scene", "scene"), ("scene_ref", "scene_ref")),
    "similar": (("scene", "scene"), ("scene_ref", "scene_ref"), ("k", "count"), ("genre", "genre")),
    "style": (("style", "style"), ("scene", "scene"), ("scene_ref", "scene_ref"), ("act", "act"),
              ("option", "option")),
    "insert": (("option", "option"), ("after_scene", "after_scene"), ("before_scene", "before_scene")),
    "revise": (("option", "option"),),
    "stats": (("topic", "topic"),),
}


# The story structures development knows (tools.schemas.DevelopArgs), by the words a writer names them with.
_STRUCTURES = (
    ("save-the-cat", r"\bsave[- ]the[- ]cat\b"),
    ("sequences", r"\bsequences?\b|\b(?:eight|8)[- ]sequence\b"),
    ("three-act", r"\b(?:three|3)[- ]acts?\b"),
)


def find_structure(folded: str) -> str | None:
    """The structure a story idea is to be developed in ("save the cat beats", "in eight sequences", "three acts"),
    the one named first."""
    hits = [(m.start(), name) for name, pattern in _STRUCTURES if (m := re.search(pattern, folded))]
    return min(hits)[1] if hits else None


def args_for(intent: str, message: str, ex: Extraction) -> dict[str, Any]:
    """The arguments the message determines for one intent (defaults left out)."""
    message = first_item(message)
    args: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        if value not in (None, "", []):
            args[key] = value

    for name, attr in _FIELDS.get(intent, ()):
        if (name, intent) == ("k", "similar") and not count_is_k(message, ex):
            continue
        put(name, getattr(ex, attr))
    if intent == "generate":
        put("brief", extract_brief(message, ex) or scene_edit(message, ex))
    elif intent == "similar":
        # A genre alone ("comparable heist scenes") is also what to look for.
        put("query", extract_query(message, ex) or (ex.genre or ""))
    elif intent == "develop":
        put("structure", find_structure(_first_step(fold(message))))
    elif intent == "revise":
        mode = revise_mode(fold(message))
        put("mode", mode)
        if mode == "edit":
            put("instruction", extract_instruction(message, ex))
    return args


_MORE_LIKE = re.compile(
    r"\bmore (?:like|of|options like|versions like|in (?:that|this|the same) (?:vein|style|spirit)|along those lines)\b"
    r"|\bsimilar to\b|\bin the (?:style|vein|spirit) of (?:option|opcion|the \w+ one|#|number|that one|it)|\bvariations? (?:on|of)\b|\bmas como\b|\bplus comme\b"
    r"|\bmore like\b|\bsame vibe\b|\bmore along the lines of\b|\bin the same vein as\b|\banother like\b|\briff\w* on\b"
    # kinship: the same quality as it, cut from its cloth, its siblings
    r"|\bsame (?:[\w-]+ )?(?:as|like)\b|\bsimilar (?:[\w-]+ )?(?:to|as)\b|\bcut from (?:the|its|that|their) (?:same )?cloth\b|\bin the (?:style|vein|spirit|mou?ld|manner) of (?:the \w+ (?:one|option|version|alt)|opt\b)"
    r"|\b(?:more|new|other|fresh|extra) (?:versions|options|takes|alts|alternatives|variants|ones) (?:of|on|from|based on)\b|\balong (?:those|these|the same|similar) lines\b"
    r"|\bin (?:that|this|the same|its|their) (?:vein|spirit|key|mou?ld|style|register|tone|flavou?r|mood)\b"
    r"|\b(?:siblings?|cousins?|relatives?|variants?|spin-?offs?|clones?|offshoots?|descendants?) (?:of|on|to|for)\b"
    r"|\bspin (?:off|out)\b|\bmore\b(?:\s+[\w-]+){0,2}\s+like (?:that|this|it|them|those)\b"
)
_CONTINUE = re.compile(
    r"\bcontinu\w*|\bkeep (?:going|writing)\b|\bcarry on\b|\bwhat happens (?:next|after)\b|\bextend\w*"
    r"|\bgo on\b|\bnext page\b|\bcarry (?:it |this |that )?forward\b|\bkeep writing\b|\bfrom here\b|\bweiter\w*|\bsigue\b|\bpick up where\b|\bwrite (?:the )?next\b"
    r"|\bwrite on\b|\bwhat comes next\b"
    # going on from where it stops: keep it rolling, push it forward, finish it, more pages, it stops too soon
    r"|\bkeep (?:it |this |that |them )?(?:going|rolling|running|moving|on)\b|\bcarry (?:it |this |that |them )?on\b"
    r"|\bpush\w* (?:[\w#']+ ){0,3}?(?:forward|further|on|onward)\b|\btake (?:it|this|that|them|[\w#]+ \d) (?:further|forward|onward)\b"
    r"|\b(?:stops?|ends?|cuts? off|finish(?:es)?) (?:too )?(?:soon|early|short|abruptly)\b|\bfinish\b(?! (?:on|with)\b)|\bcomplete (?:it|the|option|opt|#)"
    r"|\bkeep (?:[\w#']+ ){1,2}?(?:going|rolling|running|moving)\b|\bcarry (?:[\w#']+ ){1,2}?(?:on|thru|through|forward)\b"
    r"|\brun (?:[\w#']+ ){1,2}?(?:out|on|further|longer)\b|\b(?:following|next) pages?\b|\bafter (?:[\w#']+ ){1,2}(?:finishes|ends|stops)\b"
    r"|\banother (?:\w+ )?pages?\b|\bmore pages?\b|\banother page\b|\bnext (?:page|beat|scene|bit)\b|\bleaves? off\b|\bwhere it (?:stops|ends|left off)\b"
)


def revise_mode(folded: str) -> str:
    folded = correct_typos(folded)  # "contine #4"
    if _CONTINUE.search(folded):
        return "continue"
    if _MORE_LIKE.search(folded):
        return "more_like"
    return "edit"


# "one line of dialogue", "a single comeback": a request a chat answer meets in a few dozen tokens.
_ONE_LINE_RE = re.compile(
    r"\b(?:one|a|an|single|1)\s+(?:short\s+|quick\s+|good\s+|single\s+|snappy\s+|killer\s+)?"
    r"(?:line|sentence|one-liner|comeback|retort|quip|insult|toast|catchphrase|exchange)\b(?!s)",
    re.IGNORECASE,
)
_WHOLE_SCENE_RE = re.compile(r"\b(?:scenes?|options|openings|versions|pages?|acts?)\b", re.IGNORECASE)
# What such a request keeps: one line, with room for a cue and a parenthetical.
ONE_LINE_TOKENS = 48


def asks_for_one_line(text: str) -> bool:
    """True for "write one line of dialogue for a pirate captain": not a scene, so not the scene pipeline."""
    return bool(_ONE_LINE_RE.search(text)) and not _WHOLE_SCENE_RE.search(text)
