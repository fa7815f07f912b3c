"""The learned scene scorer: how much a scene reads like a well-crafted one, in [0, 1].

MiniLM embedding + a few format features -> a small MLP head trained by ``finetune.scorer`` on the
starter library against code-degraded copies. Inference is numpy only; the head ships in tools/critic/scorer/.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from screenplay.model import ElementType, Scene
from tools.library.embedder import as_text_embedder

ET = ElementType
DEFAULT_HEAD = Path(__file__).resolve().parent / "scorer" / "head.npz"
FEATURES = (
    "standard_heading", "log_elements", "log_words", "dialogue_share", "cues_answered", "has_cues",
    "speakers", "bare_caps_lines", "ends_cleanly", "type_token_ratio", "repeated_lines", "mean_line_words",
)
_WORD_RE = re.compile(r"[A-Za-z']+")
ENDINGS = ".!?\"'’”)-:…—–"


class ScorerError(ValueError):
    """The scorer's head is missing or was trained with another embedder."""


def scene_features(scene: Scene) -> list[float]:
    """Format features of a parsed scene; each roughly in 0..1 before standardising."""
    els = [e for e in scene.elements if e.type not in (ET.NOTE, ET.SYNOPSIS, ET.SECTION, ET.PAGE_BREAK)]
    words_by_el = [_WORD_RE.findall(e.text) for e in els]
    n_words = sum(len(w) for w in words_by_el)
    dia_words = sum(len(w) for e, w in zip(els, words_by_el) if e.type is ET.DIALOGUE)
    cues = [i for i, e in enumerate(els) if e.type is ET.CHARACTER]
    answered = sum(
        1 for i in cues
        if any(e.type is ET.DIALOGUE for e in els[i + 1: i + 3])
    )
    bare = sum(
        1 for e in els if e.type is ET.ACTION and "\n" not in e.text.strip() and e.text.strip() == e.text.strip().upper()
        and any(c.isalpha() for c in e.text)
    )
    # Transitions (CUT TO:) and sections often close a scene; judge the ending by its last line of story.
    story = [e for e in els if e.type in (ET.ACTION, ET.DIALOGUE, ET.PARENTHETICAL, ET.CENTERED, ET.LYRICS)]
    last = story[-1].text.rstrip(" *_\t\n") if story else ""
    flat = [w.lower() for ws in words_by_el for w in ws][:300]
    lines = [e.text.strip().lower() for e in els if e.text.strip()]
    repeated = (len(lines) - len(set(lines))) / len(lines) if lines else 0.0
    return [
        1.0 if scene.heading.prefix else 0.0,
        math.log1p(len(els)) / 5,
        math.log1p(n_words) / 8,
        dia_words / n_words if n_words else 0.0,
        answered / len(cues) if cues else 0.0,
        1.0 if cues else 0.0,
        min(len(scene.characters), 6) / 6,
        bare / len(els) if els else 0.0,
        1.0 if last and last[-1] in ENDINGS else 0.0,
        len(set(flat)) / len(flat) if flat else 0.0,
        repeated,
        min(n_words / len(els), 40) / 40 if els else 0.0,
    ]


def parse_scene(text: str) -> Scene:
    """The first scene of Fountain text; text without a heading becomes one unheaded scene."""
    from screenplay.formats.fountain import parse
    from screenplay.model import SceneHeading

    script = parse(text)
    if script.scenes:
        scene = script.scenes[0]
        if len(script.scenes) > 1:  # score the whole text as one scene
            scene = Scene(scene.heading, [e for s in script.scenes for e in s.elements])
        return Scene(scene.heading, script.preamble + scene.elements) if script.preamble else scene
    return Scene(SceneHeading(""), list(script.preamble))


def scene_text(scene: Scene) -> str:
    """Fountain text of one scene, as the scorer embeds it."""
    from screenplay.formats.fountain import render
    from screenplay.model import Script

    return render(Script(scenes=[scene])).strip()


@dataclass
class Head:
    """A one-hidden-layer MLP over [embedding, standardised features]."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    feat_mean: np.ndarray
    feat_std: np.ndarray
    embedder_name: str
    metrics: dict[str, Any]

    def forward(self, emb: np.ndarray, feats: np.ndarray) -> np.ndarray:
        x = np.concatenate([emb, (feats - self.feat_mean) / self.feat_std], axis=1)
        h = np.maximum(0.0, x @ self.w1 + self.b1)
        z = h @ self.w2 + self.b2
        return 1.0 / (1.0 + np.exp(-z.reshape(-1)))

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {k: getattr(self, k).astype(np.float16 if k == "w1" else np.float32)
                  for k in ("w1", "b1", "w2", "b2", "feat_mean", "feat_std")}
        meta = json.dumps({"embedder_name": self.embedder_name, "metrics": self.metrics, "features": FEATURES})
        with open(path, "wb") as fh:
            np.savez_compressed(fh, meta=np.array(meta), **arrays)
        return path

    @classmethod
    def read(cls, path: str | Path) -> "Head":
        path = Path(path)
        if not path.is_file():
            raise ScorerError(f"no scorer head at {path}; train one with `python -m finetune.scorer`")
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            if list(meta.get("features", [])) != list(FEATURES):
                raise ScorerError(f"{path} was trained on other features; retrain with `python -m finetune.scorer`")
            arrays = {k: z[k].astype(np.float32) for k in ("w1", "b1", "w2", "b2", "feat_mean", "feat_std")}
        return cls(**arrays, embedder_name=meta["embedder_name"], metrics=meta.get("metrics", {}))


class SceneScorer:
    """``SceneScorer.load(embedder).score(fountain_text)`` -> 0 (degraded) .. 1 (well-crafted)."""

    def __init__(self, embedder: Any, head: Head):
        self.embedder = as_text_embedder(embedder)
        if self.embedder.name != head.embedder_name:
            raise ScorerError(
                f"the scorer head was trained with {head.embedder_name}, not {self.embedder.name}; "
                "pass that embedder or retrain with `python -m finetune.scorer`"
            )
        self.head = head

    @classmethod
    def load(cls, embedder: Any, path: str | Path | None = None) -> "SceneScorer":
        return cls(embedder, Head.read(path or DEFAULT_HEAD))

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(self.head.metrics)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.embed(list(texts)) if texts else np.zeros((0, self.head.w1.shape[0] - len(FEATURES)))

    def score(self, scene_text: str) -> float:
        return self.score_many([scene_text])[0]

    def score_many(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[float]:
        """Scores for Fountain scene texts; pass `vectors` when their embeddings are already known."""
        if not texts:
            return []
        feats = np.array([scene_features(parse_scene(t)) for t in texts], dtype=np.float32)
        emb = self.embed(texts) if vectors is None else np.asarray(vectors, dtype=np.float32)
        return [float(round(p, 4)) for p in self.head.forward(emb, feats)]

    def score_scenes(self, scenes: Sequence[Scene], vectors: np.ndarray | None = None) -> list[float]:
        return self.score_many([scene_text(s) for s in scenes], vectors)
