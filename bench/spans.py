"""Free-text arguments by leave-one-author-out: the rules alone against the learned span tagger.

Run: .venv/bin/python bench/spans.py [--splits blind6,authors7a,...] [--sure 0.8,0.95]
For each split, a tagger is trained on the project set and every SPAN_TRAINED split but that one (a split not
in it, such as a new author's before it joins, is simply left out), and each of the split's rows that names a
tool is read as its labelled intent (so intent errors stay out) and scored with agent.routing.evaluation. The
rules were tuned on blind6's and authors7a-d's misses, so on those splits the rules' figure is a training figure.
blind7 and blind8 are refused: they are read only in aggregate through bench/router.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.registry import INTENT_ARGS  # noqa: E402
from agent.routing import spans  # noqa: E402
from agent.routing.evaluation import FREE_TEXT, Report, _norm, evaluate, load_labeled  # noqa: E402
from agent.routing.router import read_request  # noqa: E402
from agent.routing.training import DATA, SPAN_TRAINED, labelled_rows  # noqa: E402

AUTHORS = ("blind6", "authors7a", "authors7b", "authors7c", "authors7d")
SEALED = ("blind7", "blind8")


def score(rows, reader) -> Report:
    queue = iter(rows)

    def route(text, characters=(), **_):
        return read_request(next(queue).intent, text, characters=characters, spans=reader)

    return evaluate(route, rows)


def free_misses(report: Report) -> int:
    return sum(_norm(m.expected_args.get(k)) != _norm(m.got_args.get(k))
               for m in report.arg_misses for k in FREE_TEXT if k != "scene_ref")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", default=",".join(AUTHORS))
    parser.add_argument("--sure", default="0,0.8,0.95", help="tagger probability thresholds to score")
    opts = parser.parse_args(argv)
    splits = opts.splits.split(",")
    if set(splits) & set(SEALED):
        parser.error("blind7 and blind8 are scored only in aggregate, by bench/router.py")
    thresholds = [float(t) for t in opts.sure.split(",")]
    everything = load_labeled(DATA / "router_eval.jsonl")
    totals: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for split in splits:
            rows = [r for r in everything if r.split == split and r.intent in INTENT_ARGS]
            model = Path(tmp) / f"{split}.crfsuite"
            start = time.perf_counter()
            spans.train(spans.examples(labelled_rows(splits=[s for s in SPAN_TRAINED if s != split])), str(model))
            took = time.perf_counter() - start
            cells = [("rules", spans.SpanTagger(model.read_bytes(), 2.0))] + [(f"tagger>={t:g}", spans.SpanTagger(model.read_bytes(), t)) for t in thresholds]
            line = []  # a tagger never sure enough (2.0) leaves the rules' arguments as they are
            for name, reader in cells:
                report = score(rows, reader)
                total = totals.setdefault(name, [0, 0, 0])
                total[0] += report.args_correct
                total[1] += report.args_total
                total[2] += free_misses(report)
                line.append(f"{name} {report.args_correct}/{report.args_total} ({free_misses(report)} free-text)")
            print(f"{split:10} " + " | ".join(line) + f"  [trained in {took:.1f} s]", flush=True)
    print("all        " + " | ".join(f"{n} {a}/{b} {a / b:.1%} ({f} free-text)" for n, (a, b, f) in totals.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
