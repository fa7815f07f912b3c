"""Craft checks: each on a small planted draft, recall on the labeled quality set, quiet on professional scripts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screenplay import load
from screenplay.formats.fountain import parse
from tools.critic.analytics import analyze
from tools.critic.checks import CHECKS, run_checks
from tools.critic.sentiment import make_analyzer

DATA = Path(__file__).resolve().parent / "data" / "critic"
REALSCRIPTS = Path(__file__).resolve().parents[1].parent / "shared" / "realscripts"
PROFESSIONAL = ("Big-Fish.fountain", "The-Last-Birthday-Card.fountain", "Brick-and-Steel.fountain")


@pytest.fixture(scope="module")
def analyzer():
    return make_analyzer()


def run(text: str, analyzer, only: str | None = None):
    script = parse(text)
    return run_checks(script, analyze(script, analyzer), [only] if only else None)


OPENING = """INT. KITCHEN - NIGHT

MARA (30s, flour on her sleeves) kneads dough. Her brother JONAH (20s) leans in the doorway.

JONAH
You're up late.

MARA
Bread doesn't wait.
"""

SECOND = """EXT. BACK PORCH - NIGHT

Mara steps out with two mugs. Jonah follows.

JONAH
Did you call her?

MARA
Not yet.
"""

CASES = {
    "cue_without_dialogue": (OPENING + "\nJonah sighs.\n\nMARA\n\nShe slaps the dough down.\n" + "\n" + SECOND, "1"),
    "lone_parenthetical": (OPENING.rstrip() + "\n(beat)\n\n" + SECOND, "1"),
    "heading_prefix": (OPENING + "\n.INSIDE THE PANTRY - NIGHT\n\nMara counts jars.\n\n" + SECOND, "2"),
    "long_action": (OPENING + "\n" + " ".join(["Mara works the dough, folding it over and over."] * 8) + "\n\n" + SECOND, "1"),
    "parenthetical_overuse": (
        OPENING + "\nJONAH\n(softly)\nI mean it.\n\nMARA\n(dry)\nSure.\n\nJONAH\n(beat)\nMara.\n\nMARA\n(flat)\nWhat.\n\n" + SECOND,
        "1",
    ),
    "speaks_before_introduced": (OPENING + "\nTHEO\nCan I have some?\n\n" + SECOND + "\nTHEO\nMe too.\n", "1"),
    "name_variants": (OPENING + "\n" + SECOND.replace("MARA\n", "MARA ANN\n"), "2"),
    "repetition": (
        OPENING + "\nThe clock ticks. Above it another clock, and a clock on the shelf, and a fourth clock.\n\n" + SECOND, "1"
    ),
}


@pytest.mark.parametrize("check", sorted(CASES))
def test_each_check_finds_its_planted_flaw_and_cites_scene_and_page(check, analyzer):
    text, scene = CASES[check]
    found = run(text, analyzer, check)
    assert any(scene in f.scenes for f in found), found
    f = next(f for f in found if scene in f.scenes)
    assert f.pages and all(p >= 1 for p in f.pages) and f.message


@pytest.mark.parametrize("check", sorted(CASES))
def test_each_check_is_quiet_on_the_clean_version(check, analyzer):
    assert run(OPENING + "\n" + SECOND, analyzer, check) == []


def test_flat_scene_and_long_scene_and_structure(analyzer):
    bland = "\n".join(
        f"\nHELEN\nThe roses look lovely number {k}.\n\nOWEN\nThey do look lovely.\n" for k in range(4)
    )
    found = run(OPENING + "\nINT. GARDEN - DAY\n\nHelen and Owen admire the roses.\n" + bland + "\n" + SECOND, analyzer, "flat_scene")
    assert [f.scenes for f in found] == [("2",)]

    filler = "\n".join(f"\nJONAH\nLine {k} of a very long argument about the bakery.\n" for k in range(60))
    long = OPENING + filler + "\n" + SECOND + "\n" + SECOND.replace("PORCH", "YARD") + "\n" + SECOND.replace("PORCH", "GATE")
    assert [f.scenes for f in run(long, analyzer, "long_scene")] == [("1",)]

    acts = "# ACT ONE\n\n" + "\n".join(SECOND.replace("PORCH", f"PORCH {k}") for k in range(5)) + "\n# ACT TWO\n\n" + SECOND
    found = run(acts, analyzer, "structure")
    assert [f.scenes for f in found] == [("6",)] and "late" in found[0].message


def test_every_check_is_exercised_by_the_quality_set():
    labels = json.loads((DATA / "labels.json").read_text())
    planted = {check for flaws in labels.values() for check, _ in flaws}
    assert planted == set(CHECKS)
    assert len(labels) >= 20 and sum(1 for v in labels.values() if not v) >= 3


def test_recall_of_planted_flaws_and_false_flags_on_clean_drafts(analyzer):
    labels = json.loads((DATA / "labels.json").read_text())
    hits, total, clean_flags, clean_pages, missed = 0, 0, 0, 0, []
    for name, flaws in labels.items():
        script = load(DATA / name)
        a = analyze(script, analyzer)
        found = run_checks(script, a)
        for check, scene in flaws:
            total += 1
            ok = any(f.check == check and str(scene) in f.scenes for f in found)
            hits += ok
            if not ok:
                missed.append((name, check, scene))
        if not flaws:
            clean_flags += len(found)
            clean_pages += a.stats.pages
    recall = hits / total
    print(f"\nrecall {hits}/{total} = {recall:.0%}; false flags on clean drafts: {clean_flags} "
          f"on {clean_pages} pages = {clean_flags / clean_pages:.3f} per page; missed {missed}")
    assert recall >= 0.9, missed
    assert clean_flags / clean_pages <= 0.1


@pytest.mark.parametrize("name", PROFESSIONAL)
def test_checks_are_quiet_on_professional_scripts(name, analyzer):
    path = REALSCRIPTS / name
    if not path.is_file():
        pytest.skip("../shared/realscripts is not present")
    script = load(path)
    a = analyze(script, analyzer)
    found = run_checks(script, a)
    loud = [f for f in found if f.severity != "info"]
    print(f"\n{name}: {a.stats.pages} pages, {len(found)} flags ({len(loud)} warnings/errors)")
    for f in found:
        print(f"  [{f.severity}] {f.check} {f.where()}: {f.message}")
    assert len(loud) / a.stats.pages <= 0.15
    assert not [f for f in found if f.severity == "error"]


def test_the_critic_takes_for_places_what_the_bible_and_the_generator_do(analyzer):
    """One check (screenplay.places.is_place): a card room and the Black Swan are places, a POV, a montage and a
    "back to" are not, and the path back to town is somewhere."""
    from screenplay.places import is_place
    from tools.critic.story import places

    headings = ["INT. CARD ROOM - NIGHT", "EXT. BLACK SWAN BAR - NIGHT", "EXT. PATH BACK TO TOWN - DAY",
                "INT. SNIPER SCOPE POV - DAY", "EXT. MONTAGE - DAY", "INT. BACK TO SCENE - DAY"]
    script = parse("\n\n".join(f"{h}\n\nRain on the glass.\n\nMARA\nStill here." for h in headings))
    a = analyze(script, analyzer)
    assert places(a) == [i for i, s in enumerate(a.stats.scenes) if is_place(s.location)] == [0, 1, 2]
