"""The scene library: screenplay scenes embedded with MiniLM and searched by meaning in Chroma."""

from tools.library.errors import LibraryError, LibraryLockedError
from tools.library.records import SceneRecord, scene_record
from tools.library.store import SceneHit, SceneLibrary

__all__ = [
    "LibraryError",
    "LibraryLockedError",
    "SceneHit",
    "SceneLibrary",
    "SceneRecord",
    "scene_record",
]
