"""Few-shot examples in the shape the model is asked to answer in: heading, action, ``NAME: words``."""

from __future__ import annotations

from importlib import resources

from screenplay.formats.fountain import parse
from screenplay.model import ElementType, Scene, normalize_character

ET = ElementType
EXAMPLE_CHARS = 900  # one example is about a quarter of a small model's prompt


def exchange_from_scene(scene: Scene, limit: int = EXAMPLE_CHARS) -> str:
    """A parsed scene as heading, action paragraphs and ``NAME: words`` lines."""
    lines = [scene.heading.text, ""]
    speaker, paren = "", ""
    for el in scene.elements:
        text = " ".join(el.text.split())
        if el.type is ET.CHARACTER:
            speaker, paren = el.cue_name, ""
        elif el.type is ET.PARENTHETICAL:
            paren = text
        elif el.type is ET.DIALOGUE and speaker:
            lines.append(f"{speaker}{' ' + paren if paren else ''}: {text}")
            paren = ""
        elif el.type is ET.ACTION and text:
            lines.append(text)
    return _cut("\n".join(lines), limit)


def exchange_from_plain(text: str, cast: list[str], limit: int = EXAMPLE_CHARS) -> str:
    """A library hit's plain text (heading, then one element a line) in the same shape.

    The plain text has no blank lines, so a cue is recognised as a line that is exactly a cast name;
    the line after it (and a parenthetical before that) is the speech.
    """
    names = {normalize_character(c) for c in cast if c.strip()}
    rows = [r.strip() for r in text.splitlines() if r.strip()]
    if not rows:
        return ""
    out = [rows[0], ""]
    i = 1
    while i < len(rows):
        row = rows[i]
        if normalize_character(row) in names and i + 1 < len(rows):
            paren = ""
            j = i + 1
            if rows[j].startswith("(") and rows[j].endswith(")") and j + 1 < len(rows):
                paren, j = rows[j], j + 1
            out.append(f"{normalize_character(row)}{' ' + paren if paren else ''}: {rows[j]}")
            i = j + 1
            continue
        out.append(row)
        i += 1
    return _cut("\n".join(out), limit)


def builtin_example() -> str:
    """The packaged example scene, for when there is no library."""
    text = resources.files("tools.generator").joinpath("prompts", "example_scene.fountain").read_text("utf-8")
    return exchange_from_scene(parse(text).scenes[0])


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    return text[: cut if cut > 0 else limit].rstrip()
