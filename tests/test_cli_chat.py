"""`scriptroom chat` and `scriptroom models` as a writer runs them."""

import json
import subprocess
import sys

import pytest

from cli.main import main


def test_chat_on_the_fake_backend_prints_json(capsys):
    assert main(["chat", "Hello! How are you today?", "--backend", "fake", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reply"].startswith("I'm Scriptroom's scripted test model")
    assert out["model"]["backend"] == "fake"
    assert out["timing"]["total_seconds"] >= 0 and out["timing"]["first_token_seconds"] is not None
    assert out["events"][0]["kind"] == "route" and out["events"][0]["data"]["intent"] == "chat"


def test_chat_with_a_draft_runs_through_the_loop(capsys, tmp_path):
    draft = tmp_path / "draft.fountain"
    draft.write_text("INT. DINER - NIGHT\n\nRain.\n\nMAYA\nCoffee?\n")
    assert main(["chat", "/help", "--backend", "fake", "--json", "--draft", str(draft)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["events"][0]["data"]["intent"] == "help" and "/scenes" in out["reply"]


def test_bad_draft_is_a_clear_message(capsys, tmp_path):
    bad = tmp_path / "draft.xyz"
    bad.write_text("hello")
    assert main(["chat", "hi", "--backend", "fake", "--draft", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and ".fountain" in err


def test_models_lists_backend_and_cache(capsys, scriptroom_home):
    assert main(["models", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["backend"] == "local" and out["model"] == "smollm2-135m-instruct"
    assert out["models_dir"] == str(scriptroom_home / "models") and out["cached"] == []
    from agent.models.llamacpp import llama_cpp_problem

    # Which engine serves the model, and why; llama.cpp wherever its build loads.
    expected = "transformers" if llama_cpp_problem() else "llama.cpp"
    assert out["engine"] == expected and out["engine_reason"] and out["gguf"].endswith(".gguf")
    forced = main(["models", "--json", "--engine", "transformers"]) == 0 and json.loads(capsys.readouterr().out)
    assert forced["engine"] == "transformers" and "SCRIPTROOM_ENGINE" in forced["engine_reason"]


def test_missing_model_is_a_clear_message_not_a_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "cli.main", "chat", "hi", "--model", "someone/not-cached-7b"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "not available offline" in proc.stderr and "someone/not-cached-7b" in proc.stderr


def test_bad_setting_is_a_clear_message(capsys):
    assert main(["chat", "hi", "--backend", "openai"]) == 2
    assert "SCRIPTROOM_BASE_URL" in capsys.readouterr().err


@pytest.mark.slow
def test_chat_runs_the_real_embedded_model(capsys, models_home, monkeypatch):
    monkeypatch.setenv("SCRIPTROOM_HOME", str(models_home))
    assert main(["chat", "Say hello to a screenwriter.", "--json", "--max-new-tokens", "24", "--temperature", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"]["name"].startswith("smollm2-135m-instruct") and len(out["reply"]) > 5
    assert out["timing"]["first_token_seconds"] < out["timing"]["total_seconds"]


def test_help_is_fast_and_lists_commands():
    proc = subprocess.run([sys.executable, "-m", "cli.main", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "chat" in proc.stdout and "models" in proc.stdout
    # --help must not import the heavy stack
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, cli.main as m; m.build_parser(); print('torch' in sys.modules, 'gradio' in sys.modules)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip() == "False False"
