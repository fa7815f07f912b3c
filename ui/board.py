"""The Board tab: an index card per scene, grouped by act. Move cards and the draft follows; edit a card's one line;
add an empty card and have the room write its scene (the generator's options, as in the chat, inserted at the card).
"""

from __future__ import annotations

import html
from typing import Any, Iterator

import gradio as gr

from agent.errors import RoomError
from agent.session import Session
from screenplay.model import ElementType
from screenplay.outline import is_placeholder
from ui import drafts
from ui.editor import SCROLL_JS
from ui.render import MARKER_CSS

BOARD_CSS = """
.sr-card { border: 1px solid #d9cfa7; background: #fffbea; border-radius: 6px; padding: 6px 8px !important;
  max-width: 280px; }
.sr-card.sr-empty { border-style: dashed; background: #fafafa; }
.sr-card-head { font-family: 'Courier Prime', 'Courier New', monospace; font-weight: bold; font-size: 12px; }
.sr-card-meta { color: #777; font-size: 11px; }
"""
BOARD_CSS += MARKER_CSS
NO_BOARD = "*Cards appear here once the draft has scenes.*"


def card_notes(notes: list[str]) -> str:
    """A card's margin-note marker: the count, with the notes shown on hover or keyboard focus."""
    if not notes:
        return ""
    listed = "<br>".join(html.escape(n) for n in notes)
    return (f"<span class='sr-marker' style='float:none' tabindex='0'>note {len(notes)}</span>"
            f"<div class='sr-margin'>{listed}</div>")


class BoardHandlers:
    """Mixed into WritersRoom: expects ``self.room``, ``self.chat``, ``self.save`` and ``self.margin_notes``."""

    def board(self, session: Session | None) -> list[dict[str, Any]]:
        """The cards as plain dicts (screenplay.outline.Card.to_dict()), each with its open margin notes."""
        ws = drafts.workspace(self.room, session)
        if ws is None or session.project_id is None:
            return []
        try:
            cards = ws.outline(session.project_id)
        except RoomError:
            return []
        notes = self.margin_notes(session)
        return [{**c.to_dict(), "notes": notes.get(c.number, [])} for c in cards]

    def move_card(self, n: int, to: int, session: Session | None) -> list[dict[str, Any]]:
        ws = self._board_ws(session)
        drafts.room_call(lambda: ws.move_scene(session.project_id, n, to))
        self.room.sync(session)
        session.cursor_scene = to
        return self.board(session)

    def set_card(self, n: int, text: str, session: Session | None) -> list[dict[str, Any]]:
        ws = self._board_ws(session)
        drafts.room_call(lambda: ws.set_synopsis(session.project_id, n, text))
        self.room.sync(session)
        return self.board(session)

    def add_card(self, at: float | None, line: str, session: Session | None) -> list[dict[str, Any]]:
        ws = self._board_ws(session)
        cards = len(session.project.script.scenes) if session.project is not None else 0
        place = int(at) if at else cards + 1
        drafts.room_call(lambda: ws.add_card(session.project_id, place, line))
        self.room.sync(session)
        return self.board(session)

    def write_card(self, n: int, history: list[Any], session: Session | None) -> Iterator[tuple]:
        """Ask the room for options for card ``n`` from its one line, exactly as the chat would."""
        script = self.room.script(session)
        if script is None or not 1 <= n <= len(script.scenes):
            raise gr.Error("That card is not on the board any more; refresh the board.")
        scene = script.scenes[n - 1]
        line = next((el.text for el in scene.elements if el.type is ElementType.SYNOPSIS), "") or scene.heading.text
        session.cursor_scene = n
        yield from self.chat(f"write scene {n}: {line}", list(history or []), session)

    def fill_card(self, index: int, history: list[Any], session: Session | None) -> None:
        """After "Use this" on an option written for an empty card: the written scene takes the card's place (the
        card's line becomes the scene's synopsis), as one more revision."""
        options = self.room.options(session)
        if session is None or session.project is None or not 0 <= index < len(options):
            return
        scope, written = options[index].scope, options[index].scenes
        scenes = session.project.script.scenes
        at = getattr(scope, "scene", None)
        if at is None or not written or at + 1 >= len(scenes) or not is_placeholder(scenes[at]):
            return
        if scenes[at + 1].heading.text != written[0].heading.text:
            return  # the draft moved on since the option was written: leave the card for the writer
        card = scenes.pop(at)
        synopsis = [el for el in card.elements if el.type is ElementType.SYNOPSIS]
        if synopsis and not any(el.type is ElementType.SYNOPSIS for el in scenes[at].elements):
            scenes[at].elements.insert(0, synopsis[0])
        session.project.cause = "outline"
        self.save(session, self.chat_record(history or []))

    def _board_ws(self, session: Session | None):
        ws = drafts.workspace(self.room, session)
        if ws is None or session.project_id is None:
            raise gr.Error("Type or attach a draft first: the board shows its scenes.")
        return ws


def board_tab(room: Any, session: gr.State, chatbot: Any, options: Any, draft_view: Any,
              draft_outputs: list[Any], tabs: gr.Tabs) -> gr.JSON:
    """The Board tab's layout and events; returns the cards (a hidden JSON the board is drawn from)."""
    cards = gr.JSON([], visible=False)
    with gr.Row():
        at = gr.Number(0, label="Becomes scene (0: the last)", precision=0, minimum=0, scale=1)
        line = gr.Textbox(label="New card: one line", placeholder="Maya finds the keys in the snow", scale=3)
        add = gr.Button("Add card", size="sm", scale=1)

    def after(event: Any) -> None:
        event.success(room.draft_panel, [session], draft_outputs, api_name=False)

    after(add.click(room.add_card, [at, line, session], cards, api_name="add_card"))

    @gr.render(inputs=cards)
    def draw(current: list[dict[str, Any]]) -> None:
        if not current:
            gr.Markdown(NO_BOARD)
            return
        acts: dict[str, list[dict[str, Any]]] = {}
        for card in current:
            acts.setdefault(card["act_label"], []).append(card)
        for label, group in acts.items():
            gr.Markdown(f"### {label}")
            with gr.Row(equal_height=False):
                for card in group:
                    n = card["number"]
                    classes = ["sr-card"] + (["sr-empty"] if card["placeholder"] else [])
                    with gr.Column(min_width=190, elem_classes=classes, elem_id=f"sr-card-{n}"):
                        who = ", ".join(card["characters"]) or "no one speaks"
                        gr.HTML(f"<div class='sr-card-head'>{html.escape(card['label'])}. "
                                f"{html.escape(card['heading'])}</div>"
                                f"<div class='sr-card-meta'>{html.escape(who)} · {card['eighths']}/8 pp</div>"
                                + card_notes(card.get("notes", [])))
                        text = gr.Textbox(value=card["synopsis"], show_label=False, lines=2, max_lines=3,
                                          placeholder="One line: what happens", elem_classes="sr-card-line")
                        after(text.submit(lambda t, s, n=n: room.set_card(n, t, s), [text, session], cards,
                                          api_name=False))
                        with gr.Row():
                            up = gr.Button("◀", size="sm", min_width=30, interactive=n > 1)
                            down = gr.Button("▶", size="sm", min_width=30, interactive=n < len(current))
                            jump = gr.Button("Open", size="sm", min_width=30)
                        after(up.click(lambda s, n=n: room.move_card(n, n - 1, s), [session], cards, api_name=False))
                        after(down.click(lambda s, n=n: room.move_card(n, n + 1, s), [session], cards,
                                         api_name=False))
                        jump.click(lambda s, n=n: (*room.choose_scene(str(n), s), gr.Tabs(selected="draft")),
                                   [session], [draft_outputs[1], draft_outputs[2], tabs], api_name=False
                                   ).then(None, js=SCROLL_JS)
                        if card["placeholder"]:
                            write = gr.Button("Write this scene", variant="primary", size="sm")
                            write.click(lambda h, s, n=n: (yield from room.write_card(n, h, s)), [chatbot, session],
                                        [chatbot, session, options, draft_view], api_name=False)

    # API twins of the card buttons, for clients and tests: move card n to place m.
    move_from = gr.Number(visible=False, precision=0)
    move_to = gr.Number(visible=False, precision=0)
    after(gr.Button(visible=False).click(lambda a, b, s: room.move_card(int(a), int(b), s),
                                         [move_from, move_to, session], cards, api_name="move_card"))
    return cards
