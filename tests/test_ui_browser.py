"""The writers' room in a real browser: Playwright drives Debian's headless Chromium against the app.

Upload a draft, ask for three openings, see them side by side, use one, export FDX. A screenshot is
saved to test-artifacts/ for a person to look at.
"""

import shutil
from pathlib import Path

import pytest

from agent.models.fake import ScriptedChatModel
from agent.runtime import Runtime
from agent.settings import Settings
from tests.appserver import free_port, serve

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FIXTURE = Path(__file__).parent / "fixtures" / "ui" / "night_shift.fountain"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture
def app_url(tmp_path, embedder, router, starter_library):
    settings = Settings(home=tmp_path / "home", backend="fake", port=free_port())
    runtime = Runtime.create(settings, chat_model=ScriptedChatModel.from_replies(["Maya keeps the diner open all night.\n\nMAYA\nWe're still open."]), embedder=embedder, router=router, library=starter_library)
    with serve(runtime) as url:
        yield url
    runtime.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)")
def test_three_openings_in_a_real_browser(app_url, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1500, "height": 1300}, accept_downloads=True)
        page.goto(app_url)
        page.get_by_text("Options you ask for appear here").wait_for(timeout=60_000)

        page.locator("input[type=file]").first.set_input_files(str(FIXTURE))
        page.wait_for_timeout(500)
        box = page.get_by_placeholder("Give me three openings for act two…")
        box.fill("give me three openings for act two")
        box.press("Enter")

        try:
            page.get_by_role("button", name="Use this").nth(2).wait_for(timeout=300_000)
        finally:
            page.screenshot(path=str(ARTIFACTS / "writers-room-after-request.png"), full_page=True)
        assert page.get_by_role("button", name="Use this").count() == 3
        page.get_by_text("Loaded **Night Shift**".replace("**", ""), exact=False).first.wait_for(timeout=10_000)
        page.screenshot(path=str(ARTIFACTS / "writers-room-options.png"), full_page=True)

        page.get_by_role("button", name="Use this").nth(1).click()
        page.get_by_text("Inserted option 2", exact=False).wait_for(timeout=60_000)

        page.get_by_role("tab", name="Draft").click()  # export sits above the draft preview
        page.get_by_role("button", name="Export draft").click()
        link = page.locator("a[download]").first
        link.wait_for(timeout=60_000)
        with page.expect_download() as info:
            link.click()
        saved = tmp_path / "draft.fdx"
        info.value.save_as(saved)
        assert saved.read_bytes().startswith(b"<?xml") and b"FinalDraft" in saved.read_bytes()
        page.screenshot(path=str(ARTIFACTS / "writers-room-export.png"), full_page=True)

        # Fine-tune (in Settings): this writer's stored pick shows in the counts; a served or scripted model is
        # refused plainly rather than trained.
        page.get_by_role("tab", name="Settings").click()
        # Picking option 2 of 3 stored two pairs (chosen over each of the others).
        page.get_by_text("2 pairs from picks among options", exact=False).wait_for(timeout=10_000)
        page.get_by_role("button", name="Start training").click()
        page.get_by_text("trains the local model", exact=False).wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "writers-room-finetune.png"), full_page=True)
        browser.close()
