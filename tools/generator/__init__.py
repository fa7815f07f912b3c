"""The scene generator: N grounded, scored, diverse scene options in valid Fountain, and follow-ups on them."""

from tools.generator.generator import Candidate, SceneGenerator
from tools.generator.requests import MAX_OPTIONS, GenerationRequest
from tools.generator.tool import make_generator_tool, make_revise_tool

__all__ = [
    "MAX_OPTIONS",
    "Candidate",
    "GenerationRequest",
    "SceneGenerator",
    "make_generator_tool",
    "make_revise_tool",
]
