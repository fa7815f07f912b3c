"""Render screenplay text as a formatted page in HTML (Courier, industry indents)."""

from __future__ import annotations

import html
import re

from screenplay import ElementType, Script

CSS = """
.sr-page { font-family: 'Courier Prime', 'Courier New', Courier, monospace; font-size: 13px; line-height: 1.25;
  background: #fffdf7; color: #111; padding: 24px 28px; border: 1px solid #ddd; border-radius: 6px;
  max-width: 640px; white-space: normal; }
.sr-page p { margin: 0 0 12px 0; }
.sr-heading { font-weight: bold; text-transform: uppercase; }
.sr-cue { margin: 0 0 0 38% !important; text-transform: uppercase; }
.sr-paren { margin: 0 0 0 30% !important; }
.sr-dialogue { margin: 0 22% 12px 20% !important; }
.sr-transition { text-align: right; text-transform: uppercase; }
.sr-centered { text-align: center; }
.sr-note { color: #777; font-style: italic; }
.sr-num { float: right; color: #999; }
"""

ELEMENT_CLASS = {
    ElementType.ACTION: "sr-action",
    ElementType.CHARACTER: "sr-cue",
    ElementType.PARENTHETICAL: "sr-paren",
    ElementType.DIALOGUE: "sr-dialogue",
    ElementType.TRANSITION: "sr-transition",
    ElementType.CENTERED: "sr-centered",
    ElementType.LYRICS: "sr-dialogue",
    ElementType.SECTION: "sr-note",
    ElementType.SYNOPSIS: "sr-note",
    ElementType.NOTE: "sr-note",
}


def _inline(text: str) -> str:
    """Escape, then turn Fountain emphasis into HTML."""
    out = html.escape(text)
    out = re.sub(r"\*\*\*(.+?)\*\*\*", r"<b><i>\1</i></b>", out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"\*(.+?)\*", r"<i>\1</i>", out)
    out = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"<u>\1</u>", out)
    return out.replace("\n", "<br>")


def script_html(script: Script, *, max_scenes: int | None = None) -> str:
    parts = [f"<style>{CSS}</style><div class='sr-page'>"]
    if script.title:
        parts.append(f"<p class='sr-centered'><b>{_inline(script.title)}</b></p>")
    for i, scene in enumerate(script.scenes[:max_scenes] if max_scenes else script.scenes, 1):
        number = scene.heading.number or str(i)
        parts.append(
            f"<p class='sr-heading' id='scene-{i}'><span class='sr-num'>{html.escape(number)}</span>"
            f"{_inline(scene.heading.text)}</p>"
        )
        for el in scene.elements:
            if el.type is ElementType.PAGE_BREAK:
                parts.append("<hr>")
                continue
            text = el.text
            if el.type is ElementType.CHARACTER and el.extensions:
                text += " " + " ".join(f"({e})" for e in el.extensions)
            parts.append(f"<p class='{ELEMENT_CLASS.get(el.type, 'sr-action')}'>{_inline(text)}</p>")
    if max_scenes and len(script.scenes) > max_scenes:
        parts.append(f"<p class='sr-note'>… {len(script.scenes) - max_scenes} more scenes</p>")
    parts.append("</div>")
    return "".join(parts)


def fountain_html(text: str) -> str:
    from screenplay.formats import fountain

    return script_html(fountain.parse(text))
