"""Style presets (package data) and custom styles given by an example text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

import yaml

from tools.base import ToolError
from tools.schemas import STYLE_PRESETS

# A style argument this long, or spanning lines, is an example text rather than a preset name.
MIN_EXAMPLE_CHARS = 120


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    description: str
    genre: str | None = None  # scene-library genre tag (exemplars, classifier label)
    aliases: tuple[str, ...] = ()
    action: tuple[str, ...] = ()
    dialogue: tuple[str, ...] = ()
    example: str = ""  # a custom style's sample text
    extra: dict = field(default_factory=dict)

    @property
    def custom(self) -> bool:
        return bool(self.example)


@lru_cache(maxsize=1)
def presets() -> dict[str, Preset]:
    raw = yaml.safe_load(files("tools.style").joinpath("presets.yaml").read_text(encoding="utf-8"))
    out = {}
    for pid, spec in raw.items():
        out[pid] = Preset(
            id=pid, name=spec["name"], description=spec["description"], genre=spec.get("genre"),
            aliases=tuple(spec.get("aliases", ())), action=tuple(spec.get("action", ())),
            dialogue=tuple(spec.get("dialogue", ())),
        )
    missing = set(STYLE_PRESETS) - set(out)
    if missing:  # the router offers these ids: a preset file without them is a packaging bug
        raise RuntimeError(f"style presets missing from presets.yaml: {sorted(missing)}")
    return out


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower().replace("’", "'")).strip("-")


def preset_list() -> str:
    return ", ".join(presets())


def resolve(style: str) -> Preset:
    """A preset by id, name or alias; ToolError listing the presets for anything else."""
    key = _key(style or "")
    table = presets()
    if key in table:
        return table[key]
    for preset in table.values():
        if key in {_key(preset.name), *(_key(a) for a in preset.aliases)}:
            return preset
    raise ToolError(
        f"unknown style {style!r}. Choose a preset ({preset_list()}) or give an example of the voice you "
        f"want (a passage of at least {MIN_EXAMPLE_CHARS} characters, pasted or uploaded)."
    )


def from_example(example: str) -> Preset:
    text = example.strip()
    if len(text) < 40:
        raise ToolError("the style example is too short: paste or upload a passage of a few lines in the voice you want")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return Preset(
        id="custom", name="the voice of your example", description="the voice of the example text: "
        "its vocabulary, sentence length, rhythm and tone", action=tuple(lines[:3]), dialogue=tuple(lines[:3]),
        example=text[:1200],
    )


def style_or_example(style: str) -> Preset:
    """What the tool's `style` argument names: a preset, or (when long) a sample text to imitate."""
    if len(style.strip()) >= MIN_EXAMPLE_CHARS or "\n" in style.strip():
        return from_example(style)
    return resolve(style)
