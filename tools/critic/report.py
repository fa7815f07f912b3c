"""The full critique as blocks, rendered to Markdown and to PDF (reportlab) from the same blocks."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.critic.findings import Finding
from tools.critic.focus import FocusAnswer
from tools.critic.notes import Coverage


@dataclass(frozen=True)
class Block:
    kind: str  # h1 | h2 | p | bullets | table | image
    content: Any  # str; list[str]; (header, rows); (caption, path)


def build_blocks(*, title: str, scope: str, coverage: Coverage, stats: dict[str, Any], findings: list[Finding],
                 scores: dict[str, float], beats: list[dict], themes: list[dict], plots: dict[str, str],
                 focus: FocusAnswer | None = None) -> list[Block]:
    b: list[Block] = [Block("h1", f"Coverage: {title or 'Untitled'}"), Block("p", f"Scope: {scope}.")]
    if focus is not None:
        b += [Block("h2", f"Focus: {focus.focus}"), Block("p", focus.text)]
    b += [Block("h2", "Verdict"), Block("p", f"**{coverage.verdict}** ({coverage.verdict_source}): {coverage.verdict_reason}.")]
    b += [Block("h2", "Logline"), Block("p", coverage.logline.text)]
    b += [Block("h2", "Premise"), Block("p", coverage.premise)]
    b += [Block("h2", "Strengths"), Block("bullets", [n.render() for n in coverage.strengths] or ["None stood out."])]
    b += [Block("h2", "Weaknesses"), Block("bullets", [n.render() for n in coverage.weaknesses] or ["None raised."])]
    b.append(Block("h2", "Numbers"))
    rows = [
        ["Pages", str(stats["pages"])], ["Scenes", str(stats["scene_count"])],
        ["Speaking characters", str(len(stats["characters"]))],
        ["INT / EXT", ", ".join(f"{k} {v}" for k, v in stats["int_ext"].items())],
        ["DAY / NIGHT", ", ".join(f"{k} {v}" for k, v in stats["day_night"].items())],
        ["Dialogue / action words", f"{stats['dialogue_words']} / {stats['action_words']}"],
        ["Acts (" + stats["acts_source"] + ")", "; ".join(f"{x['act']}: {x['pages']} pp ({x['share']:.0%})" for x in stats["act_balance"])],
    ]
    b.append(Block("table", (["", ""], rows)))
    share = list(stats["dialogue_share"].items())[:10]
    if share:
        b.append(Block("table", (["Character", "Dialogue share"], [[n, f"{s:.0%}"] for n, s in share])))
    if beats:
        b += [Block("h2", "Structure"), Block("table", (
            ["Beat", "Expected", "Found", "Source"],
            [[x["name"].replace("_", " "), f"{x['expected']:.0%}",
              f"sc. {x['scene']} (p. {x['page']}, {x['position']:.0%})" if x["scene"] else "not found", x["source"]]
             for x in beats],
        ))]
    if themes:
        b += [Block("h2", "Themes"), Block("bullets", [
            f"{', '.join(t['terms']) or '(no distinctive words)'}: {len(t['scenes'])} scenes (sc. {', '.join(t['scenes'][:8])})"
            for t in themes])]
    b.append(Block("h2", "Craft notes"))
    b.append(Block("bullets", [f"[{f.severity}] {f.check}: {f.where()}: {f.message}" for f in findings] or ["No craft checks raised."]))
    if scores:
        ranked = sorted(scores.items(), key=lambda kv: kv[1])
        b += [Block("h2", "Scene scores"), Block("p", "0 = reads as broken or generic, 1 = reads as well-crafted. Weakest first."),
              Block("table", (["Scene", "Score"], [[k, f"{v:.2f}"] for k, v in ranked[:15]]))]
    if plots:
        b.append(Block("h2", "Charts"))
        b += [Block("image", (name.replace("_", " "), path)) for name, path in plots.items()]
    return b


def to_markdown(blocks: list[Block], base: Path | None = None) -> str:
    out: list[str] = []
    for blk in blocks:
        if blk.kind == "h1":
            out.append(f"# {blk.content}")
        elif blk.kind == "h2":
            out.append(f"## {blk.content}")
        elif blk.kind == "p":
            out.append(blk.content)
        elif blk.kind == "bullets":
            out.append("\n".join(f"- {x}" for x in blk.content))
        elif blk.kind == "table":
            header, rows = blk.content
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
            out.append("\n".join(lines))
        elif blk.kind == "image":
            caption, path = blk.content
            shown = os.path.relpath(path, base) if base else path
            out.append(f"![{caption}]({shown})")
    return "\n\n".join(out) + "\n"


def to_pdf(blocks: list[Block], path: Path) -> Path:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Image, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()

    def para(text: str, style: str = "BodyText") -> Paragraph:
        import re

        safe = escape(text)
        safe = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", safe)
        return Paragraph(safe, styles[style])

    story: list[Any] = []
    for blk in blocks:
        if blk.kind == "h1":
            story.append(para(blk.content, "Title"))
        elif blk.kind == "h2":
            story.append(para(blk.content, "Heading2"))
        elif blk.kind == "p":
            story.append(para(blk.content))
        elif blk.kind == "bullets":
            story.append(ListFlowable([ListItem(para(x)) for x in blk.content], bulletType="bullet", leftIndent=12))
        elif blk.kind == "table":
            header, rows = blk.content
            data = ([[para(h) for h in header]] if any(header) else []) + [[para(c) for c in r] for r in rows]
            t = Table(data, hAlign="LEFT")
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(t)
        elif blk.kind == "image":
            caption, img = blk.content
            if Path(img).is_file():
                from reportlab.lib.utils import ImageReader

                w, h = ImageReader(img).getSize()
                width = 6.5 * inch
                story += [Image(img, width=width, height=width * h / w), para(caption, "Italic")]
        story.append(Spacer(1, 6))
    path.parent.mkdir(parents=True, exist_ok=True)
    SimpleDocTemplate(str(path), pagesize=letter, title="Scriptroom coverage").build(story)
    return path
