"""Per-scene summaries on disk, keyed by the scene's content, the model and the prompt version.

Re-summarising an edited draft asks the model again only for the scenes whose text changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from screenplay.files import atomic_write_text


class SummaryCache:
    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder is not None else None

    def key(self, scene_hash: str, model_key: str, version: str) -> str:
        return hashlib.sha256(f"{version}\x00{model_key}\x00{scene_hash}".encode()).hexdigest()[:32]

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        path = self._path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None  # a damaged entry is recomputed and rewritten, never trusted

    def put(self, key: str, value: dict[str, Any]) -> None:
        if self.folder is not None:
            atomic_write_text(self._path(key), json.dumps(value, ensure_ascii=False))
