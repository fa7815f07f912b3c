"""The statistics as a LangChain tool named "script_stats" (context injected by the loop)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.base import ToolResult, context_schema
from tools.schemas import StatsArgs

TOOL_NAME = "script_stats"


def make_stats_tool(out_dir: str | Path | None):
    """Charts go under ``out_dir`` (None: numbers only)."""
    from langchain_core.tools import StructuredTool

    from tools.stats.answers import answer

    def script_stats(context: Any, topic: str = "overview") -> ToolResult:
        script = context.require_script("Counting pages and scenes")
        result = answer(script, topic, out_dir)
        return ToolResult(tool=TOOL_NAME, summary=result.text,
                          data={"topic": topic, "numbers": result.numbers, "plots": result.plots})

    return StructuredTool.from_function(
        func=script_stats,
        name=TOOL_NAME,
        description=StatsArgs.__doc__ or "Statistics of the draft",
        args_schema=context_schema(StatsArgs),
        response_format="content",
    )
