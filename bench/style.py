"""Style transfer measured the STRAP way on passage-and-style pairs: style accuracy (the shipped classifier),
meaning kept (MiniLM cosine to the source), fluency (the model's perplexity, source / output, capped at 1),
and their per-passage product J; the unchanged source is scored too, as the do-nothing baseline.

    .venv/bin/python bench/style.py               # 4 passages x 8 styles = 32 pairs on the embedded model
    .venv/bin/python bench/style.py --limit 4     # a quick look
    .venv/bin/python bench/style.py --backend fake
    .venv/bin/python bench/style.py --backend capable  # the free tier on tests/capable_model.py (whole scenes)
    .venv/bin/python bench/style.py --styles shakespearean --adapter runs/style-sft   # base and base+adapter, same run
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SAMPLES = ROOT / "tests" / "fixtures" / "samples"
# (sample, scene index, how many action/speech elements): short passages keep the run within minutes.
PASSAGES = (("lighthouse", 1, 3), ("lighthouse", 3, 3), ("bakery", 0, 3), ("bakery", 4, 3))
STYLES = ("noir", "screwball-comedy", "horror", "shakespearean", "childrens-adventure", "melodrama", "thriller",
          "western")


def passage(name: str, index: int, keep: int):
    """The scene cut after `keep` restyled elements (whole speeches: a cue stays with its lines)."""
    from screenplay.formats.fountain import parse
    from screenplay.model import Scene, Script
    from tools.style.structure import RESTYLED

    script = parse((SAMPLES / f"{name}.fountain").read_text(encoding="utf-8"))
    scene = script.scenes[index]
    out, seen = [], 0
    for el in scene.elements:
        if el.type in RESTYLED:
            if seen == keep:
                break
            seen += 1
        out.append(el)
    while out and out[-1].type.value in ("character", "parenthetical"):
        out.pop()
    return Script(scenes=[Scene(scene.heading, out)]), script


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="local", choices=("local", "fake", "capable"))
    parser.add_argument("--faults", default="", help="capable backend: comma-separated malformed answers to give")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--threads", type=int, default=1, help="torch threads for the local model (default 1)")
    parser.add_argument("--json", type=Path, default=None, help="also write every pair's figures to this file")
    parser.add_argument("--styles", default=",".join(STYLES), help="comma-separated styles (default: all 8)")
    parser.add_argument("--adapter", type=Path, default=None,
                        help="local backend: also restyle with this LoRA adapter on the model (llama.cpp converts it "
                             "to a GGUF LoRA), same passages, greedy; fluency is still scored by the base model")
    args = parser.parse_args()

    from agent.settings import Settings
    from screenplay.formats import fountain
    from tools.embeddings import load_embedder
    from tools.library.embedder import SentenceTransformerEmbedder
    from tools.style import StyleTransfer, resolve
    from tools.style.classifier import StyleClassifier
    from tools.style.metrics import strap, transformers_perplexity

    t0 = time.perf_counter()
    embedder = SentenceTransformerEmbedder(load_embedder())
    classifier = StyleClassifier.load(embedder)
    settings = Settings.from_env(backend="fake" if args.backend == "capable" else args.backend)
    if args.backend == "local":
        import torch

        torch.set_num_threads(args.threads)
        from agent.models.factory import load_engine
        from agent.models.local import LocalChatModel

        engine = load_engine(settings)
        model = LocalChatModel(engine=engine, max_new_tokens=72, temperature=0)
        # Fluency is scored by the transformers copy of the model (llama.cpp, the writing engine, has no scorer).
        scorer = engine if engine.kind == "transformers" and not settings.adapter \
            else load_engine(settings.with_(engine="transformers", adapter=None))
        perplexity = transformers_perplexity(scorer.model, scorer.tokenizer)
        if args.adapter:
            adapted = LocalChatModel(engine=load_engine(settings.with_(adapter=str(args.adapter))),
                                     max_new_tokens=72, temperature=0)
    elif args.backend == "capable":
        from tests.capable_model import CapableModel

        faults = set(filter(None, args.faults.split(",")))
        model, perplexity = CapableModel(faults=faults, every_time=True), (lambda texts: [30.0] * len(texts))
    else:
        from agent.models.factory import build_chat_model

        model, perplexity = build_chat_model(settings), (lambda texts: [30.0] * len(texts))
    if args.adapter and args.backend != "local":
        parser.error("--adapter needs the local backend")
    tier = "free" if args.backend == "capable" else "scaffold"
    styler = StyleTransfer(model, embedder=embedder, classifier=classifier, perplexity=perplexity, retries=1,
                           writing_tier=tier)
    with_adapter = StyleTransfer(adapted, embedder=embedder, classifier=classifier, perplexity=perplexity, retries=1,
                                 writing_tier=tier) if args.adapter else None
    print(f"backend {args.backend} ({tier} tier); loaded in {time.perf_counter() - t0:.1f} s; classifier held-out accuracy "
          f"{classifier.info.get('heldout_accuracy')} over {len(classifier.labels)} labels")

    styles = [s.strip() for s in args.styles.split(",") if s.strip()]
    unknown = sorted(set(styles) - set(STYLES))
    if unknown:
        parser.error(f"unknown style(s) {', '.join(unknown)}; choose from {', '.join(STYLES)}")
    pairs = [(p, s) for p in PASSAGES for s in styles][: args.limit]
    rows = []
    print(f"\n{'passage':<14} {'style':<20} {'acc':>4} {'p':>5} {'sim':>5} {'flu':>5} {'J':>5} {'base J':>6} {'kept':>4} {'secs':>5}"
          + ("  adapter: acc     p   sim   flu     J kept" if with_adapter else ""))
    for (name, idx, keep), style in pairs:
        source, draft = passage(name, idx, keep)
        preset = resolve(style)
        start = time.perf_counter()
        result = styler.transfer(source, preset, draft=draft)
        secs = time.perf_counter() - start
        m = result.metrics
        base = strap(result.source, result.source, preset, embedder=embedder, classifier=classifier, perplexity=perplexity)
        row = {"passage": f"{name}:{idx + 1}", "style": style, **m, "baseline_j": base["j"],
               "baseline_accuracy": base["accuracy"], "rewritten": result.rewritten, "kept": result.kept,
               "model_calls": result.model_calls, "whole_scene_refused": sum(1 for f in result.failures if f.kind == "scene"),
               "seconds": round(secs, 1), "text": result.text}
        rows.append(row)
        line = (f"{row['passage']:<14} {style:<20} {m['accuracy']:>4.0f} {m['target_probability']:>5.2f} "
                f"{m['similarity']:>5.2f} {m['fluency']:>5.2f} {m['j']:>5.2f} {base['j']:>6.2f} {result.kept:>4} {secs:>5.1f}")
        assert fountain.parse(result.text).scenes[0].heading.text == source.scenes[0].heading.text
        if with_adapter:
            res_a = with_adapter.transfer(source, preset, draft=draft)
            a = res_a.metrics
            row["adapter"] = {**a, "rewritten": res_a.rewritten, "kept": res_a.kept, "text": res_a.text}
            line += (f"           {a['accuracy']:>4.0f} {a['target_probability']:>5.2f} {a['similarity']:>5.2f} "
                     f"{a['fluency']:>5.2f} {a['j']:>5.2f} {res_a.kept:>4}")
        print(line, flush=True)

    def mean(key: str) -> float:
        return statistics.fmean(r[key] for r in rows)

    print(f"\n{len(rows)} pairs: accuracy {mean('accuracy'):.3f}, target probability {mean('target_probability'):.3f}, "
          f"similarity {mean('similarity'):.3f}, fluency {mean('fluency'):.3f}, J {mean('j'):.3f}")
    print(f"unchanged source: accuracy {mean('baseline_accuracy'):.3f}, J {mean('baseline_j'):.3f}")
    if with_adapter:
        def amean(key: str) -> float:
            return statistics.fmean(r["adapter"][key] for r in rows)

        print(f"with {args.adapter}: accuracy {amean('accuracy'):.3f}, target probability "
              f"{amean('target_probability'):.3f}, similarity {amean('similarity'):.3f}, fluency {amean('fluency'):.3f}, "
              f"J {amean('j'):.3f}; restyled {sum(r['adapter']['rewritten'] for r in rows)}, kept "
              f"{sum(r['adapter']['kept'] for r in rows)}")
    print(f"elements kept as written after failed checks: {sum(r['kept'] for r in rows)} of "
          f"{sum(r['kept'] + r['rewritten'] for r in rows)}; {mean('seconds'):.1f} s per pair; "
          f"{sum(r['model_calls'] for r in rows)} model calls; whole-scene rewrites refused "
          f"{sum(r['whole_scene_refused'] for r in rows)}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
