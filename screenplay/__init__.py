"""Screenplay documents: one typed model, importers for every format writers use, faithful exporters."""

from screenplay.errors import ScriptExportError, ScriptImportError
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
    "normalize_character",
    "parse_heading",
    "split_cue",
]
