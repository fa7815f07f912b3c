"""Story development from ten loglines of different genres: time to an outline and to the first drafted scenes,
structure completeness, cue names, card fidelity, Fountain validity and the critic's format checks.

    .venv/bin/python bench/develop.py [--limit 10] [--scenes 3] [--structure three-act] [--backend local|fake]
                                      [--writing scaffold|free] [--extra 0] [--max-new-tokens 160] [--json]

Runs the app's own engine (agent.development.story_engine: the main model for the words, the scene generator
with its adapter and the critic's scorer for the drafts; no library examples, so runs do not depend on an index).
Card fidelity: MiniLM cosine of each drafted scene (without its heading) to its own card (place, who, what)
against the same scene paired with the other drafted cards of the same story (the real pairing should win).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LOGLINES = (
    ("heist", "A disgraced monk plans a heist on his own monastery to save it from closure."),
    ("horror", "A night nurse realises the patient in room 9 has been dead for a week and is still asking for her."),
    ("western", "An aging sheriff must protect the outlaw who killed his brother until the circuit judge arrives."),
    ("romance", "Two rival bakers fall in love while competing for the last stall at a shrinking village market."),
    ("science fiction", "The last engineer on a failing space station must decide whether to wake the crew's robot."),
    ("noir", "A private detective hired to find a missing singer discovers she hired him to find herself."),
    ("comedy", "A wedding planner mixes up two ceremonies and has one hour to hide the mix-up from both brides."),
    ("family adventure", "Three kids follow a treasure map drawn by their grandmother through the flooded old town."),
    ("war", "A field medic behind enemy lines must carry a wounded enemy soldier back across the river."),
    ("sports", "A washed-up boxer agrees to coach the son of the man he once beat in a fixed match."),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--scenes", type=int, default=3, help="cards drafted per story (the first N)")
    parser.add_argument("--structure", default="three-act")
    parser.add_argument("--backend", default=None, help="default: SCRIPTROOM_BACKEND (local)")
    parser.add_argument("--writing", default=None, help="scaffold or free (default: the model's own tier)")
    parser.add_argument("--extra", type=int, default=0, help="extra candidates per draft (the app uses 2)")
    parser.add_argument("--max-new-tokens", type=int, default=160, help="cap on each scene candidate")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from agent.development import story_engine
    from agent.runtime import Runtime
    from agent.settings import Settings
    from screenplay.formats.fountain import parse
    from tools.critic.analytics import measure
    from tools.critic.checks import run_checks
    from tools.develop.document import to_fountain
    from tools.library.embedder import as_text_embedder
    from tools.scene_scoring import check_scene

    overrides = {k: v for k, v in (("backend", args.backend), ("writing", args.writing)) if v}
    settings = Settings.from_env().with_(**overrides)
    started = time.perf_counter()
    runtime = Runtime.create(settings, with_tools=False)
    engine = story_engine(runtime, library=False)
    engine.generator.extra_candidates = args.extra
    engine.generator.max_new_tokens = args.max_new_tokens
    embedder = as_text_embedder(runtime.embedder)
    load_seconds = time.perf_counter() - started
    fmt_checks = ["cue_without_dialogue", "lone_parenthetical", "heading_prefix", "name_variants"]

    rows = []
    for genre, logline in LOGLINES[: args.limit]:
        story = engine.start(logline, args.structure)
        t0 = time.perf_counter()
        steps = [engine.write(story, level) for level in ("title", "characters", "beats", "cards")]
        outline_s = time.perf_counter() - t0
        engine.write(story, "drafts", count=args.scenes)
        drafts_s = time.perf_counter() - t0
        drafted = [c for c in story.cards if c.id in story.drafts]
        cues = [c for card in drafted for c in parse(story.drafts[card.id].fountain).characters]
        speakers = set(cues)
        valid = [check_scene(story.drafts[c.id].fountain).valid for c in drafted]
        script = parse(to_fountain(story))
        findings = run_checks(script, measure(script), only=fmt_checks)
        bodies = [story.drafts[c.id].fountain.split("\n", 1)[-1] for c in drafted]
        cards = [f"{c.place.lower()}. {', '.join(w.title() for w in c.who)}. {c.what}" for c in drafted]
        real, shuffled, wins = [], [], 0
        if len(drafted) > 1:
            import numpy as np

            sv = np.asarray(embedder.embed(bodies), dtype=np.float32)
            cv = np.asarray(embedder.embed(cards), dtype=np.float32)
            sims = sv @ cv.T
            for i in range(len(drafted)):
                others = [sims[i, j] for j in range(len(drafted)) if j != i]
                real.append(float(sims[i, i]))
                shuffled.append(float(np.mean(others)))
                wins += int(sims[i, i] > max(others))
        rows.append({
            "genre": genre, "title": story.title.text, "cast": story.names,
            "outline_s": round(outline_s, 1), "first_scenes_s": round(drafts_s, 1),
            "beats": len(story.beats), "cards": len(story.cards),
            "beats_with_card": sum(bool(story.cards_of(b.id)) for b in story.beats),
            "drafted": len(drafted), "asked": min(args.scenes, len(story.cards)),
            "cues": len(cues), "cues_in_cast": sum(c in story.names for c in cues),
            "speaking": len(speakers & set(story.names)), "in_drafted_cards": len({w for c in drafted for w in c.who}),
            "valid": sum(valid), "script_scenes": len(script.scenes), "format_findings": len(findings),
            "fidelity_real": round(statistics.mean(real), 3) if real else None,
            "fidelity_shuffled": round(statistics.mean(shuffled), 3) if shuffled else None,
            "fidelity_wins": wins, "fallbacks": sum(s.fallbacks for s in steps),
            "model_calls": sum(s.model_calls for s in steps),
            "checks": [c for s in steps for c in s.checks],
        })
        print(f"{genre:17} {story.title.text[:28]:28} outline {outline_s:6.1f}s  +{args.scenes} scenes "
              f"{drafts_s:6.1f}s  cues {rows[-1]['cues_in_cast']}/{len(cues)}  valid {sum(valid)}/{len(drafted)}  "
              f"fidelity {rows[-1]['fidelity_real']} vs {rows[-1]['fidelity_shuffled']}", flush=True)
    runtime.close()

    def total(key: str) -> int:
        return sum(r[key] for r in rows)

    with_fid = [r for r in rows if r["fidelity_real"] is not None]
    summary = {
        "model": runtime.agent.info.name, "tier": engine.tier, "structure": args.structure, "stories": len(rows),
        "load_s": round(load_seconds, 1),
        "outline_s_median": statistics.median(r["outline_s"] for r in rows),
        "first_scenes_s_median": statistics.median(r["first_scenes_s"] for r in rows),
        "structure_complete": sum(r["beats_with_card"] == r["beats"] and r["drafted"] == r["asked"] for r in rows),
        "cues_in_cast": f"{total('cues_in_cast')}/{total('cues')}",
        "drafted_card_people_speaking": f"{total('speaking')}/{total('in_drafted_cards')}",
        "valid_scenes": f"{total('valid')}/{total('drafted')}",
        "format_findings": total("format_findings"),
        "fidelity_real_mean": round(statistics.mean(r["fidelity_real"] for r in with_fid), 3) if with_fid else None,
        "fidelity_shuffled_mean": round(statistics.mean(r["fidelity_shuffled"] for r in with_fid), 3) if with_fid else None,
        "fidelity_wins": f"{total('fidelity_wins')}/{sum(r['drafted'] for r in with_fid)}",
        "program_fallbacks": total("fallbacks"), "model_calls_outline": total("model_calls"),
    }
    print(json.dumps(summary, indent=2))
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
