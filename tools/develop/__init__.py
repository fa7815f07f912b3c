"""Story development: from a logline up the ladder to title, characters, beats, scene cards and scene drafts."""

from tools.develop.engine import Step, StoryEngine
from tools.develop.errors import DevelopError
from tools.develop.records import (
    LEVELS, STRUCTURES, Beat, Character, Logline, SceneCard, SceneDraft, Story, Title,
)

__all__ = ["LEVELS", "STRUCTURES", "Beat", "Character", "DevelopError", "Logline", "SceneCard", "SceneDraft",
           "Step", "Story", "StoryEngine", "Title"]
