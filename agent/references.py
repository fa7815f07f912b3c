"""What a writer points at beyond the draft's scopes (screenplay/scope.py): scene names for routing, options."""

from __future__ import annotations

from screenplay import Script
from tools.base import ToolError


def scene_names(script: Script | None) -> list[str]:
    """Locations of the draft's scenes, which is how writers name them ("the diner scene")."""
    if script is None:
        return []
    seen: dict[str, None] = {}
    for s in script.scenes:
        if s.heading.location:
            seen.setdefault(s.heading.location.lower(), None)
    return list(seen)


def resolve_option(options: list[str], number: int) -> str:
    if not options:
        raise ToolError("there are no options yet: ask for some first, e.g. 'give me three openings for act two'")
    if not 1 <= number <= len(options):
        raise ToolError(f"there is no option {number}: the last answer had {len(options)} options")
    return options[number - 1]
