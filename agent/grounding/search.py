"""Retrieval over the draft's own scenes with the library's embedder: a small in-memory index per draft revision.

Each scene is embedded in windows that fit MiniLM's 256-token window (its heading leads every window, so the place
counts); a scene scores as its best window. Built lazily on the first question that needs it and reused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from agent.grounding.draft import Draft
from screenplay.model import ElementType

WINDOW_WORDS = 150  # about 200 MiniLM tokens: inside the 256-token window with the heading
_WORD_RE = re.compile(r"[a-z0-9']+")
_STOP = {"the", "a", "an", "is", "are", "was", "do", "does", "did", "what", "who", "where", "when", "why", "how",
         "in", "on", "at", "of", "to", "and", "or", "with", "for", "that", "this", "it", "scene", "happens", "happen",
         "there", "they", "he", "she", "his", "her", "their", "about", "from", "my", "draft", "script"}


@dataclass(frozen=True)
class Hit:
    index: int  # 0-based scene
    score: float  # cosine of the best window, plus a small bonus for shared words


class SceneIndex:
    """Unit vectors of every scene window of one draft revision."""

    def __init__(self, draft: Draft, embedder, owners: np.ndarray, vectors: np.ndarray):
        self.draft = draft  # the revision the vectors were made from (its text is fixed by draft.key)
        self.embedder = embedder
        self.owners = owners  # scene index of each window
        self.vectors = vectors

    @classmethod
    def build(cls, draft: Draft, embedder, known: dict[str, np.ndarray] | None = None) -> "SceneIndex":
        """Embed the draft's windows; ``known`` (window text -> vector, from an earlier revision) is reused and
        filled in, so an edit re-embeds only the scenes it changed."""
        known = {} if known is None else known
        owners, texts = [], []
        for idx, scene_windows in enumerate(draft.scene_windows):
            for window in scene_windows:
                owners.append(idx)
                texts.append(window)
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, np.asarray(embedder.embed(missing), dtype=np.float32)))
        vectors = np.stack([known[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)
        return cls(draft, embedder, np.asarray(owners, dtype=np.int32), vectors)

    def windows(self) -> dict[str, np.ndarray]:
        """Window text -> vector, for the next revision to reuse."""
        return dict(zip(self.draft.windows, self.vectors))

    def search(self, question: str, k: int = 3) -> list[Hit]:
        if not len(self.owners):
            return []
        query = self.embedder.embed([question])[0]
        cos = self.vectors @ query
        best = np.full(len(self.draft.script.scenes), -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners, cos)
        words = content_words(question)
        scene_words = [content_words(scene.text) for scene in self.draft.script.scenes]
        n = len(scene_words)
        scores = []
        for idx, value in enumerate(best):
            # Shared words count by rarity: "dead" in one scene says more than "Brick" in every scene.
            bonus = sum(1 - sum(w in other for other in scene_words) / n for w in words & scene_words[idx])
            # A place named in the question and in the heading ("in the hotel kitchen") counts twice.
            bonus += sum(1 - sum(w in other for other in scene_words) / n
                         for w in words & content_words(self.draft.script.scenes[idx].heading.location))
            scores.append(Hit(idx, float(value) + 0.08 * bonus))
        return sorted(scores, key=lambda h: -h.score)[:k]


def content_words(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text.lower()) if w not in _STOP and len(w) > 2}


def scene_windows(scene) -> list[str]:
    heading = scene.heading.text
    body: list[str] = []
    for el in scene.elements:
        if el.type in (ElementType.NOTE, ElementType.SYNOPSIS, ElementType.PAGE_BREAK) or not el.text.strip():
            continue
        body.append(f"{el.text}:" if el.type is ElementType.CHARACTER else el.text)
    words = " ".join(body).split()
    if not words:
        return [heading]
    step = WINDOW_WORDS - 30  # windows overlap so a moment is never cut in two
    return [f"{heading}. " + " ".join(words[i:i + WINDOW_WORDS]) for i in range(0, max(1, len(words) - 30), step)]


def best_sentences(draft: Draft, idx: int, question: str, limit: int = 2) -> list[str]:
    """The scene's sentences (action and speech) that share most words with the question, in script order."""
    scene = draft.script.scenes[idx]
    sentences: list[str] = []
    speaker = ""
    for el in scene.elements:
        if el.type is ElementType.CHARACTER:
            speaker = el.cue_name
        elif el.type in (ElementType.ACTION, ElementType.DIALOGUE) and el.text.strip():
            prefix = f'{speaker}: "' if el.type is ElementType.DIALOGUE else ""
            suffix = '"' if prefix else ""
            for s in re.split(r"(?<=[.!?])\s+", " ".join(el.text.split())):
                if s:
                    sentences.append(f"{prefix}{s}{suffix}")
    if not sentences:
        return []
    words = content_words(question)
    ranked = sorted(range(len(sentences)), key=lambda i: (-len(words & content_words(sentences[i])), i))
    return [sentences[i][:200] for i in sorted(ranked[:limit])]
