"""The `style_transfer` tool: restyle a scene, an act or a generated option of the writer's project."""

from __future__ import annotations

from typing import Any

from screenplay.model import Script
from tools.base import Option, ToolError, ToolResult, context_schema, pick_option
from tools.schemas import StyleArgs
from tools.style.presets import style_or_example

TOOL_NAME = "style_transfer"
# Said plainly on every scaffold-tier restyle: measured on bench/style.py, the small model's restyles score no
# higher STRAP J than the unchanged text, and neither did a diction layer nor a KJV-diction LoRA trained for
# "shakespearean" (finetune/README.md, "A style adapter on the embedded model").
SCAFFOLD_NOTE = (
    "This model is too small to restyle (scaffold tier): its rewrites measure no more in the style than your text "
    "as written. For a real restyle plug in a capable model: a served one (--backend openai --base-url URL --model "
    "NAME, or SCRIPTROOM_BACKEND=openai), a local model of 1B+ parameters (--model NAME), or SCRIPTROOM_WRITING=free "
    "to let the current model rewrite whole scenes (see 'Bigger models' in the README)."
)


def pick_target(context: Any, *, scene: int | None = None, scene_ref: str | None = None, act: int | None = None,
                option: int | None = None, whole: bool = False) -> tuple[Script, str]:
    """The part of the project to restyle, and how to name it to the writer. With no scope the chat asks
    which part (a whole feature in one request is rarely meant); `whole` (the command line) takes the file."""
    if option is not None:
        chosen = pick_option(context.last_options, option)
        return Script(scenes=list(chosen.scenes)), f"option {option}"
    script = context.require_script("Restyling")
    scope = context.scope_for(act=act, scene=scene, scene_ref=scene_ref)
    if not scope.whole:
        return Script(scenes=scope.scenes(script)), scope.label
    if len(script.scenes) == 1 or whole:
        return script, "the draft"
    raise ToolError("say what to restyle: a scene (e.g. 'scene 12' or 'the diner scene'), an act, or an option")


def style_result(result: Any, what: str, scope: Any = None) -> ToolResult:
    """The restyle as a ToolResult whose one option goes where its source is (``scope``: a screenplay Scope)."""
    m = result.metrics
    figures = []
    if m.get("similarity") is not None:
        figures.append(f"meaning kept {m['similarity']:.2f}")
    if m.get("target_probability") is not None:
        figures.append(f"style strength {m['target_probability']:.2f} (reads as {m['predicted']})")
    if m.get("fluency") is not None:
        figures.append(f"fluency {m['fluency']:.2f}")
    total = result.rewritten + result.kept
    lines = [f"**{what.capitalize()} as {result.style_name}**: {result.rewritten} of {total} lines restyled; "
             "headings, speakers and order unchanged."]
    if result.kept:
        reasons = "; ".join(dict.fromkeys(f.reason for f in result.failures))
        lines.append(f"{result.kept} kept as written because the rewrites failed a check ({reasons}).")
        if not result.rewritten:
            lines.append("Nothing passed the checks, so the text is as you wrote it.")
    if result.tier == "scaffold":
        lines.append(SCAFFOLD_NOTE)
    if figures:
        lines.append("Measures: " + ", ".join(figures) + ".")
    # A restyle that changed nothing is no option: offering the writer's own text back to insert would only
    # duplicate it.
    options = []
    if result.rewritten:
        lines.append(f"\n```fountain\n{result.text.strip()}\n```\nSay 'insert option 1' to put it in the draft.")
        options = [Option.of(result.text, prompt=result.prompt, scope=scope)]
    data = {**result.to_dict(), "target": what}
    if result.tier == "scaffold":
        data["note"] = SCAFFOLD_NOTE  # `scriptroom style --json` readers get the same plain word
    return ToolResult(tool=TOOL_NAME, summary="\n".join(lines), data=data, options=options, prompt=result.prompt)


def make_style_tool(styler: Any):
    from langchain_core.tools import StructuredTool

    def style_transfer(context: Any, style: str, scene: int | None = None, scene_ref: str | None = None,
                       act: int | None = None, option: int | None = None) -> ToolResult:
        preset = style_or_example(style)
        target, what = pick_target(context, scene=scene, scene_ref=scene_ref, act=act, option=option)
        if option is not None:
            scope = pick_option(context.last_options, option).scope
        else:
            scope = context.scope_for(act=act, scene=scene, scene_ref=scene_ref)
        return style_result(styler.transfer(target, preset, draft=context.script), what, scope)

    return StructuredTool.from_function(
        func=style_transfer,
        name=TOOL_NAME,
        description=(
            "Rewrite a scene, an act or a generated option in another style (noir, screwball comedy, horror, "
            "Shakespearean verse, terse minimalist, documentary realism, children's adventure, melodrama, thriller, "
            "western) or in the voice of an example text; headings, speakers and events stay, only the voice changes."
        ),
        args_schema=context_schema(StyleArgs),
    )
