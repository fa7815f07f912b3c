"""End to end through the launched app with gradio_client: upload, three openings, pick, export.

Runs on the scripted model (the flow, not the prose, is under test) with every real tool behind it.
"""

from pathlib import Path

import pytest

from agent.models.fake import ScriptedChatModel
from agent.runtime import Runtime
from agent.settings import Settings
from tests.appserver import free_port, serve

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixtures" / "ui" / "night_shift.fountain"


@pytest.fixture
def app_url(tmp_path, embedder, router, starter_library):
    settings = Settings(home=tmp_path / "home", backend="fake", port=free_port())
    reply = "Maya keeps the diner open all night.\n\nMAYA\nWe're still open."
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies([reply]), embedder=embedder, router=router, library=starter_library)
    with serve(runtime) as url:
        yield url, runtime
    runtime.close()


def draft_path(realscripts_dir: Path) -> Path:
    real = realscripts_dir / "Brick-and-Steel.fountain"
    return real if real.exists() else FIXTURE


def test_upload_three_openings_pick_and_export(app_url):
    from gradio_client import Client, handle_file

    from tests.conftest import REALSCRIPTS

    url, runtime = app_url
    client = Client(url, verbose=False)
    draft = draft_path(REALSCRIPTS)
    history, options, preview = client.predict({"text": "", "files": [handle_file(str(draft))]}, [], api_name="/send")
    assert "Loaded" in str(history[-1]["content"])

    history, options, preview = client.predict(
        {"text": "give me three openings for act two", "files": []}, history, api_name="/send"
    )
    assert len(options) == 3, history[-1]
    from screenplay.formats import fountain

    for text in options:
        scene = fountain.parse(text).scenes[0]
        assert scene.heading.text and scene.characters
    tool_steps = [m for m in history if (m.get("metadata") or {}).get("title")]
    assert tool_steps and "generate_scenes" in tool_steps[0]["metadata"]["title"]
    # The chat names each option in a line; the options row (above) has them in full.
    content = history[-1]["content"]
    answer = "".join(p.get("text", "") for p in content) if isinstance(content, list) else str(content)
    assert "```" not in answer and not any(text.strip() in answer for text in options)
    for i, text in enumerate(options, 1):
        assert f"Option {i}: {fountain.parse(text).scenes[0].heading.text} — " in answer, answer

    chosen = fountain.parse(options[1]).scenes[0].heading.text
    history, options, preview = client.predict(2, history, api_name="/pick")
    assert "Inserted option 2" in str(history[-1]["content"])
    assert chosen.split(" - ")[0] in preview  # the draft panel shows the inserted scene

    fdx = Path(client.predict("fdx", api_name="/export"))
    pdf = Path(client.predict("pdf", api_name="/export"))
    assert fdx.read_bytes().startswith(b"<?xml") and b"<FinalDraft" in fdx.read_bytes()
    assert pdf.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    assert len(PdfReader(str(pdf)).pages) >= 1
    assert chosen.encode() in fdx.read_bytes()  # the picked scene went into the exported draft

    # The Analysis tab's summary runs on the same session's draft (its progress bar shows while it works).
    job = client.submit("scenes", api_name="/summarize")
    summary = job.result()
    assert summary and not summary.startswith("⚠️") and "Attach a draft" not in summary
    assert any(h.text.split(" - ")[0].split(". ", 1)[-1] in summary.upper() for h in (
        s.heading for s in fountain.parse(Path(draft).read_text(encoding="utf-8")).scenes[:3]))
