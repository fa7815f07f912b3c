"""The names writers give a draft's scenes, for routing; what those names point at is screenplay/scope.py's."""

from __future__ import annotations

import re

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


# "this scene", "the current scene", "this one", "here": the scene the writer's cursor is in.
_THIS_SCENE = re.compile(r"\b(?:this|the current|current) scene\b", re.IGNORECASE)


def point_at_scene(message: str, scene: int | None) -> str:
    """The message with "this scene" spelled as "scene N" when the writer's cursor is in scene N, so routing and
    scope resolve it like any numbered scene; unchanged when no scene is known or none is mentioned."""
    if not scene or scene < 1:
        return message
    return _THIS_SCENE.sub(f"scene {scene}", message)
