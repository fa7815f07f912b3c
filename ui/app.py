"""The Gradio writers' room: chat with tool steps, side-by-side options, and the project panels."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import gradio as gr

from agent.errors import RoomError
from agent.room import Room
from agent.runtime import Runtime
from ui import jobs
from ui.board import BOARD_CSS, board_tab
from ui.editor import EDITOR_CSS, editor_tab, wire_editor
from ui.handlers import DRAFT_TYPES, EMPTY_DRAFT, WritersRoom
from ui.options import option_html
from ui.projects import projects_tab, wire_projects
from ui.revisions import DIFF_CSS, history_tab, wire_history

TITLE = "Scriptroom"
INTRO = (
    "A writers' room for screenwriters. Attach your draft, then ask for scenes, notes, summaries, "
    "rewrites in another voice, or scenes like yours. Type **/help** for everything it can do."
)
GENRES = [
    "any", "noir", "screwball-comedy", "horror", "thriller", "family-drama", "romance", "sci-fi",
    "western", "heist", "war", "satire", "childrens-adventure", "melodrama", "fantasy",
]
# The chat box takes the focus (page open, end of a turn) only when nothing else has it: a writer typing in the
# editor while a request runs keeps typing there.
FOCUS_BOX_JS = """
() => { setTimeout(() => {
  const a = document.activeElement;
  if (a && a !== document.body) return;
  const t = document.querySelector('#sr-chat-box textarea');
  if (t && !t.disabled) t.focus();
}, 50); }
"""
CSS = ".sr-option { border: 1px solid #e3e3e3; border-radius: 8px; padding: 6px; }\n" + EDITOR_CSS + DIFF_CSS + BOARD_CSS


def build_app(runtime: Runtime, room: WritersRoom | None = None) -> gr.Blocks:
    room = room or WritersRoom.create(runtime)
    facade = room.room
    with gr.Blocks(title=TITLE) as demo:
        writer = gr.BrowserState("", storage_key="scriptroom-writer", secret=browser_secret(runtime.settings.home))
        session = gr.State(None)  # one Session per browser tab
        # The Fountain options on show; a hidden JSON rather than State so API clients receive them.
        options = gr.JSON([], visible=False)

        with gr.Row():
            gr.Markdown(f"# {TITLE}\n{INTRO}\n\n<sub>Model: {facade.model_line}</sub>")
            if facade.login.mode == "hf":
                gr.LoginButton(scale=0)  # Hugging Face sign-in on a Space (README: hf_oauth)
        who = gr.Markdown(visible=facade.login.on)
        with gr.Row(equal_height=False):
            with gr.Column(scale=2):
                chatbot = gr.Chatbot(
                    label="Writers' room",
                    height=560,
                    feedback_options=("Like", "Dislike"),
                    placeholder="Try: *give me three openings for act two* — or attach a draft first.",
                )
                box = gr.MultimodalTextbox(
                    placeholder="Give me three openings for act two…",
                    file_types=DRAFT_TYPES,
                    file_count="multiple",
                    show_label=False,
                    # Not autofocus: Gradio's box then takes the focus whenever its value changes, and clearing it
                    # at the end of a turn took it from the editor mid-word. FOCUS_BOX_JS focuses it instead.
                    submit_btn=True,
                    elem_id="sr-chat-box",
                )
            with gr.Column(scale=3):
                with gr.Tabs() as tabs:
                    with gr.Tab("Draft", id="draft"):
                        editor, editor_status, draft_view, scene_pick, margin = editor_tab(room)
                        # Export lives here, not in a tab: six tabs overflow into a menu on narrow panels.
                        with gr.Row():
                            fmt = gr.Radio(["fountain", "fdx", "pdf"], value="fdx", label="Export as", scale=2)
                            export_btn = gr.Button("Export draft", variant="primary", scale=1)
                        download = gr.File(label="Download", interactive=False, visible=False)
                    with gr.Tab("Board") as board_tab_:
                        board_slot = gr.Column()
                    with gr.Tab("History") as history_tab_:
                        history = history_tab()
                    with gr.Tab("Projects") as projects_tab_:
                        projects = projects_tab()
                    with gr.Tab("Story bible"):
                        logline = gr.Textbox(label="Logline", lines=2)
                        tone = gr.Textbox(label="Tone")
                        characters = gr.Textbox(label="Characters (NAME: one line each)", lines=6)
                        locations = gr.Textbox(label="Locations (comma separated)", lines=2)
                        bible_save = gr.Button("Save bible")
                        bible_status = gr.Markdown()
                    with gr.Tab("Analysis"):
                        analyze = gr.Button("Critique my draft", variant="primary")
                        plots = gr.Gallery(label="Plots", columns=2, height=360)
                        notes = gr.Markdown()
                        with gr.Row():
                            level = gr.Dropdown(
                                [("Logline", "logline"), ("Synopsis", "synopsis"), ("One page", "page"),
                                 ("Beat sheet", "beats"), ("Scene by scene", "scenes")],
                                value="synopsis", label="Summary", scale=2,
                            )
                            summarize_btn = gr.Button("Summarize my draft", scale=1)
                        summary = gr.Markdown()
                    with gr.Tab("Library"):
                        query = gr.Textbox(label="Find scenes like…", placeholder="a tense standoff at night")
                        with gr.Row():
                            genre = gr.Dropdown(GENRES, value="any", label="Genre")
                            int_ext = gr.Dropdown(["any", "INT", "EXT", "INT/EXT"], value="any", label="INT/EXT")
                            k = gr.Slider(1, 10, value=5, step=1, label="How many")
                        search = gr.Button("Search")
                        results = gr.Markdown()
                        add_draft = gr.Button("Add my draft to the library", size="sm")
                    with gr.Tab("Settings") as settings_tab:
                        gr.Markdown(f"**Model** {facade.model_line}")
                        temperature = gr.Slider(0, 1.5, value=facade.temperature, step=0.05, label="Temperature")
                        n_options = gr.Slider(1, 10, value=3, step=1, label="Options per request")
                        adapter = gr.Dropdown(
                            choices=facade.adapter_choices(), value=facade.adapter or "none",
                            label="LoRA adapter (applies to everyone on this server"
                                  + ("; administrators only)" if facade.login.on else ")"),
                        )
                        adapter_status = gr.Markdown()
                        gr.Markdown("Style presets: " + ", ".join(facade.style_presets()))
                        # In Settings, not a tab of its own: more tabs overflow into a menu on narrow panels.
                        gr.Markdown(
                            "### Fine-tune\nTrain a LoRA adapter for the local model, then choose it above. "
                            "On a laptop CPU a step takes 5–10 s; a GPU Space is far faster."
                        )
                        train_kind = gr.Radio(
                            [("My draft + the starter scenes (LoRA)", "sft"),
                             ("The same on a 4-bit base (QLoRA)", "qlora"),
                             ("My picks and likes (DPO)", "dpo")],
                            value="sft", label="Learn from",
                        )
                        prefs = gr.Markdown()
                        with gr.Row():
                            train_steps = gr.Slider(1, 200, value=20, step=1, label="Steps")
                            train_name = gr.Textbox(label="Adapter name", placeholder="my-voice-v1")
                        train_btn = gr.Button("Start training", variant="primary")
                        train_status = gr.Markdown()
                        gr.Markdown("### Your data\nEvery project (Fountain and Final Draft), its bible and chat, "
                                    "and your likes and picks, as one zip (`scriptroom import-data` restores it).")
                        data_btn = gr.Button("Download my data")
                        data_file = gr.File(label="Your data", interactive=False, visible=False)
                        with gr.Row():
                            delete_sure = gr.Checkbox(label="Yes, delete everything I stored here", scale=2)
                            delete_btn = gr.Button("Delete my data", variant="stop", scale=1)
                        delete_status = gr.Markdown()

        # Options span the page under the chat and the draft, so three sit side by side on a laptop screen
        # (in the chat's column they stacked one above another below 1500 px).
        gr.Markdown("### Options")

        @gr.render(inputs=options)
        def render_options(current: list[str]) -> None:
            if not current:
                gr.Markdown("*Options you ask for appear here side by side.*")
                return
            with gr.Row():
                for i, text in enumerate(current):
                    with gr.Column(min_width=260, elem_classes="sr-option"):
                        gr.Markdown(f"**Option {i + 1}**")
                        gr.HTML(option_html(text))
                        use = gr.Button("Use this", variant="primary", size="sm")
                        more = gr.Button("More like this", size="sm")
                        drop = gr.Button("Discard", size="sm")
                        use.click(
                            lambda h, s, i=i: room.pick(i, h, s),
                            [chatbot, session],
                            [chatbot, session, options, draft_view],
                        ).then(lambda h, s, i=i: room.fill_card(i, h, s), [chatbot, session], None,
                               api_name=False
                        ).then(room.draft_panel, [session], draft_outputs, api_name=False)
                        more.click(
                            lambda h, s, i=i: (yield from room.more_like(i, h, s)),
                            [chatbot, session],
                            [chatbot, session, options, draft_view],
                        ).then(room.draft_panel, [session], draft_outputs, api_name=False)
                        drop.click(lambda s, i=i: room.discard(i, s), [session], [session, options])

        panel_outputs = [chatbot, session, options, draft_view]
        draft_outputs = wire_editor(demo, room, editor, editor_status, draft_view, scene_pick, margin,
                                    session)
        wire_history(room, history, session, draft_outputs, history_tab_)
        wire_projects(room, projects, session, chatbot, options, draft_outputs, projects_tab_)
        with board_slot:
            cards = board_tab(room, session, chatbot, options, draft_view, draft_outputs, tabs)
        board_tab_.select(room.board, [session], cards, api_name="board")

        def refresh_panels(s):
            return room.bible_fields(s)

        # ---- events -----------------------------------------------------------------------
        demo.load(room.start, [writer], [writer, session, chatbot], api_name="start").then(
            lambda s: _who(facade, s), [session], who, api_name=False
        ).then(
            room.options, [session], options, api_name=False
        ).then(room.draft_panel, [session], draft_outputs, api_name=False
        ).then(refresh_panels, [session], [logline, tone, characters, locations], api_name=False).then(
            lambda s: jobs.preference_counts(facade, s), [session], prefs, api_name=False
        )

        demo.load(None, js=FOCUS_BOX_JS)
        # Files first, then the editor, then the message: a draft attached with a request shows in the editor
        # while the request runs, and the writer may start typing there.
        send = box.submit(lambda: gr.update(interactive=False), None, box, api_name=False).then(
            room.send_files, [box, chatbot, session], panel_outputs, api_name=False
        ).then(room.draft_panel, [session], draft_outputs, api_name=False, show_progress="hidden").then(
            room.send_text, [box, chatbot, session], panel_outputs, api_name=False
        )
        done = send.then(lambda: gr.update(value=None, interactive=True), None, box, api_name=False)
        done.then(None, js=FOCUS_BOX_JS)
        # Quietly: a "processing" veil over the editor at every turn's end would cover what the writer types.
        done.then(refresh_panels, [session], [logline, tone, characters, locations], api_name=False
                  ).then(room.draft_panel, [session], draft_outputs, api_name=False, show_progress="hidden")
        # The same in one call for API clients (`/send`): files and message together.
        gr.Button(visible=False).click(room.send, [box, chatbot, session], panel_outputs, api_name="send").then(
            room.draft_panel, [session], draft_outputs, api_name=False)

        # API-only twins of the option buttons, so clients and tests can pick by number.
        pick_index = gr.Number(visible=False, precision=0)
        gr.Button(visible=False).click(
            lambda i, h, s: room.pick(int(i) - 1, h, s), [pick_index, chatbot, session], panel_outputs, api_name="pick"
        ).then(lambda i, h, s: room.fill_card(int(i) - 1, h, s), [pick_index, chatbot, session], None, api_name=False
        ).then(room.draft_panel, [session], draft_outputs, api_name=False)
        chatbot.like(room.like, [session, chatbot], None)
        chatbot.undo(room.undo_turn, [chatbot, session], panel_outputs).then(
            room.draft_panel, [session], draft_outputs, api_name=False)
        chatbot.retry(_retry(room), [chatbot, session], panel_outputs).then(
            room.draft_panel, [session], draft_outputs, api_name=False)
        bible_save.click(room.save_bible, [logline, tone, characters, locations, session, chatbot], bible_status)
        search.click(room.search_library, [query, genre, int_ext, k], results, api_name="search_library")
        add_draft.click(_with_progress(jobs.add_to_library, facade), [session], results, api_name="add_to_library")
        export_btn.click(room.export, [fmt, session], download, api_name="export").success(
            lambda: gr.update(visible=True), None, download, api_name=False
        )
        analyze.click(_with_progress(jobs.critique, facade), [session], [plots, notes], api_name="analyze").then(
            room.draft_panel, [session], draft_outputs, api_name=False)
        summarize_btn.click(_with_progress(jobs.summarize, facade), [session, level], summary, api_name="summarize")
        # The counts change with every like and pick: refresh them whenever the writer opens Settings.
        settings_tab.select(lambda s: jobs.preference_counts(facade, s), [session], prefs, api_name=False)
        # One training run at a time on this server; the chat stays usable meanwhile.
        train_btn.click(
            _with_progress(jobs.train, facade), [session, train_kind, train_steps, train_name], train_status,
            api_name="train", concurrency_limit=1, concurrency_id="finetune",
        ).then(lambda: gr.update(choices=facade.adapter_choices()), None, adapter, api_name=False)
        temperature.change(_set("temperature"), [temperature, session], session)
        n_options.change(_set("options_count", int), [n_options, session], session)
        adapter.change(_switch_adapter(facade), [adapter, session], adapter_status, api_name="switch_adapter",
                       concurrency_limit=1)
        data_btn.click(_export_data(facade), [session], data_file, api_name="export_data").success(
            lambda: gr.update(visible=True), None, data_file, api_name=False
        )
        delete_btn.click(_delete_data(facade), [delete_sure, chatbot, session],
                         [delete_status, delete_sure, *panel_outputs], api_name="delete_data")
    return demo


def browser_secret(home: Path) -> str:
    """The key the browser's writer id is encrypted with, kept in the data directory: Gradio's default is new at
    every start, so after a restart every browser would come back as a stranger with none of its projects."""
    path = Path(home) / "browser-secret"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(32)
        tmp = path.with_name(f".browser-secret.{os.getpid()}")
        tmp.write_text(secret)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # atomic, and the first of two starting servers wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        return path.read_text().strip()


def _retry(room: WritersRoom):
    def retry(history: list[Any], session: Any, data: gr.RetryData):
        history, session, _, _ = room.undo_turn(history, session)
        yield from room.chat(str(data.value), list(history), session)

    return retry


def _with_progress(job: Any, facade: Room):
    """``job(facade, *inputs, progress)`` as a Gradio handler whose progress bar shows on its outputs."""

    def handler(*inputs: Any, progress=gr.Progress()):
        return job(facade, *inputs, progress)

    return handler


def _set(field: str, cast=float):
    def setter(value: Any, session: Any):
        if session is not None:
            setattr(session, field, cast(value))
        return session

    return setter


def _who(facade: Room, session: Any) -> str:
    writer = session.writer if session is not None else ""
    if not writer:
        return "Not signed in: you can chat, but nothing is kept. Sign in to keep your projects."
    role = " (admin)" if facade.is_admin(session) else ""
    logout = " · [Log out](/logout)" if facade.login.mode == "password" else ""
    return f"Signed in as **{writer}**{role}{logout}"


def _switch_adapter(facade: Room):
    def switch(choice: str, session: Any) -> str:
        try:
            return facade.switch_adapter(session, None if choice == "none" else choice)
        except RoomError as exc:
            return f"⚠️ {exc}"

    return switch


def _export_data(facade: Room):
    def export(session: Any) -> str:
        try:
            return str(facade.export_data(session))
        except RoomError as exc:
            raise gr.Error(str(exc)) from None

    return export


def _delete_data(facade: Room):
    def delete(sure: bool, history: list[Any], session: Any) -> tuple:
        if not sure:
            return "Tick the box first: deleting cannot be undone.", False, history, session, [], gr.update()
        try:
            said = facade.delete_data(session)
        except RoomError as exc:
            return f"⚠️ {exc}", False, history, session, [], gr.update()
        return said, False, [], session, [], EMPTY_DRAFT

    return delete


def auth_options(facade: Room) -> dict[str, Any]:
    """``launch()`` arguments for the login: Gradio's own form against the accounts file, when login is password."""
    if facade.login.mode != "password":
        return {}
    # The file is read at every login, so `scriptroom users add` works without a restart.
    return {"auth": facade.login.accounts.verify,
            "auth_message": "Scriptroom: sign in with the name and password your administrator set up."}


def launch(runtime: Runtime, **kwargs: Any) -> None:
    room = WritersRoom.create(runtime)
    demo = build_app(runtime, room)
    # A queue with a concurrency limit and a bounded size: a crowd waits or is told to retry.
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.launch(
        server_name=runtime.settings.host,
        server_port=runtime.settings.port,
        max_file_size=runtime.settings.max_upload_bytes,
        css=CSS,
        **auth_options(room.room),
        **kwargs,
    )
