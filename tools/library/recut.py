"""A stored scene's first embedded window, rebuilt from what the library keeps (for re-embedding a library).

Chunk 0's document is the whole scene as plain text, while its vector was made from a window: the header
and the scene's first body lines ("NAME: line" for dialogue, action as is). A writer's indexed draft has no
source file to re-read, so the window is rebuilt from the stored text. The tokenizer treats a line break as
a space, so only the words and where the window ends matter: the end comes from chunk 1's stored document
(which is its window, exactly), and the words from reading the plain text back into body lines.
"""

from __future__ import annotations

from typing import Any, Mapping

from screenplay.model import normalize_character
from tools.library.records import plain


def body_lines_from_text(text: str, meta: Mapping[str, Any]) -> list[str]:
    """A stored scene's embedded body lines, as tools.library.records._body_lines made them from the parsed
    scene: a line naming a speaker is a cue, what follows it dialogue ("NAME (parenthetical): line"),
    transitions ("CUT TO:") are dropped. A speech or an action of several lines comes back as several lines,
    which embeds the same words. Not exact for what the plain text cannot tell from action: a forced
    transition ("> FADE OUT.") or a section heading inside the scene stays in the window."""
    speakers = {name.strip() for name in str(meta.get("characters", "")).split(", ") if name.strip()}
    lines: list[str] = []
    speaker = ""
    paren = ""
    state = "action"  # or "cue" (dialogue comes next) or "spoken" (a parenthetical may bring more dialogue)
    for raw in text.split("\n")[1:]:  # the first line is the heading
        line = plain(raw)
        if not line:
            continue
        shouting = line.upper() == line and any(c.isalpha() for c in line)
        parenthetical = line.startswith("(") and line.endswith(")")
        if normalize_character(line) in speakers:  # "@McCLANE" is a cue too
            speaker, paren, state = normalize_character(line), "", "cue"
        elif shouting and line.endswith(":"):  # CUT TO:
            state = "action"
        elif state in ("cue", "spoken") and parenthetical:
            paren, state = line, "cue"
        elif state == "cue":
            who = f"{speaker} {paren}".strip()
            lines.append(f"{who}: {line}")
            paren, state = "", "spoken"
        elif state == "spoken":  # a speech's later lines: the parsed scene had them in the same line
            lines.append(line)
        else:
            speaker, state = "", "action"
            lines.append(line)
    return lines


def first_window(header: str, text: str, meta: Mapping[str, Any], next_window: str | None) -> str:
    """Chunk 0's embedded text: the header and the body words before ``next_window``'s (chunk 1's stored
    document; None when the scene had one window, which then held the whole body)."""
    words = " ".join(body_lines_from_text(text, meta)).split()
    if next_window is not None:
        rest = next_window[len(header):] if next_window.startswith(header) else next_window
        follow = rest.split()[:24]
        starts = [i for i in range(len(words) - len(follow) + 1) if words[i: i + len(follow)] == follow]
        if follow and starts:
            words = words[: starts[0]]
    return header + "\n" + " ".join(words)
