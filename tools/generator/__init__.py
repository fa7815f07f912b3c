"""The scene generator: N grounded, scored, diverse scene options in valid Fountain, and follow-ups on them."""

from tools.generator.generator import Candidate, SceneGenerator
from tools.generator.tool import make_generator_tool, make_revise_tool

__all__ = [
    "Candidate",
    "SceneGenerator",
    "make_generator_tool",
    "make_revise_tool",
]
