"""Build the critic's quality set: small Fountain drafts with planted, labeled flaws, plus clean ones.

Run once from the repository root (the output is committed):
    .venv/bin/python tests/data/critic/make_drafts.py

Drafts are made from the starter library's scenes (well-crafted, original to this project); each flaw is
planted by code so its label (check, 1-based scene) is known without running the checks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
STARTER = HERE.parents[2] / "tools" / "library" / "starter"

GENRES = sorted(p.name for p in STARTER.iterdir() if p.is_dir())

# Bland scenes for the "no change of value" flaw: pleasant, agreeable, nothing at stake.
FLAT_SCENES = [
    """INT. GARDEN CENTRE - DAY

HELEN (60s, sun hat) browses the rows of seedlings. OWEN (60s, cardigan) pushes a trolley behind her.

HELEN
These tomatoes look healthy.

OWEN
They do. Very healthy.

HELEN
We could put them by the fence.

OWEN
The fence gets good light in the afternoon.

Helen places two trays in the trolley.

HELEN
And some basil for the kitchen.

OWEN
Basil is nice with tomatoes.

They wheel the trolley toward the till.""",
    """INT. OFFICE KITCHEN - MORNING

PRIYA (30s, lanyard) fills the kettle. GRANT (40s, rolled sleeves) rinses two mugs.

GRANT
Morning.

PRIYA
Morning. Tea?

GRANT
Yes please. Milk, one sugar.

Priya drops the tea bags into the mugs.

PRIYA
The new carpet looks smart.

GRANT
It does. Very blue.

PRIYA
It matches the chairs.

Grant nods and hands her the milk. The kettle clicks off.""",
    """EXT. SEASIDE PROMENADE - AFTERNOON

MAUREEN (70s, windbreaker) and her friend JOYCE (70s, handbag) stroll along the railings.

MAUREEN
Lovely day for it.

JOYCE
Lovely. The sea is very calm.

MAUREEN
Shall we have an ice cream later?

JOYCE
That would be nice. Vanilla for me.

They pass a row of beach huts painted in soft colours.

MAUREEN
Vanilla is a good choice.

JOYCE
It is my favourite.

They walk on toward the pier.""",
    """INT. PUBLIC LIBRARY - DAY

DESMOND (50s, reading glasses) stamps a stack of returned books. A regular, FLORA (40s, tote bag), waits at the desk.

FLORA
Good afternoon, Desmond.

DESMOND
Good afternoon, Flora. Returning these today?

FLORA
Yes, I enjoyed them all.

Desmond stamps each one with care.

DESMOND
The gardening one is popular.

FLORA
It has lovely pictures.

DESMOND
We have a new one on roses too.

Flora smiles and takes the new book from the display.""",
]

# Action paragraphs that echo one word, for the repetition flaw.
ECHO_PARAGRAPHS = [
    "The window is open. Through the window, another window across the street, and in that window a lamp.",
    "A suitcase by the bed. The suitcase is old, and the suitcase has a broken clasp. She nudges the suitcase.",
    "The clock ticks. On the shelf, a second clock, and beside that clock a third clock, all slightly wrong.",
    "Rain on the glass. The rain keeps on, rain on the roof, rain in the gutter.",
]

LONG_ACTION = (
    "The room is a museum of a life interrupted: a coat still on the hook by the door, a stack of unopened "
    "letters on the radiator, a half-finished crossword folded beside a cold cup of tea, a calendar still turned "
    "to March, photographs of strangers and of people who stopped being strangers long ago, a cracked vase "
    "holding dried flowers, a record player with the lid up and the needle resting at the end of a side, and "
    "over all of it a fine layer of dust that nobody has had the heart to disturb for a very long time."
)

PARENS = ["(quietly)", "(beat)", "(softly)", "(dryly)", "(smiling)", "(after a moment)", "(flat)", "(warmly)"]


def starter_scene(genre: str, n: int) -> str:
    """The body of the n-th starter scene of a genre (title page removed)."""
    files = sorted((STARTER / genre).glob("*.fountain"))
    text = files[n % len(files)].read_text(encoding="utf-8").replace("\r\n", "\n")
    paras = text.split("\n\n")
    if paras and ":" in paras[0].split("\n")[0] and not paras[0].startswith(("INT", "EXT")):
        paras = paras[1:]  # the title page
    return "\n\n".join(paras).strip()


def paragraphs(scene: str) -> list[str]:
    return scene.split("\n\n")


def is_speech(p: str) -> bool:
    first = p.split("\n")[0]
    name = re.sub(r"\(.*?\)", "", first).strip()
    return "\n" in p and name == name.upper() and any(c.isalpha() for c in name) and not first.startswith(("INT", "EXT"))


def cue_name(p: str) -> str:
    return re.sub(r"\(.*?\)", "", p.split("\n")[0]).replace("^", "").strip()


def speakers(scene: str) -> list[str]:
    return list(dict.fromkeys(cue_name(p) for p in paragraphs(scene) if is_speech(p)))


# --------------------------------------------------------------------------- flaws (each returns the new scene)


def plant_cue_without_dialogue(scene: str) -> str:
    ps = paragraphs(scene)
    for k in range(2, len(ps)):
        if is_speech(ps[k]) and not is_speech(ps[k - 1]):
            ps[k] = cue_name(ps[k])  # the cue is left, its lines are gone
            return "\n\n".join(ps)
    raise ValueError("no speech after action")


def plant_lone_parenthetical(scene: str) -> str:
    ps = paragraphs(scene)
    for k in range(1, len(ps)):
        if is_speech(ps[k]) and not ps[k].rstrip().endswith(")"):
            ps[k] = ps[k] + "\n(then, quietly)"
            return "\n\n".join(ps)
    raise ValueError("no speech")


def plant_forced_heading(scene: str) -> str:
    ps = paragraphs(scene)
    loc = re.sub(r"^(INT\.|EXT\.|INT\./EXT\.)\s*", "", ps[0])
    ps[0] = ".INSIDE " + loc
    return "\n\n".join(ps)


def plant_interior_heading(scene: str) -> str:
    """The heading becomes INTERIOR ...: Fountain reads it as action, so the scene joins the previous one."""
    ps = paragraphs(scene)
    ps[0] = re.sub(r"^(INT\.|EXT\.|INT\./EXT\.)\s*", "INTERIOR ", ps[0])
    return "\n\n".join(ps)


def plant_long_action(scene: str) -> str:
    ps = paragraphs(scene)
    ps.insert(1, LONG_ACTION)
    return "\n\n".join(ps)


def plant_parentheticals(scene: str) -> str:
    ps = paragraphs(scene)
    n = 0
    for k, p in enumerate(ps):
        lines = p.split("\n")
        if is_speech(p) and not lines[1].startswith("("):
            lines.insert(1, PARENS[n % len(PARENS)])
            ps[k] = "\n".join(lines)
            n += 1
    return "\n\n".join(ps)


def plant_echo(scene: str, which: int) -> str:
    ps = paragraphs(scene)
    ps.insert(2, ECHO_PARAGRAPHS[which % len(ECHO_PARAGRAPHS)])
    return "\n\n".join(ps)


def plant_new_speaker(scene: str, name: str, line: str) -> str:
    """A named character speaks here without ever being introduced in action."""
    ps = paragraphs(scene)
    ps.insert(2, f"{name}\n{line}")
    return "\n\n".join(ps)


def rename(scene: str, old: str, new: str) -> str:
    return re.sub(r"\b" + re.escape(old) + r"\b", new, scene)


def merged(*scenes: str) -> str:
    """One long scene: the first heading, then every scene's body."""
    first, *rest = scenes
    bodies = ["\n\n".join(paragraphs(s)[1:]) for s in rest]
    return "\n\n".join([first, *bodies])


def draft(title: str, scenes: list[str], acts: dict[int, str] | None = None) -> str:
    parts = [f"Title: {title}\nAuthor: Scriptroom test set"]
    for k, s in enumerate(scenes, start=1):
        if acts and k in acts:
            parts.append(f"# {acts[k]}")
        parts.append(s)
    return "\n\n".join(parts) + "\n"


def pick(g: int, start: int, count: int) -> list[str]:
    genre = GENRES[g % len(GENRES)]
    return [starter_scene(genre, start + k) for k in range(count)]


def build() -> dict[str, list[tuple[str, int]]]:
    drafts: dict[str, tuple[str, list[tuple[str, int]]]] = {}

    def add(name: str, scenes: list[str], labels: list[tuple[str, int]], acts: dict[int, str] | None = None):
        drafts[name] = (draft(name.replace("-", " ").title(), scenes, acts), labels)

    for v in range(2):
        s = pick(v, 0, 3)
        s[1 + v] = plant_cue_without_dialogue(s[1 + v])
        add(f"cue-no-dialogue-{v + 1}", s, [("cue_without_dialogue", 2 + v)])

        s = pick(v + 2, 3, 3)
        s[v] = plant_lone_parenthetical(s[v])
        add(f"lone-parenthetical-{v + 1}", s, [("lone_parenthetical", 1 + v)])

        s = pick(v + 4, 6, 3)
        s[2] = plant_long_action(s[2])
        add(f"long-action-{v + 1}", s, [("long_action", 3)])

        s = pick(v + 6, 1, 3)
        s[1] = plant_parentheticals(s[1])
        add(f"parenthetical-overuse-{v + 1}", s, [("parenthetical_overuse", 2)])

        s = pick(v + 8, 4, 3)
        s[1] = plant_new_speaker(s[1], ["ROSALIND", "TOBIAS"][v], "I've been standing here the whole time, you know.")
        s[2] = plant_new_speaker(s[2], ["ROSALIND", "TOBIAS"][v], "Don't look at me like that.")
        add(f"unintroduced-{v + 1}", s, [("speaks_before_introduced", 2)])

        s = pick(v + 10, 7, 3)
        s.insert(1 + v, FLAT_SCENES[v])
        add(f"flat-scene-{v + 1}", s, [("flat_scene", 2 + v)])

        s = pick(v + 12, 2, 3)
        s[v] = plant_echo(s[v], v)
        add(f"repetition-{v + 1}", s, [("repetition", 1 + v)])

        s = pick(v + 1, 5, 6)
        long_one = merged(s[2], s[3], s[4])
        add(f"long-scene-{v + 1}", [s[0], s[1], long_one, s[5], *pick(v + 3, 9, 1)], [("long_scene", 3)])

        s = pick(v + 5, 8, 6)
        add(
            f"structure-{v + 1}", s, [("structure", 5)],
            {1: "ACT ONE", 5: "ACT TWO", 6: "ACT THREE"},
        )

    # Headings: a forced one with a time and no prefix, and one Fountain reads as action.
    s = pick(3, 2, 3)
    s[1] = plant_forced_heading(s[1])
    add("heading-forced", s, [("heading_prefix", 2)])
    s = pick(7, 5, 3)
    s[2] = plant_interior_heading(s[2])
    add("heading-interior", s, [("heading_prefix", 2)])  # scene 3 now reads as part of scene 2

    # Name variants: the same character as KANE in one scene and DR. KANE in another, or MARY / MARY ANN.
    for v, (fmt, genre_shift) in enumerate([("DR. {}", 9), ("{} ANN", 11)]):
        s = pick(genre_shift, 3, 3)
        a = speakers(s[0])[0]
        b = speakers(s[2])[0]
        s[2] = rename(s[2], b, fmt.format(a))
        add(f"name-variants-{v + 1}", s, [("name_variants", 3)])

    # Two flaws at once.
    s = pick(2, 9, 4)
    s[0] = plant_lone_parenthetical(s[0])
    s[3] = plant_parentheticals(s[3])
    add("mixed-1", s, [("lone_parenthetical", 1), ("parenthetical_overuse", 4)])
    s = pick(6, 10, 4)
    s[1] = plant_long_action(s[1])
    s.insert(3, FLAT_SCENES[2])
    add("mixed-2", s, [("long_action", 2), ("flat_scene", 4)])
    s = pick(10, 0, 4)
    s[2] = plant_echo(s[2], 2)
    s[3] = plant_cue_without_dialogue(s[3])
    add("mixed-3", s, [("repetition", 3), ("cue_without_dialogue", 4)])
    s = pick(12, 5, 3)
    s.insert(2, FLAT_SCENES[3])
    s[0] = plant_echo(s[0], 3)
    add("mixed-4", s, [("flat_scene", 3), ("repetition", 1)])

    # Clean drafts: starter scenes as written.
    for v in range(6):
        add(f"clean-{v + 1}", pick(v * 2 + 1, v + 2, 4), [])

    for old in HERE.glob("*.fountain"):
        old.unlink()
    labels = {}
    for name, (text, lab) in drafts.items():
        (HERE / f"{name}.fountain").write_text(text, encoding="utf-8")
        labels[f"{name}.fountain"] = [list(x) for x in lab]
    (HERE / "labels.json").write_text(json.dumps(labels, indent=1) + "\n", encoding="utf-8")
    return labels


if __name__ == "__main__":
    out = build()
    print(f"{len(out)} drafts, {sum(len(v) for v in out.values())} planted flaws")
