"""A stored scene's first embedded window, rebuilt from what the library keeps (for re-embedding a library).

Chunk 0's document is the whole scene as plain text, while its vector was made from a window: the header
and the scene's first body lines ("NAME: line" for dialogue, action as is). A writer's indexed draft has no
source file to re-read, so the window is rebuilt from the stored text. The tokenizer treats a line break as
a space, so only the words and where the window ends matter: the end comes from chunk 1's stored document
(which is its window, exactly), and the words from reading the plain text back into body lines
(records.body_lines_from_text: a section heading or a forced transition inside a scene cannot be told from
action there, and stays in the window).
"""

from __future__ import annotations

from typing import Any, Mapping

from tools.library.records import body_lines_from_text


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
