"""The typed note every craft check produces: what, where (scenes and pages), how serious."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Finding:
    check: str  # id of the check, e.g. "long_action"
    message: str  # the note as a writer reads it
    scenes: tuple[str, ...]  # scene labels ("12", "12A", or 1-based position)
    pages: tuple[int, ...]  # pages those scenes start on
    severity: str = "warning"  # info | warning | error

    def where(self) -> str:
        if not self.scenes:
            return "whole script"
        sc = ", ".join(self.scenes[:6]) + (" ..." if len(self.scenes) > 6 else "")
        pg = ", ".join(str(p) for p in sorted(set(self.pages))[:6])
        return f"sc. {sc} (p. {pg})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "message": self.message,
            "scenes": list(self.scenes),
            "pages": list(self.pages),
            "severity": self.severity,
        }
