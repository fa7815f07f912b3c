"""The Gradio app: a streaming chat over the agent, one Session per browser tab."""

from __future__ import annotations

from functools import partial

import gradio as gr

from agent.runtime import Runtime
from ui.chat import respond

TITLE = "Scriptroom"
INTRO = (
    "A writers' room for screenwriters. Ask for scenes, notes, summaries, rewrites in another voice, "
    "or scenes like yours."
)


def build_app(runtime: Runtime) -> gr.Blocks:
    with gr.Blocks(title=TITLE) as demo:
        gr.Markdown(f"# {TITLE}\n{INTRO}\n\n*Model: {runtime.agent.info.name} ({runtime.agent.info.backend})*")
        session = gr.State(None)  # a Session per browser tab, created on its first message
        chatbot = gr.Chatbot(label="Writers' room", height=520)
        box = gr.Textbox(placeholder="Give me three openings for act two…", show_label=False, autofocus=True)
        box.submit(
            partial(respond, runtime),
            inputs=[box, chatbot, session],
            outputs=[chatbot, session],
            api_name="chat",
        ).then(lambda: "", outputs=box, api_name=False)
    return demo


def launch(runtime: Runtime, **kwargs) -> None:
    demo = build_app(runtime)
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.launch(
        server_name=runtime.settings.host,
        server_port=runtime.settings.port,
        max_file_size=runtime.settings.max_upload_bytes,
        **kwargs,
    )
