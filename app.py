"""Start Scriptroom's Gradio app.

    python app.py                      # embedded SmolLM2-135M on CPU, http://127.0.0.1:7860
    python app.py --model Qwen/Qwen2.5-7B-Instruct --load-in-4bit    # a cached 7B on a GPU
    python app.py --backend openai --base-url http://localhost:8000/v1 --model served-name
"""

from __future__ import annotations

import argparse
import sys

from agent.settings import add_settings_flags, settings_from_args


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scriptroom: a writers' room for screenwriters (Gradio app).")
    add_settings_flags(parser)
    args = parser.parse_args(argv)
    from tools.embeddings import offline_models

    offline_models()  # before gradio imports huggingface_hub, which reads the setting once
    from agent.accounts import AccountError, resolve_login
    from agent.models.errors import ModelUnavailableError
    from agent.runtime import Runtime
    from agent.settings import SettingsError

    try:
        settings = settings_from_args(args)
        login = resolve_login(settings)  # before the model loads: a login that cannot work stops here
        if login.on:
            print(f"Login: {login.mode}", flush=True)
        print(f"Loading {settings.backend} model {settings.model}…", flush=True)
        runtime = Runtime.create(settings)
    except (SettingsError, AccountError, ModelUnavailableError) as exc:
        print(f"scriptroom: error: {exc}", file=sys.stderr)
        return 2
    import threading

    from ui.app import launch

    # The first start indexes the starter scene library; do it while the page loads.
    threading.Thread(target=runtime.warm, kwargs={"report": lambda line: print(line, flush=True)},
                     name="warm-library", daemon=True).start()
    launch(runtime)
    return 0


if __name__ == "__main__":
    sys.exit(main())
