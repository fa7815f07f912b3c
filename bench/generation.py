"""Scene generation on the embedded model: validity after repair, exact N, diversity, grounding, speed.

    .venv/bin/python bench/generation.py [--limit 32] [--max-new-tokens 160] [--extra 2] [--backend local]
                                         [--adapter none|shipped|FOLDER]

Runs the fixed requests of tests/data/generation_requests.jsonl (with and without a draft; drafts are the
small Fountain files in tests/fixtures/generator/) and prints one table:
valid Fountain (heading + cue + dialogue) after repair, requests that returned exactly N, distinct-2 and
mean pairwise MiniLM cosine between the options of a request, options that use the draft's own
character names, the critic's learned score of the kept options (as the app reranks with it), repairs and
regenerations, and seconds per option. ``--adapter`` compares the base model with a LoRA adapter.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REQUESTS = ROOT / "tests" / "data" / "generation_requests.jsonl"


def distinct_2(texts: list[str]) -> float:
    """Distinct word bigrams over all bigrams across the options of one request (1 = no shared phrasing)."""

    pairs = []
    for t in texts:
        words = re.findall(r"[a-z']+", t.lower())
        pairs += list(zip(words, words[1:]))
    return len(set(pairs)) / len(pairs) if pairs else 0.0


def body(fountain: str) -> str:
    return fountain.split("\n", 1)[1] if "\n" in fountain else fountain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="run only the first N requests")
    parser.add_argument("--max-new-tokens", type=int, default=160, help="longest model answer per candidate")
    parser.add_argument("--extra", type=int, default=2, help="candidates beyond N (K = N + extra)")
    parser.add_argument("--backend", default="local", help="local (embedded model) or fake (a smoke run)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--adapter", default="none",
                        help="none (the base model), shipped (the repository's adapter) or an adapter folder")
    parser.add_argument("--json", action="store_true", help="print per-request rows as JSON too")
    args = parser.parse_args(argv)

    from agent.settings import Settings
    from screenplay import load
    from tools.context import ToolContext
    from tools.embeddings import load_embedder
    from tools.generator import SceneGenerator
    from tools.library.embedder import as_text_embedder
    from tools.critic.scene_scorer import SceneScorer
    from tools.scene_scoring import check_scene

    rows = [json.loads(line) for line in REQUESTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows

    load_start = time.perf_counter()
    if args.backend == "fake":
        from agent.models.fake import ScriptedChatModel

        chat = ScriptedChatModel()
    else:
        from agent.models.factory import load_engine
        from agent.models.local import LocalChatModel

        adapter = None
        if args.adapter == "shipped":
            from finetune.config import SHIPPED_ADAPTER

            adapter = str(SHIPPED_ADAPTER)
        elif args.adapter != "none":
            adapter = args.adapter
        engine = load_engine(Settings.from_env().with_(adapter=adapter))
        chat = LocalChatModel(engine=engine, max_new_tokens=args.max_new_tokens, seed=args.seed)
    embedder = as_text_embedder(load_embedder())
    scorer = SceneScorer.load(embedder)  # the critic's learned scorer: the app reranks with it
    load_seconds = time.perf_counter() - load_start
    generator = SceneGenerator(chat, embedder=embedder, scorer=scorer, extra_candidates=args.extra)

    results = []
    for row in rows:
        context = ToolContext()
        draft_names: set[str] = set()
        if row["draft"]:
            from screenplay.bible import extract_bible

            script = load(ROOT / row["draft"])
            context = ToolContext(script=script, bible=extract_bible(script))
            draft_names = set(script.characters)
        started = time.perf_counter()
        result = generator.generate(row["args"], context)
        seconds = time.perf_counter() - started
        options = [o.fountain for o in result.options]
        checks = [check_scene(o) for o in options]
        vectors = embedder.embed([body(o) for o in options]) if len(options) > 1 else None
        cosines = [float(vectors[i] @ vectors[j]) for i, j in combinations(range(len(options)), 2)] if vectors is not None else []
        repairs = [d["repairs"] for d in result.data["options"]]
        results.append({
            "id": row["id"],
            "wanted": row["args"].get("count", 3),
            "got": len(options),
            "valid": sum(c.valid for c in checks),
            "distinct_2": distinct_2([body(o) for o in options]),
            "cosine": statistics.mean(cosines) if cosines else None,
            "draft": bool(row["draft"]),
            "own_names": sum(bool(set(c.characters) & draft_names) for c in checks) if row["draft"] else 0,
            "repaired": sum(bool(r) for r in repairs),
            "prose": sum(any("prose" in x for x in r) for r in repairs),
            "regenerated": sum(any(x.startswith("regenerated") for x in r) for r in repairs),
            "candidates": result.data["candidates"],
            "scores": [float(scorer.score(o)) for o in options],
            "repair_kinds": [x for r in repairs for x in r],
            "seconds": seconds,
        })
        r = results[-1]
        print(f"  #{row['id']:>2} N={r['wanted']} got={r['got']} valid={r['valid']} d2={r['distinct_2']:.2f} "
              f"cos={r['cosine'] if r['cosine'] is None else round(r['cosine'], 2)} {seconds:6.1f}s  {row['request']}",
              flush=True)

    options = sum(r["got"] for r in results)
    with_draft = [r for r in results if r["draft"]]
    draft_options = sum(r["got"] for r in with_draft)
    cos = [r["cosine"] for r in results if r["cosine"] is not None]
    total_seconds = sum(r["seconds"] for r in results)
    print()
    print(f"scene generation bench: {len(results)} requests, {options} options, backend {args.backend}, "
          f"adapter {args.adapter}, max_new_tokens {args.max_new_tokens}, K = N + {args.extra} (model + embedder load {load_seconds:.1f} s)")
    print(f"| metric | value |\n|---|---|")
    print(f"| valid Fountain (heading + cue + dialogue) after repair | {sum(r['valid'] for r in results) / max(options, 1):.1%} |")
    print(f"| requests that returned exactly N | {sum(r['got'] == r['wanted'] for r in results) / len(results):.1%} |")
    print(f"| distinct-2 between options (mean per request) | {statistics.mean(r['distinct_2'] for r in results):.3f} |")
    print(f"| mean pairwise MiniLM cosine between options | {statistics.mean(cos) if cos else float('nan'):.3f} |")
    print(f"| options using the draft's own character names | {sum(r['own_names'] for r in with_draft) / max(draft_options, 1):.1%} |")
    scores = [x for r in results for x in r["scores"]]
    print(f"| critic score of kept options (learned scorer, 0-1), mean | {statistics.mean(scores) if scores else float('nan'):.3f} |")
    print(f"| options that needed any repair | {sum(r['repaired'] for r in results) / max(options, 1):.1%} |")
    print(f"| options whose dialogue came from prose (last resort) | {sum(r['prose'] for r in results) / max(options, 1):.1%} |")
    print(f"| options regenerated at least once | {sum(r['regenerated'] for r in results) / max(options, 1):.1%} |")
    kinds = Counter(re.sub(r"\d+ times?", "N times", k) for r in results for k in r["repair_kinds"])
    print(f"| seconds per option (K candidates written per request) | {total_seconds / max(options, 1):.1f} |")
    print("\nrepairs of kept options, by kind: " + "; ".join(f"{k} {n}" for k, n in kinds.most_common()))
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
