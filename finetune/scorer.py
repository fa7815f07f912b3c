"""Train the critic's scene scorer: starter-library scenes (good) vs code-degraded copies (bad).

    .venv/bin/python -m finetune.scorer            # retrain and overwrite tools/critic/scorer/head.npz
    .venv/bin/python -m finetune.scorer --out /tmp/head.npz --per-scene 1

Split by source scene (a scene and its degraded copies stay on one side), held-out accuracy reported.
Under a minute on CPU: embedding ~470 short texts with MiniLM dominates; the head trains in a second.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from finetune.degrade import DEGRADATIONS, clean_excerpt, forced_heading
from tools.critic.scene_scorer import DEFAULT_HEAD, FEATURES, Head, parse_scene, scene_features
from tools.library.embedder import as_text_embedder

STARTER = Path(__file__).resolve().parents[1] / "tools" / "library" / "starter"


@dataclass
class ScorerConfig:
    per_scene: int = field(default=2, metadata={"help": "degraded copies per starter scene (kinds rotate)"})
    excerpts: float = field(default=0.5, metadata={"help": "share of scenes that also give a short clean excerpt (good)"})
    holdout: float = field(default=0.2, metadata={"help": "share of source scenes held out for evaluation"})
    hidden: int = field(default=32, metadata={"help": "hidden units of the MLP head"})
    epochs: int = field(default=400, metadata={"help": "full-batch Adam steps"})
    lr: float = field(default=0.01, metadata={"help": "learning rate"})
    weight_decay: float = field(default=1e-3, metadata={"help": "L2 on the head's weights"})
    seed: int = field(default=0, metadata={"help": "seed for degradations, split and init"})
    limit: int | None = field(default=None, metadata={"help": "use only this many source scenes (tests)"})


@dataclass
class Example:
    source: str  # the starter file it came from (the split key)
    text: str
    label: int  # 1 well-crafted, 0 degraded
    kind: str  # "original" or the degradation's name


def starter_scenes(root: Path = STARTER) -> list[tuple[str, str]]:
    """(source, Fountain text of the scene without its title page) for every starter scene."""
    out = []
    for path in sorted(root.glob("*/*.fountain")):
        paras = path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n\n")
        if paras and ":" in paras[0].split("\n")[0] and not paras[0].startswith(("INT", "EXT")):
            paras = paras[1:]
        out.append((f"{path.parent.name}/{path.name}", "\n\n".join(paras).strip()))
    return out


def make_examples(scenes: list[tuple[str, str]], per_scene: int, seed: int, excerpts: float = 0.5) -> list[Example]:
    rng = random.Random(seed)
    kinds = list(DEGRADATIONS)
    out = []
    for n, (source, text) in enumerate(scenes):
        # Some good scenes wear a forced heading, as professional scripts do, so a missing prefix alone is no flaw.
        if rng.random() < 0.2:
            out.append(Example(source, forced_heading(text, rng), 1, "forced_heading"))
        else:
            out.append(Example(source, text, 1, "original"))
        if rng.random() < excerpts:
            short = clean_excerpt(text, rng)
            if short:
                out.append(Example(source, short, 1, "excerpt"))
        for k in range(per_scene):
            kind = kinds[(n * per_scene + k) % len(kinds)]
            out.append(Example(source, DEGRADATIONS[kind](text, rng), 0, kind))
    return out


def split(examples: list[Example], holdout: float, seed: int) -> tuple[list[Example], list[Example]]:
    sources = sorted({e.source for e in examples})
    random.Random(seed).shuffle(sources)
    held = set(sources[: max(1, round(len(sources) * holdout))])
    return [e for e in examples if e.source not in held], [e for e in examples if e.source in held]


def _fit(emb: np.ndarray, feats: np.ndarray, y: np.ndarray, cfg: ScorerConfig, name: str) -> Head:
    import torch

    threads = torch.get_num_threads()
    # A 12k-parameter head: one thread is fastest, and many contend badly on a shared CPU.
    torch.set_num_threads(1)
    try:
        return _fit_torch(torch, emb, feats, y, cfg, name)
    finally:
        torch.set_num_threads(threads)


def _fit_torch(torch: Any, emb: np.ndarray, feats: np.ndarray, y: np.ndarray, cfg: ScorerConfig, name: str) -> Head:
    torch.manual_seed(cfg.seed)
    mean = feats.mean(axis=0)
    std = feats.std(axis=0) + 1e-3
    x = torch.tensor(np.concatenate([emb, (feats - mean) / std], axis=1), dtype=torch.float32)
    t = torch.tensor(y, dtype=torch.float32)
    model = torch.nn.Sequential(torch.nn.Linear(x.shape[1], cfg.hidden), torch.nn.ReLU(), torch.nn.Linear(cfg.hidden, 1))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for _ in range(cfg.epochs):
        opt.zero_grad()
        loss = loss_fn(model(x).squeeze(1), t)
        loss.backward()
        opt.step()
    l1, l2 = model[0], model[2]
    return Head(
        w1=l1.weight.detach().numpy().T.copy(), b1=l1.bias.detach().numpy().copy(),
        w2=l2.weight.detach().numpy().T.copy(), b2=l2.bias.detach().numpy().copy(),
        feat_mean=mean.astype(np.float32), feat_std=std.astype(np.float32), embedder_name=name,
        metrics={"train_loss": round(float(loss.item()), 4)},
    )


def _accuracy(head: Head, emb: np.ndarray, feats: np.ndarray, ex: list[Example]) -> dict[str, Any]:
    p = head.forward(emb, feats)
    y = np.array([e.label for e in ex])
    correct = (p >= 0.5) == (y == 1)
    by_kind = {}
    for kind in sorted({e.kind for e in ex}):
        mask = np.array([e.kind == kind for e in ex])
        by_kind[kind] = round(float(correct[mask].mean()), 3)
    return {"accuracy": round(float(correct.mean()), 3), "n": len(ex), "by_kind": by_kind}


def train(
    embedder: Any,
    cfg: ScorerConfig | None = None,
    *,
    out: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Head:
    """Train a head for `embedder`; held-out accuracy lands in head.metrics. Saved to `out` when given."""
    cfg = cfg or ScorerConfig()
    emb_model = as_text_embedder(embedder)
    say = progress or (lambda msg: None)
    scenes = starter_scenes()
    if cfg.limit:
        scenes = random.Random(cfg.seed).sample(scenes, min(cfg.limit, len(scenes)))
    examples = make_examples(scenes, cfg.per_scene, cfg.seed, cfg.excerpts)
    train_ex, test_ex = split(examples, cfg.holdout, cfg.seed)
    t0 = time.perf_counter()
    say(f"embedding {len(examples)} scenes ({len(scenes)} sources x {1 + cfg.per_scene})")
    vectors = emb_model.embed([e.text for e in examples])
    feats = np.array([scene_features(parse_scene(e.text)) for e in examples], dtype=np.float32)
    t_embed = time.perf_counter() - t0
    index = {id(e): i for i, e in enumerate(examples)}
    tr = np.array([index[id(e)] for e in train_ex])
    te = np.array([index[id(e)] for e in test_ex])
    say("training the head")
    head = _fit(vectors[tr], feats[tr], np.array([e.label for e in train_ex]), cfg, emb_model.name)
    head.metrics.update({
        "train": _accuracy(head, vectors[tr], feats[tr], train_ex),
        "heldout": _accuracy(head, vectors[te], feats[te], test_ex),
        "sources": len(scenes),
        "heldout_sources": len({e.source for e in test_ex}),
        "embed_seconds": round(t_embed, 1),
        "train_seconds": round(time.perf_counter() - t0 - t_embed, 1),
        "features": list(FEATURES),
    })
    if out is not None:
        head.save(out)
    return head


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_HEAD), help="where to write the head (.npz)")
    for name, f in ScorerConfig.__dataclass_fields__.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name,
                            type=type(f.default) if f.default is not None else int,
                            default=f.default, help=f.metadata.get("help", ""))
    args = parser.parse_args(argv)
    cfg = ScorerConfig(**{k: getattr(args, k) for k in ScorerConfig.__dataclass_fields__})
    from tools.embeddings import load_embedder

    t0 = time.perf_counter()
    head = train(load_embedder(), cfg, out=args.out, progress=print)
    m = head.metrics
    print(f"held-out accuracy {m['heldout']['accuracy']:.3f} on {m['heldout']['n']} scenes "
          f"({m['heldout_sources']} unseen sources); by kind {m['heldout']['by_kind']}")
    print(f"train accuracy {m['train']['accuracy']:.3f}; embed {m['embed_seconds']} s, head {m['train_seconds']} s, "
          f"total {time.perf_counter() - t0:.1f} s -> {args.out} ({Path(args.out).stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
