"""Charts in the chat: the plots a tool result carries, as image messages under its answer.

The statistics draw their charts as PNGs under the writer's data folder; Gradio only serves files from
the working directory or the temp directory, so each chart is copied into the temp directory first
(named by its content, so the same chart is stored once).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

# Tools whose charts belong in the chat; the critique's six plots have the Analyze panel's gallery.
CHART_TOOLS = ("script_stats",)
MAX_CHARTS = 2


def chart_messages(tool_output: dict[str, Any]) -> list[gr.ChatMessage]:
    """Image messages for the charts in a TOOL_OUTPUT event's data (a ToolResult as a dict)."""
    if tool_output.get("tool") not in CHART_TOOLS:
        return []
    plots = (tool_output.get("data") or {}).get("plots") or {}
    named = plots.items() if isinstance(plots, dict) else ((Path(p).stem, p) for p in plots)
    messages = []
    for name, path in list(named)[:MAX_CHARTS]:
        served = _servable(Path(path))
        if served is not None:
            messages.append(gr.ChatMessage(role="assistant", content={"path": str(served), "alt_text": f"{name} chart"}))
    return messages


def _servable(path: Path) -> Path | None:
    """A copy of the chart where Gradio may serve it from, or None when the chart is missing."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    folder = Path(tempfile.gettempdir()) / "scriptroom-charts"
    folder.mkdir(exist_ok=True)
    target = folder / f"{hashlib.sha1(data).hexdigest()[:16]}{path.suffix or '.png'}"
    if not target.exists():
        partial = target.with_suffix(".part")
        shutil.copyfile(path, partial)
        partial.replace(target)  # atomic: a concurrent reader never sees half a PNG
    return target
