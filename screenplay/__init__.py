"""Screenplay documents: one typed model, importers for every format writers use, faithful exporters."""

from screenplay.errors import ScriptExportError, ScriptImportError
from screenplay.io import load, loads, render, save
from screenplay.model import (
    CastMember,
    Element,
    ElementType,
    Scene,
    SceneHeading,
    Script,
    normalize_character,
    parse_heading,
    split_cue,
)

__all__ = [
    "CastMember",
    "Element",
    "ElementType",
    "Scene",
    "SceneHeading",
    "Script",
    "ScriptExportError",
    "ScriptImportError",
    "load",
    "loads",
    "normalize_character",
    "parse_heading",
    "render",
    "save",
    "split_cue",
]
