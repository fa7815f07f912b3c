"""Which model the scene generator writes with: the shipped adapter on the embedded model, unless the writer
chose an adapter for everything, turned it off, or uses another model or backend."""

from __future__ import annotations

import pytest

from agent.models.factory import build_scene_model, scene_adapter
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


def test_fake_and_served_models_are_used_as_they_are(tmp_path):
    fake = ScriptedChatModel()
    assert build_scene_model(Settings(home=tmp_path), fake) is fake


@pytest.mark.slow
def test_the_runtime_gives_the_generator_the_adapted_model(models_home, embedder, router, starter_library):
    from agent.models.factory import build_chat_model
    from agent.runtime import Runtime

    settings = Settings(home=models_home)
    runtime = Runtime.create(settings, embedder=embedder, router=router, library=starter_library)
    main = runtime.agent.chat_model
    scene = runtime.extras["scene_model"][1]
    assert main.engine.adapter is None and scene.engine.adapter == str(SHIPPED_ADAPTER)
    # Choosing an adapter for everything (Settings tab) hands the generator the main model again.
    runtime.switch_adapter(str(SHIPPED_ADAPTER))
    assert runtime.extras["scene_model"][1] is runtime.agent.chat_model
    off = Runtime.create(settings.with_(scene_adapter="none"), chat_model=build_chat_model(settings, engine=main.engine),
                         embedder=embedder, router=router, library=starter_library)
    assert off.extras["scene_model"][1] is off.agent.chat_model
