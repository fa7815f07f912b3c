"""Resolve what a writer points at ("the diner scene", "scene 12", "option 2") in their project."""

from __future__ import annotations

from screenplay import Scene, Script
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


def resolve_scene(script: Script | None, number: int | None, ref: str | None) -> tuple[int, Scene] | None:
    """(1-based position, scene) for a scene number or a named scene; None when neither is given."""
    if number is None and not ref:
        return None
    if script is None or not script.scenes:
        raise ToolError("there is no draft to point into yet: attach one (.fountain, .fdx, .pdf, .docx, .txt) first")
    if number is not None:
        try:
            scene = script.scene(number)
        except IndexError:
            raise ToolError(
                f"there is no scene {number}: this draft has {len(script.scenes)} scenes"
            ) from None
        return script.scenes.index(scene) + 1, scene
    needle = ref.lower().strip()
    for i, s in enumerate(script.scenes, 1):
        if needle in s.heading.location.lower() or needle in s.heading.text.lower():
            return i, s
    for i, s in enumerate(script.scenes, 1):
        if needle in s.text.lower():
            return i, s
    names = ", ".join(scene_names(script)[:8])
    raise ToolError(f"no scene matches '{ref}'. Scenes are named by place, for example: {names}")


def resolve_option(options: list[str], number: int) -> str:
    if not options:
        raise ToolError("there are no options yet: ask for some first, e.g. 'give me three openings for act two'")
    if not 1 <= number <= len(options):
        raise ToolError(f"there is no option {number}: the last answer had {len(options)} options")
    return options[number - 1]
