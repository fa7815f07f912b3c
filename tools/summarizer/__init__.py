"""The summarizer tool: logline, synopsis, one page, beat sheet and scene outline of a draft."""

from tools.summarizer.summarizer import LEVELS, SceneSummary, Summarizer, Summary
from tools.summarizer.tool import TOOL_NAME, make_summarizer_tool, summary_result

__all__ = ["LEVELS", "SceneSummary", "Summarizer", "Summary", "TOOL_NAME", "make_summarizer_tool", "summary_result"]
