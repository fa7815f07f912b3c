"""The `summarize` tool: a LangChain StructuredTool over a Summarizer, fed the writer's draft by the loop."""

from __future__ import annotations

from typing import Any

from tools.base import ToolResult, context_schema
from tools.progress import progress_stream
from tools.schemas import SummarizeArgs

TOOL_NAME = "summarize"


def summary_result(summary: Any) -> ToolResult:
    return ToolResult(tool=TOOL_NAME, summary=summary.text, data=summary.to_dict(), prompt=summary.prompt)


def make_summarizer_tool(summarizer: Any):
    """The tool; ``metadata["stream"]`` runs it with scene-by-scene progress (a long script takes minutes)."""
    from langchain_core.tools import StructuredTool

    def summarize(context: Any, level: str = "synopsis", act: int | None = None, scene: int | None = None,
                  scene_ref: str | None = None, progress: Any = None) -> ToolResult:
        script = context.require_script("Summarising")
        scope = context.scope_for(act=act, scene=scene, scene_ref=scene_ref)
        return summary_result(summarizer.summarize(script, level, scope=scope, progress=progress))

    def run(args: dict[str, Any], context: Any, report: Any) -> ToolResult:
        return summarize(context, **args, progress=lambda done, total, label: report(done, total, f"summarising {label}"))

    tool = StructuredTool.from_function(
        func=summarize,
        name=TOOL_NAME,
        description=(
            "Summarise the writer's draft (or one act or scene): a logline, a one-paragraph synopsis, a one-page "
            "summary, a Save the Cat beat sheet with pages, or a scene-by-scene outline. Names and scene numbers "
            "in the result are checked against the draft."
        ),
        args_schema=context_schema(SummarizeArgs),
    )
    tool.metadata = {"stream": progress_stream(run)}
    return tool
