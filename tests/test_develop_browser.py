"""Developing a story in a real browser: Playwright drives Debian's headless Chromium against the launched app.

From a logline to scene cards and one drafted scene, then a character renamed and the stale marks seen.
A screenshot is saved to test-artifacts/ for a person to look at.
"""

import shutil
from pathlib import Path

import pytest

from agent.runtime import Runtime
from agent.settings import Settings
from tests.appserver import free_port, serve
from tests.develop_fake import StoryFake

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LOGLINE = "A disgraced monk plans a heist on his own monastery to save it from closure."


@pytest.fixture
def app_url(tmp_path, embedder, router, starter_library):
    settings = Settings(home=tmp_path / "home", backend="fake", port=free_port())
    runtime = Runtime.create(settings, chat_model=StoryFake(), embedder=embedder, router=router, library=starter_library)
    with serve(runtime) as url:
        yield url
    runtime.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)")
def test_develop_to_cards_and_a_scene_then_rename_and_see_stale_marks(app_url):
    playwright = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        page.goto(app_url)
        page.get_by_text("Options you ask for appear here").wait_for(timeout=60_000)
        box = page.get_by_placeholder("Give me three openings for act two…")

        def say(message: str, then: str) -> None:
            box.fill(message)
            box.press("Enter")
            page.get_by_text(then, exact=False).last.wait_for(timeout=180_000)

        try:
            say(f"/develop {LOGLINE}", "Vespers and Gold")
            say("next", "(protagonist)")
            say("next", "Structure: three-act")
            say("next", "k8 · INT.")  # the scene cards, one per beat
            say("next", "Line 0 about")  # the first drafted scenes, as Fountain
            # The scaffold's cast for this logline is HUGO, ESTHER, RAFAEL, WREN (picked by the program).
            say("rename Esther to Anselm", "Renamed ESTHER to ANSELM everywhere")
            page.get_by_text("is stale: ESTHER is now ANSELM", exact=False).first.wait_for(timeout=30_000)
            assert page.get_by_text("regenerate stale", exact=False).count() >= 1
        finally:
            page.screenshot(path=str(ARTIFACTS / "develop-stale-marks.png"), full_page=True)
        say("regenerate stale", "Rewrote what was stale")
        browser.close()
