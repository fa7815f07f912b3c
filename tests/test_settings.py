import argparse
from pathlib import Path

import pytest

from agent.settings import EMBEDDED_MODEL, Settings, SettingsError, add_settings_flags, settings_from_args


def test_defaults_point_at_the_embedded_model():
    s = Settings.from_env({})
    assert s.backend == "local" and s.model == EMBEDDED_MODEL
    assert s.home == Path("~/.scriptroom").expanduser()
    assert s.library_dir == s.home / "library"


def test_environment_variables_are_typed():
    s = Settings.from_env(
        {
            "SCRIPTROOM_HOME": "/tmp/x",
            "SCRIPTROOM_TEMPERATURE": "0.2",
            "SCRIPTROOM_PORT": "8000",
            "SCRIPTROOM_LOAD_IN_4BIT": "yes",
            "SCRIPTROOM_SEED": "7",
        }
    )
    assert s.home == Path("/tmp/x") and s.temperature == 0.2 and s.port == 8000
    assert s.load_in_4bit is True and s.seed == 7


def test_flags_override_environment():
    parser = argparse.ArgumentParser()
    add_settings_flags(parser)
    args = parser.parse_args(["--temperature", "0.9", "--no-cpu-int8", "--backend", "fake"])
    s = settings_from_args(args, env={"SCRIPTROOM_TEMPERATURE": "0.1"})
    assert s.temperature == 0.9 and s.cpu_int8 is False and s.backend == "fake"


@pytest.mark.parametrize(
    "env, needle",
    [
        ({"SCRIPTROOM_BACKEND": "gpt"}, "local, openai, fake"),
        ({"SCRIPTROOM_BACKEND": "openai"}, "SCRIPTROOM_BASE_URL"),
        ({"SCRIPTROOM_PORT": "eighty"}, "SCRIPTROOM_PORT"),
        ({"SCRIPTROOM_TEMPERATURE": "5"}, "0 to 2"),
        ({"SCRIPTROOM_LOAD_IN_4BIT": "maybe"}, "true/false"),
        ({"SCRIPTROOM_ENGINE": "vllm"}, "auto, llama.cpp, transformers"),
        ({"SCRIPTROOM_WRITING": "poetic"}, "auto, scaffold, free"),
    ],
)
def test_bad_configuration_says_what_is_accepted(env, needle):
    with pytest.raises(SettingsError, match=needle.replace("/", ".")):
        Settings.from_env(env)


def test_home_follows_the_test_redirect(scriptroom_home):
    assert Settings.from_env().home == scriptroom_home


@pytest.mark.parametrize(
    "env, host, port",
    [
        ({}, "127.0.0.1", 7860),
        ({"SPACE_ID": "someone/scriptroom"}, "0.0.0.0", 7860),
        ({"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "7861"}, "0.0.0.0", 7861),
        ({"SPACE_ID": "x", "GRADIO_SERVER_NAME": "10.1.2.3"}, "10.1.2.3", 7860),
        ({"SCRIPTROOM_HOST": "127.0.0.1", "SCRIPTROOM_PORT": "9000", "GRADIO_SERVER_NAME": "0.0.0.0",
          "GRADIO_SERVER_PORT": "7861", "SPACE_ID": "x"}, "127.0.0.1", 9000),
    ],
)
def test_where_the_app_listens_follows_scriptroom_then_gradio_then_the_space(env, host, port):
    s = Settings.from_env(env)
    assert (s.host, s.port) == (host, port)


def test_a_flag_beats_gradio_variables():
    parser = argparse.ArgumentParser()
    add_settings_flags(parser)
    s = settings_from_args(parser.parse_args(["--port", "8123"]), env={"GRADIO_SERVER_PORT": "7861", "SPACE_ID": "x"})
    assert (s.host, s.port) == ("0.0.0.0", 8123)


def test_a_bad_gradio_port_names_gradios_variable():
    with pytest.raises(SettingsError, match="GRADIO_SERVER_PORT"):
        Settings.from_env({"GRADIO_SERVER_PORT": "http"})


def test_unknown_login_mode_says_what_is_accepted():
    with pytest.raises(SettingsError, match="off, password, hf"):
        Settings.from_env({"SCRIPTROOM_LOGIN": "ldap"})


@pytest.mark.parametrize("value, allowed", [(None, False), ("1", False), ("", False), ("0", True), ("false", True)])
def test_only_an_explicit_hf_hub_offline_0_lets_a_model_download(monkeypatch, value, allowed):
    from agent.models.store import hub_download_allowed

    if value is None:
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    else:
        monkeypatch.setenv("HF_HUB_OFFLINE", value)
    assert hub_download_allowed() is allowed
