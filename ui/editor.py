"""The Draft tab's editor: the writer's Fountain in a code editor beside the formatted page, kept in step.

Gradio's ``gr.Code`` (CodeMirror 6) has no Fountain mode and does not report its cursor, so a small script in the page
waits for a pause in typing (or a click), reads the cursor's line from the line-number gutter, and clicks a hidden
button whose handler saves the text and redraws the page. The handler never sends the editor's text back: a reply
that arrived while the writer kept typing would overwrite what they typed since.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import gradio as gr

from screenplay import Script
from screenplay.formats import fountain
from screenplay.formats.fountain import line_kind

EDITOR_ID = "sr-editor"
SAVE_ID = "sr-editor-save"
PAUSE_MS = 700  # a pause this long in typing saves and redraws; shorter ones are still typing

# Installed once per page (demo.load): after a pause in typing, or a click, in the editor, click the hidden save button.
INSTALL_JS = f"""
() => {{
  if (window.__srEditor) return;
  window.__srEditor = true;
  let timer = null;
  const save = () => {{ const b = document.querySelector('#{SAVE_ID}'); if (b) b.click(); }};
  const later = (e) => {{
    if (!e.target || !e.target.closest || !e.target.closest('#{EDITOR_ID}')) return;
    clearTimeout(timer);
    timer = setTimeout(save, {PAUSE_MS});
  }};
  for (const kind of ['keyup', 'mouseup', 'paste', 'cut']) document.addEventListener(kind, later, true);
}}
"""

# Runs before the save handler: swaps the cursor input's value for the line the caret is on (0: not in the editor).
# CodeMirror draws only the lines in view, so the line's number comes from the gutter cell level with it.
CURSOR_JS = f"""
(...args) => {{
  const editor = document.querySelector('#{EDITOR_ID}');
  const sel = window.getSelection();
  const node = sel && sel.focusNode;
  const el = node && (node.nodeType === 1 ? node : node.parentElement);
  const line = el && el.closest ? el.closest('#{EDITOR_ID} .cm-line') : null;
  let n = 0;
  if (line && editor) {{
    const top = line.getBoundingClientRect().top;
    for (const cell of editor.querySelectorAll('.cm-lineNumbers .cm-gutterElement')) {{
      if (Math.abs(cell.getBoundingClientRect().top - top) < 3) {{ n = parseInt(cell.textContent) || 0; break; }}
    }}
  }}
  return [args[0], n, ...args.slice(2)];
}}
"""


@dataclass
class Draft:
    """The editor's text as the preview sees it: what parsed, where the scenes start, what did not parse."""

    text: str
    script: Script
    heading_lines: list[int]  # 1-based editor line of each scene's heading, in scene order
    problems: list[str] = field(default_factory=list)  # one line each, for the writer

    def scene_at(self, line: int) -> int:
        """The 1-based scene the editor's ``line`` is in; 0 before the first heading or when unknown."""
        current = 0
        for number, start in enumerate(self.heading_lines, 1):
            if start > line:
                break
            current = number
        return current if line > 0 else 0


def read(text: str) -> Draft:
    """Parse what the writer typed. Never raises: a part that does not parse is kept and reported instead."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    problems = _unclosed(text)
    try:
        script = fountain.parse(text)
    except Exception as exc:  # noqa: BLE001 - the parser's bug must not stop the writer typing
        script = Script(source_format="fountain")
        problems.append(f"The page could not be formatted ({type(exc).__name__}); your text is kept as typed.")
    return Draft(text=text, script=script, heading_lines=heading_lines(text), problems=problems)


def heading_lines(text: str) -> list[int]:
    """1-based line numbers of the lines Fountain reads as scene headings: a heading line standing alone, with a blank
    line (or the start) before it."""
    lines = text.split("\n")
    found: list[int] = []
    in_boneyard = False
    for i, raw in enumerate(lines):
        s = raw.strip()
        if "/*" in s and "*/" not in s:
            in_boneyard = True
        if in_boneyard:
            in_boneyard = "*/" not in s
            continue
        if not s or (i > 0 and lines[i - 1].strip()):
            continue
        has_next = i + 1 < len(lines) and bool(lines[i + 1].strip())
        if line_kind(s, has_next) == "heading":
            found.append(i + 1)
    return found


def _unclosed(text: str) -> list[str]:
    """Fountain markup opened and never closed hides the rest of the page: say where, so the writer can close it."""
    out = []
    for opener, closer, what in (("/*", "*/", "a boneyard /* … */"), ("[[", "]]", "a note [[ … ]]")):
        at = text.rfind(opener)
        if at >= 0 and text.find(closer, at) < 0:
            line = text.count("\n", 0, at) + 1
            out.append(f"Line {line} opens {what} that is never closed: the page hides what follows until it is.")
    return out


def problems_html(problems: list[str]) -> str:
    if not problems:
        return ""
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    return f"<div class='sr-problems' role='alert'><b>Not formatted:</b><ul>{items}</ul></div>"


def status_line(draft: Draft, pages: int, scene: int) -> str:
    """The line under the editor: pages, scenes, and which scene the cursor is in."""
    n = len(draft.script.scenes)
    where = "not in a scene yet"
    if 0 < scene <= n:
        where = f"in scene {scene}: {draft.script.scenes[scene - 1].heading.text}"
    return (f"**{pages}** page{'' if pages == 1 else 's'} · **{n}** scene{'' if n == 1 else 's'} · "
            f"cursor {where}")


EDITOR_CSS = """
#sr-preview { overflow-y: auto; }
#sr-editor .cm-content, #sr-editor .cm-gutters { font-family: 'Courier Prime', 'Courier New', Courier, monospace; }
"""
# After the page is redrawn: bring the cursor's scene into view.
SCROLL_JS = """
() => { const s = document.querySelector('#sr-preview .sr-current'); if (s) s.scrollIntoView({block: 'nearest'}); }
"""


def editor_tab(room: Any) -> tuple[gr.Code, gr.Markdown, gr.HTML, gr.Dropdown, dict[str, Any]]:
    """The Draft tab's editor beside its page; returns (editor, status line, page, scene picker, notes panel)."""
    from ui.notes import notes_panel

    with gr.Row(equal_height=False):
        with gr.Column(min_width=320):
            editor = gr.Code(value="", language=None, lines=30, max_lines=30, interactive=True, wrap_lines=True,
                             buttons=["copy"],  # Export (below) is the download
                             label="Fountain: type here; every pause is saved", elem_id=EDITOR_ID)
            status = gr.Markdown(elem_id="sr-status")
        with gr.Column(min_width=320):
            scene_pick = gr.Dropdown(label="Scene the chat works on (or put the cursor in it)", choices=[],
                                     interactive=True)
            page = gr.HTML(room.draft_html(None), elem_id="sr-preview", max_height=640)
            notes = notes_panel()
    return editor, status, page, scene_pick, notes


def wire_editor(demo: gr.Blocks, room: Any, editor: gr.Code, status: gr.Markdown, page: gr.HTML,
                scene_pick: gr.Dropdown, notes: dict[str, Any], session: gr.State) -> list[Any]:
    """The editor's events; returns the outputs that ``room.draft_panel(session)`` fills after anything else
    changed the draft (the chat, an option, undo, a revision)."""
    line = gr.Number(visible=False, precision=0)
    save = gr.Button(visible="hidden", elem_id=SAVE_ID)
    save.click(room.typed, [editor, line, session], [page, status, session], js=CURSOR_JS,
               trigger_mode="always_last", show_progress="hidden", api_name="type").then(None, js=SCROLL_JS)
    scene_pick.input(room.choose_scene, [scene_pick, session], [page, status], show_progress="hidden",
                     api_name="choose_scene").then(None, js=SCROLL_JS)
    demo.load(None, js=INSTALL_JS)
    from ui.notes import wire_notes

    wire_notes(room, notes, session, page, status, SCROLL_JS)
    return [editor, page, status, scene_pick, notes["list"]]
