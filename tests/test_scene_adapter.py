"""Which model the scene generator writes with: the shipped adapter on the embedded model, unless the writer
chose an adapter for everything, turned it off, or uses another model or backend."""

from __future__ import annotations

import pytest

from agent.models.factory import scene_adapter, scene_settings
from agent.models.fake import ScriptedChatModel
from agent.settings import SHIPPED_ADAPTER, Settings


def test_auto_means_the_shipped_adapter_on_the_embedded_model_only(tmp_path):
    assert (SHIPPED_ADAPTER / "adapter_config.json").is_file()
    assert scene_adapter(Settings(home=tmp_path)) == str(SHIPPED_ADAPTER)
    assert scene_adapter(Settings(home=tmp_path, model="Qwen/Qwen2.5-7B-Instruct")) is None
    assert scene_adapter(Settings(home=tmp_path, backend="fake")) is None
    assert scene_adapter(Settings(home=tmp_path, backend="openai", base_url="http://x/v1")) is None


def test_a_writers_own_choice_wins(tmp_path):
    assert scene_adapter(Settings(home=tmp_path, adapter="/my/adapter")) is None  # one adapter for every tool
    assert scene_adapter(Settings(home=tmp_path, scene_adapter="none")) is None
    assert scene_adapter(Settings(home=tmp_path, scene_adapter="/my/scenes")) == "/my/scenes"
    assert Settings.from_env({"SCRIPTROOM_SCENE_ADAPTER": "none"}).scene_adapter == "none"


def test_scene_settings_attach_the_adapter_only_when_one_applies(tmp_path):
    assert scene_settings(Settings(home=tmp_path)).adapter == str(SHIPPED_ADAPTER)
    fake = Settings(home=tmp_path, backend="fake")
    assert scene_settings(fake) == fake
    mine = Settings(home=tmp_path, adapter="/my/adapter")
    assert scene_settings(mine) == mine


def test_a_fake_model_is_the_generators_model_too(tmp_path, embedder, router):
    from agent.runtime import Runtime

    fake = ScriptedChatModel()
    runtime = Runtime.create(Settings(home=tmp_path, backend="fake"), chat_model=fake, embedder=embedder, router=router)
    try:
        assert generator_model(runtime) is fake and "scene_model" not in runtime.extras
    finally:
        runtime.close()


def generator_model(runtime):
    """The model the generator tool of ``runtime`` writes with."""
    return runtime.agent.tools["generate_scenes"].metadata["stream"].__self__.chat_model


@pytest.mark.slow
def test_the_runtime_gives_the_generator_the_adapted_model(models_home, embedder, router, starter_library):
    from agent.models.factory import build_chat_model
    from agent.runtime import Runtime

    settings = Settings(home=models_home)
    runtime = Runtime.create(settings, embedder=embedder, router=router, library=starter_library)
    main = runtime.agent.chat_model
    scene = generator_model(runtime)
    assert main.engine.adapter is None and scene.engine.adapter == str(SHIPPED_ADAPTER)
    # Choosing an adapter for everything (Settings tab) hands the generator the main model again ...
    runtime.switch_adapter(str(SHIPPED_ADAPTER))
    assert generator_model(runtime) is runtime.agent.chat_model
    # ... and back to none, the scene engine loaded before is used again, not loaded twice.
    runtime.switch_adapter(None)
    assert generator_model(runtime) is scene
    off = Runtime.create(settings.with_(scene_adapter="none"), chat_model=build_chat_model(settings, engine=main.engine),
                         embedder=embedder, router=router, library=starter_library)
    assert generator_model(off) is off.agent.chat_model
