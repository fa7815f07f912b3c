"""Real training on the embedded SmolLM2-135M (CPU): LoRA SFT through the CLI lowers the loss, saves a
standard PEFT adapter that reloads and changes greedy output, resumes from a checkpoint, and DPO runs
on stored preferences on top of it. Kept tiny (short sequences, a few steps) for a busy 2-core machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli.main
from finetune.config import DataConfig, DPOConfig, SFTConfig
from finetune.data import build_dataset, read_jsonl

pytestmark = pytest.mark.slow
STEPS = 4
MAX_LEN = 192


@pytest.fixture(scope="module")
def trained(tmp_path_factory, models_home, embedded_model_dir):
    """One SFT run through `scriptroom finetune sft`, shared by the tests below."""
    root = tmp_path_factory.mktemp("ft-train")
    build_dataset(DataConfig(output=str(root / "data"), tasks=["write"], seed=0))
    out = root / "sft"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCRIPTROOM_HOME", str(models_home))
        mp.setattr(cli.main, "OTHER_COMMANDS", [m for m in cli.main.OTHER_COMMANDS if m != "cli.finetune"] + ["cli.finetune"])
        rc = cli.main.main([
            "finetune", "sft", "--config", str(Path(__file__).resolve().parents[1] / "configs/lora-cpu-tiny.yaml"),
            "--data", str(root / "data"), "--output", str(out), "--max-steps", str(STEPS), "--max-length", str(MAX_LEN),
            "--max-train", "4", "--batch-size", "2", "--learning-rate", "5e-3", "--warmup", "0", "--save-steps", "2",
            "--logging-steps", "1", "--json",
        ])
    assert rc == 0
    return root, out


def _rows(root: Path) -> list[dict]:
    return read_jsonl(root / "data/train.jsonl")[:4]


def test_sft_saves_a_standard_peft_adapter(trained):
    _, out = trained
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["peft_type"] == "LORA" and config["r"] == 8
    assert {"q_proj", "v_proj", "down_proj"} <= set(config["target_modules"])
    meta = json.loads((out / "scriptroom.json").read_text())
    assert meta["kind"] == "sft" and meta["result"]["steps"] == STEPS
    assert sorted(p.name for p in out.glob("checkpoint-*")) == ["checkpoint-2", "checkpoint-4"]


def test_adapter_lowers_loss_and_changes_greedy_choices(trained, embedded_model_dir):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from finetune.evaluate import completion_loss

    root, out = trained
    tok = AutoTokenizer.from_pretrained(str(embedded_model_dir))
    base = AutoModelForCausalLM.from_pretrained(str(embedded_model_dir), dtype=torch.float32)
    model = PeftModel.from_pretrained(base, str(out))
    model.eval()
    rows = _rows(root)
    with model.disable_adapter():
        base_loss, _ = completion_loss(model, tok, rows, 32)  # the answer tokens that fit in training
    tuned_loss, _ = completion_loss(model, tok, rows, 32)
    assert tuned_loss < base_loss - 0.05, (base_loss, tuned_loss)

    # Greedy (argmax) next-token choices along a training answer: the adapter must change some of them.
    msgs = rows[0]["messages"]
    start = len(tok.apply_chat_template(msgs[:-1], add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])
    ids = torch.tensor([tok.apply_chat_template(msgs, tokenize=True, return_dict=True)["input_ids"][: start + 32]])
    with torch.inference_mode():
        with model.disable_adapter():
            plain = model(input_ids=ids).logits[0, start - 1:].argmax(-1)
        tuned = model(input_ids=ids).logits[0, start - 1:].argmax(-1)
    assert plain.tolist() != tuned.tolist()


def test_resume_continues_from_the_newest_checkpoint(trained, models_home):
    from agent.settings import Settings
    from finetune.sft import run_sft

    root, out = trained
    cfg = SFTConfig(data=str(root / "data"), output=str(out), tasks=["write"], max_train=4, max_length=MAX_LEN,
                    batch_size=2, grad_accum=1, lora_r=8, lora_alpha=16, max_steps=STEPS + 1, save_steps=100,
                    learning_rate=5e-3, resume=True)
    result = run_sft(cfg, settings=Settings(home=models_home), progress=False)
    assert result.resumed_from.endswith(f"checkpoint-{STEPS}")
    assert result.steps == STEPS + 1


def test_a_max_length_shorter_than_every_prompt_is_refused_plainly(trained, models_home, capsys):
    root, _ = trained
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SCRIPTROOM_HOME", str(models_home))
        rc = cli.main.main(["finetune", "sft", "--data", str(root / "data"), "--output", str(root / "short"),
                            "--tasks", "write", "--max-length", "24", "--max-steps", "1"])
    err = capsys.readouterr().err
    assert rc == 2 and "--max-length 24 is shorter than every prompt" in err and "use at least" in err
    assert not (root / "short").exists()


def test_dpo_on_stored_preferences_updates_the_adapter(trained, tmp_path, models_home):
    from safetensors.torch import load_file

    from agent.settings import Settings
    from agent.storage import PreferenceRecord, Storage
    from finetune.dpo import run_dpo

    _, sft_out = trained
    db = tmp_path / "feedback.sqlite3"
    store = Storage(db)
    heading = "INT. DINER - NIGHT"
    for i, (good, bad) in enumerate([("MAYA\nSit down.", "maya says sit"), ("LEO\nNo.", "leo says no"),
                                     ("ANA\nRun!", "ana: run")]):
        store.add_preference(PreferenceRecord(prompt=f"Write scene {i}: {heading}", chosen=f"{heading}\n\n{good}",
                                              rejected=bad, kind="pick", writer="w1"))
    store.add_preference(PreferenceRecord(prompt="Open the scene", chosen="EXT. PIER - DAY", kind="like", writer="w1"))
    store.add_preference(PreferenceRecord(prompt="Open the scene", chosen="", rejected="pier day", kind="dislike", writer="w1"))
    store.add_preference(PreferenceRecord(prompt="other writer", chosen="a", rejected="b", kind="pick", writer="w2"))

    out = tmp_path / "dpo"
    cfg = DPOConfig(adapter=str(sft_out), feedback_db=str(db), writer="w1", output=str(out), max_steps=2,
                    batch_size=2, grad_accum=1, max_length=96, learning_rate=1e-3)
    result, pairs = run_dpo(cfg, settings=Settings(home=models_home), progress=False)
    assert (pairs.pairs, pairs.from_picks, pairs.from_like_dislike) == (4, 3, 1)
    assert result.steps == 2 and result.params["trainable_params"] > 0
    assert (out / "adapter_config.json").exists() and not (out / "ref").exists()
    before, after = load_file(str(sft_out / "adapter_model.safetensors")), load_file(str(out / "adapter_model.safetensors"))
    assert before.keys() == after.keys()
    assert any(not (before[k] == after[k]).all() for k in before)


def test_gpu_check_cpu_smoke(capsys):
    from finetune import gpu_check

    assert gpu_check.main(["--cpu-smoke", "--steps", "3"]) == 0
    assert "gpu_check: ok" in capsys.readouterr().out
