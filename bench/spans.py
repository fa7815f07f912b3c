"""Arguments by leave-one-author-out: the rules alone, then with each learned reader added in turn.

Run: .venv/bin/python bench/spans.py [--splits authors7a,...] [--sure 0.8] [--fill 0.3] [--override 0.9]
    [--choice-sure 0.5] [--classes]
For each split, the span tagger (free text), the number tagger (counts, acts, scenes, options, insertion points) and
the choice classifier (statistics topic, critique focus, summary level) are trained on the project set and every
SPAN_TRAINED split but that one (a split not in it, such as a new author's before it joins, is simply left out), and
each of the split's rows that names a tool is read as its labelled intent (so intent errors stay out; a slash command
is parsed as the router parses it) and scored with agent.routing.evaluation. The rules were tuned on blind6's and
authors7a-d's misses, so on those splits the rules' figure is a training figure. --classes counts the misses of the last column by (intent, argument). Blind sets
are refused: they are read only in aggregate through bench/router.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.registry import INTENT_ARGS  # noqa: E402
from agent.routing import choices, roles, spans  # noqa: E402
from agent.routing.evaluation import FREE_TEXT, Report, _norm, evaluate, load_labeled  # noqa: E402
from agent.routing.router import read_request  # noqa: E402
from agent.routing.slash import is_slash, route_slash  # noqa: E402
from agent.routing.training import DATA, SPAN_TRAINED, build_reader, labelled_rows  # noqa: E402

AUTHORS = tuple(s for s in SPAN_TRAINED if s.startswith("authors"))  # every author set the readers learn from


def score(rows, readers) -> Report:
    queue = iter(rows)

    def route(text, characters=(), **_):
        intent = next(queue).intent
        if is_slash(text):  # the router parses a slash command before any reader sees it ("/develop LOGLINE")
            return route_slash(text)
        return read_request(intent, text, characters=characters, readers=readers)

    return evaluate(route, rows)


def free_misses(report: Report) -> int:
    return sum(_norm(m.expected_args.get(k)) != _norm(m.got_args.get(k))
               for m in report.arg_misses for k in FREE_TEXT if k != "scene_ref")


def miss_classes(report: Report) -> Counter:
    return Counter((m.expected, k) for m in report.arg_misses for k in set(m.expected_args) | set(m.got_args)
                   if _norm(m.expected_args.get(k)) != _norm(m.got_args.get(k)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", default=",".join(AUTHORS))
    parser.add_argument("--sure", type=float, default=spans.SURE, help="the span tagger's threshold")
    parser.add_argument("--fill", type=float, default=roles.FILL, help="the number tagger's threshold to fill")
    parser.add_argument("--override", type=float, default=roles.OVERRIDE, help="... and to replace the rules' number")
    parser.add_argument("--choice-sure", type=float, default=choices.SURE, help="the choice classifier's threshold")
    parser.add_argument("--classes", action="store_true", help="count the last column's misses by intent and argument")
    opts = parser.parse_args(argv)
    splits = opts.splits.split(",")
    if any(s.startswith("blind") and s != "blind6" for s in splits):
        parser.error("blind sets from blind7 on are scored only in aggregate, by bench/router.py")
    everything = load_labeled(DATA / "router_eval.jsonl")
    totals: dict[str, list[int]] = {}
    classes: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for split in splits:
            rows = [r for r in everything if r.split == split and r.intent in INTENT_ARGS]
            trained = labelled_rows(splits=[s for s in SPAN_TRAINED if s != split])
            span_model, role_model, choice_model = (Path(tmp) / f"{split}.{kind}" for kind in ("spans", "roles", "choices"))
            start = time.perf_counter()
            for kind, model in (("spans", span_model), ("roles", role_model), ("choices", choice_model)):
                build_reader(kind, model, rows=trained)
            took = time.perf_counter() - start
            tagger = spans.SpanTagger(span_model.read_bytes(), opts.sure)
            numbers = roles.RoleTagger(role_model.read_bytes(), opts.fill, opts.override)
            chooser = choices.ChoiceReader(choice_model.read_bytes(), opts.choice_sure)
            cells = [("rules", ()), ("+spans", (tagger,)), ("+numbers", (tagger, numbers)),
                     ("+choices", (tagger, numbers, chooser))]
            line = []
            for name, readers in cells:
                report = score(rows, readers)
                total = totals.setdefault(name, [0, 0, 0])
                total[0] += report.args_correct
                total[1] += report.args_total
                total[2] += free_misses(report)
                line.append(f"{name} {report.args_correct}/{report.args_total} ({free_misses(report)} free-text)")
            classes += miss_classes(report)
            print(f"{split:10} " + " | ".join(line) + f"  [trained in {took:.1f} s]", flush=True)
    print("all        " + " | ".join(f"{n} {a}/{b} {a / b:.1%} ({f} free-text)" for n, (a, b, f) in totals.items()))
    if opts.classes:
        print("misses of the last column by intent and argument:",
              ", ".join(f"{i} {k} {n}" for (i, k), n in classes.most_common(25)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
