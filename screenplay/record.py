"""Records: dataclasses whose dict form (JSON files, `--json` output) is simply their fields."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any


class Record:
    """Mixin for a dataclass: ``to_dict`` is ``dataclasses.asdict`` (nested dataclasses become dicts too)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]  # subclasses are dataclasses
