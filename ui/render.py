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
.sr-scene { border-left: 3px solid transparent; padding-left: 6px; margin-left: -9px; }
.sr-current { border-left-color: #e0a800; background: #fff8e1; }
.sr-problems { background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; border-radius: 6px; padding: 4px 10px;
  margin-bottom: 8px; font-size: 13px; }
.sr-problems ul { margin: 2px 0 2px 18px; }
"""

# The margin-note marker, on the page and on the board's cards: the note shows on hover or keyboard focus.
MARKER_CSS = """
.sr-marker { float: right; cursor: pointer; background: #ffe082; color: #5d4200; border-radius: 8px; padding: 0 6px;
  font-family: sans-serif; font-size: 11px; font-weight: bold; }
.sr-margin { display: none; background: #fff3c4; border: 1px solid #e6c200; border-radius: 4px; padding: 4px 6px;
  margin: 2px 0 10px 0; font-family: sans-serif; font-size: 12px; }
.sr-marker:hover + .sr-margin, .sr-marker:focus + .sr-margin, .sr-margin:hover { display: block; }
"""
CSS += MARKER_CSS

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


def script_html(script: Script, *, max_scenes: int | None = None, current: int = 0,
                notes: dict[int, list[str]] | None = None, preamble: bool = False, before: str = "") -> str:
    """The draft as pages. ``current``: the 1-based scene to highlight; ``notes``: margin notes per 1-based scene;
    ``preamble``: also show what comes before the first heading (the editor's page shows everything typed);
    ``before``: HTML put above the page (the editor's problems)."""
    parts = [f"<style>{CSS}</style>{before}<div class='sr-page'>"]
    if script.title:
        parts.append(f"<p class='sr-centered'><b>{_inline(script.title)}</b></p>")
    if preamble:
        _elements(script.preamble, parts)
    for i, scene in enumerate(script.scenes[:max_scenes] if max_scenes else script.scenes, 1):
        number = scene.heading.number or str(i)
        parts.append(f"<div class='sr-scene{' sr-current' if i == current else ''}' id='scene-{i}'>")
        parts.append(
            f"<p class='sr-heading'><span class='sr-num'>{html.escape(number)}</span>"
            f"{_inline(scene.heading.text)}</p>"
        )
        mine = (notes or {}).get(i, [])
        if mine:
            parts.append(f"<span class='sr-marker' tabindex='0' title='{len(mine)} note(s)'>note {len(mine)}</span>"
                         f"<div class='sr-margin'>{'<br>'.join(html.escape(n) for n in mine)}</div>")
        _elements(scene.elements, parts)
        parts.append("</div>")
    if max_scenes and len(script.scenes) > max_scenes:
        parts.append(f"<p class='sr-note'>… {len(script.scenes) - max_scenes} more scenes</p>")
    parts.append("</div>")
    return "".join(parts)


def _elements(elements: list, parts: list[str]) -> None:
    for el in elements:
        if el.type is ElementType.PAGE_BREAK:
            parts.append("<hr>")
            continue
        text = el.text
        if el.type is ElementType.CHARACTER and el.extensions:
            text += " " + " ".join(f"({e})" for e in el.extensions)
        parts.append(f"<p class='{ELEMENT_CLASS.get(el.type, 'sr-action')}'>{_inline(text)}</p>")


def fountain_html(text: str) -> str:
    from screenplay.formats import fountain

    return script_html(fountain.parse(text))
