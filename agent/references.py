"""The names writers give a draft's scenes, for routing; what those names point at is screenplay/scope.py's."""

from __future__ import annotations

from screenplay import Script


def scene_names(script: Script | None) -> list[str]:
    """Locations of the draft's scenes, which is how writers name them ("the diner scene")."""
    if script is None:
        return []
    seen: dict[str, None] = {}
    for s in script.scenes:
        if s.heading.location:
            seen.setdefault(s.heading.location.lower(), None)
    return list(seen)
