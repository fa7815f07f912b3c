"""Summary quality and speed: ROUGE-L and character/event coverage against our reference summaries of the
sample scripts, then the time to summarise a 120-page feature (Big Fish) cold and from the cache.

    .venv/bin/python bench/summarize.py                       # the embedded model
    .venv/bin/python bench/summarize.py --backend fake        # the scripted fake: the program's part alone
    .venv/bin/python bench/summarize.py --skip-long
    .venv/bin/python bench/summarize.py --backend capable    # the free tier (abstractive map-reduce) on
                                                             # tests/capable_model.py, optionally --faults

References live in tests/data/summaries/<sample>.json (written by hand for tests/fixtures/samples/).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REFERENCES = ROOT / "tests" / "data" / "summaries"
BIG_FISH = ROOT.parent / "shared" / "realscripts" / "Big-Fish.fountain"
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text.lower().replace("’", "'"))


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (one row of the DP table kept)."""
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1 over word tokens."""
    c, r = tokens(candidate), tokens(reference)
    if not c or not r:
        return 0.0
    n = lcs(c, r)
    if n == 0:
        return 0.0
    p, rec = n / len(c), n / len(r)
    return 2 * p * rec / (p + rec)


def character_coverage(text: str, characters: list[str]) -> float:
    words = set(tokens(text))
    return sum(1 for c in characters if c.lower() in words) / len(characters)


def event_coverage(text: str, events: list[list[str]]) -> float:
    """An event counts when at least half its keywords appear (prefix match: 'lights' covers 'light')."""
    words = tokens(text)

    def has(k: str) -> bool:
        return any(w.startswith(k[:5]) for w in words)

    return sum(1 for keys in events if sum(has(k) for k in keys) * 2 >= len(keys)) / len(events)


def name_faithfulness(text: str, script) -> float:
    """Share of the names a summary uses that are the draft's own (1.0 when it names no one)."""
    from tools.summarizer import faithful
    from tools.summarizer.facts import sentences

    facts = faithful.ScriptFacts.of(script, [], 1)
    known = unknown = 0
    for sent in sentences(text):
        known += sum(1 for w in re.findall(r"\b[A-Z][a-z'’]+\b", sent) if w.lower().rstrip("'’s") in facts.name_words
                     or w.lower() in facts.name_words)
        unknown += len(faithful.unknown_names(sent, facts))
    return round(known / (known + unknown), 3) if known + unknown else 1.0


def prose(summary) -> str:
    if summary.level in ("beats", "scenes"):
        return " ".join(s.text for s in summary.scenes)
    return "\n".join(line for line in summary.text.splitlines() if not line.startswith("#")).replace("**Logline.**", "")


def build(args):
    from agent.models.factory import build_chat_model
    from agent.settings import Settings

    if args.backend == "capable":
        from tests.capable_model import CapableModel

        return CapableModel(faults=set(filter(None, args.faults.split(","))), every_time=True)
    settings = Settings.from_env(backend=args.backend)
    if args.backend == "local":
        import torch

        torch.set_num_threads(args.threads)
        from agent.models.factory import load_engine
        from agent.models.local import LocalChatModel

        engine = load_engine(settings)
        return LocalChatModel(engine=engine, max_new_tokens=60, temperature=0)
    return build_chat_model(settings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="local", choices=("local", "fake", "capable"))
    parser.add_argument("--faults", default="", help="capable backend: comma-separated malformed answers to give")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for the local model (default 1)")
    parser.add_argument("--skip-long", action="store_true", help="skip the 120-page timing")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()

    from screenplay import io
    from tools.embeddings import load_embedder
    from tools.library.embedder import SentenceTransformerEmbedder
    from tools.summarizer import Summarizer

    t0 = time.perf_counter()
    model = build(args)
    tier = "free" if args.backend == "capable" else "scaffold"
    embedder = SentenceTransformerEmbedder(load_embedder())
    print(f"backend {args.backend}; model and embedder loaded in {time.perf_counter() - t0:.1f} s")
    figures: dict = {"backend": args.backend, "samples": {}}

    print(f"\n{'sample':<11} {'level':<9} {'mode':<10} {'ROUGE-L':>7} {'chars':>6} {'events':>7} {'names':>6} {'calls':>5} "
          f"{'model':>5} {'fixes':>5} {'secs':>6}")
    for ref_path in sorted(REFERENCES.glob("*.json")):
        ref = json.loads(ref_path.read_text(encoding="utf-8"))
        script = io.load(ROOT / ref["script"])
        modes = (("model", 24),) if tier == "free" else (("extractive", 0), ("model", 24))
        for mode, max_model in modes:
            if mode == "model" and args.backend == "fake":
                continue
            with tempfile.TemporaryDirectory() as cache:
                summ = Summarizer(model, embedder=embedder, cache_dir=cache, max_model_scenes=max_model, writing_tier=tier)
                for level, ref_key in (("logline", "logline"), ("synopsis", "synopsis"), ("page", "synopsis")):
                    start = time.perf_counter()
                    s = summ.summarize(script, level)
                    secs = time.perf_counter() - start
                    text = prose(s)
                    row = {
                        "rouge_l": round(rouge_l(text, ref[ref_key]), 3),
                        "characters": round(character_coverage(text, ref["characters"]), 3),
                        "events": round(event_coverage(text, ref["events"]), 3),
                        "names": name_faithfulness(text, script),
                        "model_calls": s.model_calls,
                        "model_sentences": sum(1 for x in s.scenes if x.source == "model"),
                        "seconds": round(secs, 2), "repairs": len(s.repairs),
                    }
                    figures["samples"].setdefault(ref_path.stem, {}).setdefault(mode, {})[level] = row
                    print(f"{ref_path.stem:<11} {level:<9} {mode:<10} {row['rouge_l']:>7.3f} {row['characters']:>6.2f} "
                          f"{row['events']:>7.2f} {row['names']:>6.2f} {row['model_calls']:>5} {row['model_sentences']:>5} "
                          f"{row['repairs']:>5} {secs:>6.1f}")

    if args.skip_long:
        pass
    elif not BIG_FISH.exists():
        print(f"\n{BIG_FISH} is absent: skipping the 120-page timing")
    else:
        from screenplay import stats

        script = io.load(BIG_FISH)
        pages = stats.compute(script).pages
        print(f"\nBig Fish: {pages} pages, {len(script.scenes)} scenes")
        figures["long"] = {"pages": pages, "scenes": len(script.scenes)}
        with tempfile.TemporaryDirectory() as cache:
            summ = Summarizer(model, embedder=embedder, cache_dir=cache, writing_tier=tier)
            print(f"  load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            for level, run in (("synopsis", "cold"), ("synopsis", "cached"), ("beats", "cached"), ("scenes", "cached")):
                start = time.perf_counter()
                s = summ.summarize(script, level)
                secs = time.perf_counter() - start
                figures["long"][f"{level}-{run}"] = {"seconds": round(secs, 1), "model_calls": s.model_calls,
                                                    "cached": s.cached, "selected": s.selected}
                print(f"  {level:<9} {run:<7} {secs:6.1f} s  model calls {s.model_calls:3}  cached {s.cached:3}  "
                      f"scenes worked on {s.selected}")
            print("\n" + summ.summarize(script, "logline").text)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
