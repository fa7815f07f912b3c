"""`scriptroom develop "LOGLINE"`: the whole development ladder without stops (title, characters, structure,
scene cards, scene drafts), written to a file and saved as a project."""

from __future__ import annotations

import argparse
import time
from typing import Any


def add_parsers(sub: Any) -> None:
    from cli.main import runs
    from tools.develop.records import STRUCTURES

    dev = sub.add_parser("develop", help="develop a story from a logline: title, characters, beats, cards, scenes")
    dev.add_argument("logline", help="the story in one sentence")
    dev.add_argument("--structure", choices=STRUCTURES, default="three-act",
                     help="three-act (8 beats), save-the-cat (15 beats) or sequences (8 sequences)")
    dev.add_argument("--scenes", type=int, default=None,
                     help="how many scene cards to draft, in story order (default: every card, one per beat)")
    dev.add_argument("-o", "--output", default=None,
                     help="write the screenplay here (.fountain keeps the outline as synopses; .fdx, .pdf too)")
    dev.add_argument("--writer", default="cli", help="whose projects the story is saved among (default: cli)")
    dev.add_argument("--library", action=argparse.BooleanOptionalAction, default=True,
                     help="use similar scenes from the scene library as examples for the drafts (default: on)")
    runs(dev, run_develop, "print every level, its prompts' timings and checks as JSON")


def run_develop(args: argparse.Namespace) -> int:
    from agent.development import save_story, story_engine
    from agent.runtime import Runtime
    from agent.settings import settings_from_args
    from agent.storage import Storage
    from cli.main import emit
    from tools.develop import DevelopError
    from tools.develop.document import to_fountain, to_script

    if args.scenes is not None and args.scenes < 0:
        raise DevelopError(f"--scenes is how many cards to draft: 0 or more, not {args.scenes}.")
    settings = settings_from_args(args)
    started = time.perf_counter()
    runtime = Runtime.create(settings, with_tools=False)  # only the engine's parts, not every tool
    try:
        engine = story_engine(runtime, library=args.library)
        load_seconds = time.perf_counter() - started
        story = engine.start(args.logline, args.structure)
        steps = engine.run(story, scenes=args.scenes)
        written = None
        if args.output:
            written = str(_write(story, args.output, to_fountain, to_script))
        project_id = save_story(Storage(settings.database), args.writer, story, engine)
    finally:
        runtime.close()
    problems = check(story)
    report = {
        "title": story.title.text if story.title else "", "logline": story.logline.text,
        "structure": story.structure, "tier": story.tier, "genre": story.genre,
        "characters": [{"name": c.name, "description": c.description, "want": c.want, "flaw": c.flaw,
                        "role": c.role, "source": c.source} for c in story.characters],
        "beats": [{"id": b.id, "name": b.name, "act": b.act, "text": b.text, "source": b.source} for b in story.beats],
        "cards": [{"id": c.id, "beat": c.beat, "heading": c.heading, "who": c.who, "what": c.what,
                   "drafted": c.id in story.drafts} for c in story.cards],
        "steps": [s.to_dict() for s in steps], "problems": problems,
        "project_id": project_id, "writer": args.writer, "output": written,
        "seconds": {"load": round(load_seconds, 3), "total": round(time.perf_counter() - started, 3)},
        "story": story.to_dict(),
    }
    text = "\n".join([
        f"{report['title']} ({story.structure}, {story.tier} tier)",
        "Cast: " + "; ".join(f"{c.name}, {c.description}" for c in story.characters), "",
        story.outline_text(), "",
        f"{len(story.drafts)} of {len(story.cards)} cards drafted"
        + (f"; written to {written}" if written else "") + f"; saved as project {project_id} for {args.writer}.",
        *(f"! {p}" for p in problems),
    ])
    emit(report, args.json, text)
    return 0


def check(story: Any) -> list[str]:
    """What the finished ladder still lacks, checked level against level (empty when complete)."""
    from screenplay.formats.fountain import parse

    problems = [f"beat {b.name!r} has no card" for b in story.beats if not story.cards_of(b.id)]
    for draft in story.drafts.values():
        cues = parse(draft.fountain).characters
        strangers = [c for c in cues if c not in story.names]
        if strangers:
            problems.append(f"{draft.card}: cues not in the cast: {', '.join(strangers)}")
    return problems


def _write(story: Any, output: str, to_fountain: Any, to_script: Any) -> Any:
    from pathlib import Path

    from screenplay.files import atomic_write_text
    from screenplay.io import save

    path = Path(output)
    if path.suffix.lower() in (".fountain", ".spmd", ".txt", ""):
        return atomic_write_text(path, to_fountain(story))
    return save(to_script(story), path)
