"""The style-transfer tool: restyle scenes in a preset or sample voice, keeping structure; STRAP measures."""

from tools.style.presets import Preset, from_example, presets, resolve, style_or_example
from tools.style.tool import TOOL_NAME, make_style_tool, pick_target, style_result
from tools.style.transfer import StyleResult, StyleTransfer

__all__ = [
    "Preset", "StyleResult", "StyleTransfer", "TOOL_NAME", "from_example", "make_style_tool", "pick_target",
    "presets", "resolve", "style_or_example", "style_result",
]
