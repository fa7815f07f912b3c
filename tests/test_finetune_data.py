"""Fine-tuning without a model: dataset builder and split, config loading, preference pairing, adapter
listing, the CLI's cheap paths, and the GPU check's refusal without CUDA."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cli.main
from finetune.config import DataConfig, DPOConfig, SFTConfig, load_config
from finetune.data import build_dataset, plain_draft, read_jsonl, scene_notes, starter_units
from finetune.dpo import preference_pairs
from finetune.errors import FinetuneError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("ft-data")
    report = build_dataset(DataConfig(output=str(out), validation=0.2, seed=3))
    return out, report


def _texts(rows):
    return [m["content"] for r in rows for m in r["messages"][1:]]


def test_split_has_no_source_or_scene_leakage(dataset):
    out, report = dataset
    train, val = read_jsonl(out / "train.jsonl"), read_jsonl(out / "validation.jsonl")
    assert len(train) == report.train and len(val) == report.validation and val
    train_sources = {s for r in train for s in r["sources"]}
    val_sources = {s for r in val for s in r["sources"]}
    assert train_sources and val_sources and not train_sources & val_sources
    # Text level too: no held-out scene's opening line appears anywhere in training.
    train_blob = "\n".join(_texts(train))
    held_scenes = [r["messages"][-1]["content"] for r in val if r["task"] == "write"]
    assert held_scenes
    for scene in held_scenes:
        opening = scene.split("\n\n")[1]
        assert opening not in train_blob


def test_every_task_is_built_and_deduplicated(dataset):
    out, report = dataset
    assert set(report.per_task) == {"write", "continue", "rewrite", "reformat", "summarize", "critique", "exchange"}
    assert all(c["train"] > 0 for c in report.per_task.values())
    rows = read_jsonl(out / "train.jsonl") + read_jsonl(out / "validation.jsonl")
    assert len({r["id"] for r in rows}) == len(rows)
    assert all([m["role"] for m in r["messages"]] == ["system", "user", "assistant"] for r in rows)
    card = (out / "DATA_CARD.md").read_text()
    assert f"{report.train} train" in card and "paraphrased" in card and "By source" in card


def test_rewrite_pairs_share_a_beat_across_genres(dataset):
    out, _ = dataset
    units = {u.source: u for u in starter_units()}
    rows = [r for r in read_jsonl(out / "train.jsonl") if r["task"] == "rewrite"]
    assert rows
    for r in rows[:20]:
        a, b = (units[s] for s in r["sources"])
        assert a.beat == b.beat and a.genre != b.genre


def test_exchange_examples_speak_the_generators_own_prompt(dataset):
    """Training and use see the same words: the scene generator's system and scene prompts, answered with
    action and NAME: words lines of the scene's own cast, which the generator's reader accepts as they are."""
    from tools.generator import prompting
    from tools.generator.repair import read_scene

    out, _ = dataset
    rows = [r for r in read_jsonl(out / "train.jsonl") if r["task"] == "exchange"]
    assert len(rows) > 150
    for row in rows[:40]:
        system, user, answer = (m["content"] for m in row["messages"])
        assert system == prompting.render("system.md")
        assert user.startswith(("Write a short new scene", "An example scene")) and "one line each" in user
        cast = [line.split(":")[0] for line in user.splitlines()[-3:] if line.endswith(": ...")]
        assert 2 <= len(cast) <= 3
        parts = read_scene(answer, tuple(cast))
        assert parts.action and len(parts.speeches) >= 3 and not parts.repairs
        assert {s.name for s in parts.speeches} <= set(cast)


def test_program_made_inputs_reflect_the_scene():
    unit = starter_units()[0]
    draft = plain_draft(unit.scene)
    speaker = unit.scene.characters[0]
    assert f"{speaker.title()}:" in draft and "\n\n" not in draft
    notes = scene_notes(unit.scene)
    assert notes.startswith("- Length: about") and "speeches" in notes


def test_writer_scripts_are_one_source_and_duplicates_drop(tmp_path):
    folder = tmp_path / "scripts"
    folder.mkdir()
    starter = sorted((ROOT / "tools/library/starter/noir").glob("*.fountain"))[0].read_text()
    (folder / "copy.fountain").write_text(starter)  # the same scene as a starter file
    two = "INT. KITCHEN - DAY\n\nAna stirs.\n\nANA\nSalt?\n\nBEN\nNo.\n\nEXT. YARD - NIGHT\n\nBen digs.\n\nBEN\nHelp me.\n\nANA\nWith what?\n"
    (folder / "mine.fountain").write_text(two)
    report = build_dataset(DataConfig(output=str(tmp_path / "out"), starter=True, scripts=[str(folder)],
                                      tasks=["write", "summarize"], validation=0.5, seed=1))
    assert report.sources == {"starter": 158, "script": 1}
    assert report.duplicates_dropped >= 1
    rows = read_jsonl(tmp_path / "out/train.jsonl") + read_jsonl(tmp_path / "out/validation.jsonl")
    mine = [r for r in rows if r["sources"] == ["script/scripts/mine.fountain"]]
    assert len(mine) == 4  # two scenes x two tasks, all on one side of the split


def test_bad_task_and_empty_sources_are_writer_errors(tmp_path):
    with pytest.raises(FinetuneError, match="unknown task"):
        build_dataset(DataConfig(output=str(tmp_path), tasks=["poetry"]))
    with pytest.raises(FinetuneError, match="no scenes"):
        build_dataset(DataConfig(output=str(tmp_path), starter=False))


def test_config_yaml_then_overrides(tmp_path):
    cfg = load_config(SFTConfig, ROOT / "configs/lora-cpu-tiny.yaml", {"max_steps": "7", "output": "x"})
    assert cfg.max_steps == 7 and cfg.output == "x" and cfg.lora_r == 8 and cfg.tasks == ["exchange", "write"] and cfg.threads == 1
    q = load_config(SFTConfig, ROOT / "configs/qlora-7b.yaml")
    assert q.load_in_4bit and q.optim == "paged_adamw_8bit" and q.gradient_checkpointing and q.target_modules == "all-linear"
    assert load_config(DPOConfig, ROOT / "configs/qlora-7b.yaml").adapter == "runs/qlora-7b/sft"
    bad = tmp_path / "bad.yaml"
    bad.write_text("sft:\n  lora_rank: 8\n")
    with pytest.raises(FinetuneError, match="lora_rank.*known: .*lora_r"):
        load_config(SFTConfig, bad)
    bad.write_text("training:\n  x: 1\n")
    with pytest.raises(FinetuneError, match="unknown section"):
        load_config(SFTConfig, bad)
    with pytest.raises(FinetuneError, match="not a valid int"):
        load_config(SFTConfig, None, {"max_steps": "many"})
    assert load_config(SFTConfig, None, {"load_in_4bit": "true", "tasks": "write, critique"}).tasks == ["write", "critique"]


def test_preference_pairs_from_picks_and_like_dislike():
    from agent.storage import PreferenceRecord as P

    records = [
        P(prompt="a", chosen="good", rejected="bad", kind="pick"),
        P(prompt="b", chosen="liked", kind="like"),
        P(prompt="b", chosen="", rejected="disliked", kind="dislike"),
        P(prompt="c", chosen="lonely like", kind="like"),
        P(prompt="d", chosen="same", rejected="same", kind="pick"),
    ]
    pairs, report = preference_pairs(records)
    assert {(p["prompt"], p["chosen"], p["rejected"]) for p in pairs} == {("a", "good", "bad"), ("b", "liked", "disliked")}
    assert (report.from_picks, report.from_like_dislike, report.unpaired, report.ignored) == (1, 1, 1, 1)


def test_dpo_refuses_too_few_pairs(tmp_path):
    from agent.storage import PreferenceRecord, Storage
    from finetune.dpo import run_dpo

    db = tmp_path / "fb.sqlite3"
    Storage(db).add_preference(PreferenceRecord(prompt="p", chosen="only a like", kind="like"))
    with pytest.raises(FinetuneError, match="only 0 preference pair"):
        run_dpo(DPOConfig(feedback_db=str(db), adapter="none"))
    with pytest.raises(FinetuneError, match="no feedback database"):
        run_dpo(DPOConfig(feedback_db=str(tmp_path / "missing.sqlite3")))


def _fake_adapter(folder: Path, r: int) -> None:
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text(json.dumps({"r": r, "base_model_name_or_path": "x"}))
    (folder / "adapter_model.safetensors").write_bytes(b"0" * 2000)


def test_list_adapters_shipped_then_writers(tmp_path):
    from agent.settings import Settings
    from finetune.adapters import list_adapters

    settings = Settings(home=tmp_path)
    _fake_adapter(settings.adapters_dir / "noir-voice", 4)
    (settings.adapters_dir / "half-written").mkdir()
    found = list_adapters(settings)
    assert found[0].shipped and found[0].name == "scriptroom-smollm2-lora"
    assert [a.name for a in found[1:]] == ["noir-voice"] and found[1].rank == 4 and not found[1].shipped


@pytest.fixture
def finetune_cli(monkeypatch):
    monkeypatch.setattr(cli.main, "OTHER_COMMANDS", [m for m in cli.main.OTHER_COMMANDS if m != "cli.finetune"] + ["cli.finetune"])


def test_cli_data_and_adapters(finetune_cli, tmp_path, capsys, scriptroom_home):
    assert cli.main.main(["finetune", "data", "--output", str(tmp_path / "d"), "--tasks", "write,critique", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report["per_task"]) == {"write", "critique"} and (tmp_path / "d/DATA_CARD.md").exists()
    _fake_adapter(scriptroom_home / "adapters" / "mine", 8)
    assert cli.main.main(["finetune", "adapters", "--json"]) == 0
    names = [a["name"] for a in json.loads(capsys.readouterr().out)]
    assert names == ["scriptroom-smollm2-lora", "mine"]


def test_cli_writer_errors_exit_2(finetune_cli, tmp_path, capsys):
    assert cli.main.main(["finetune", "sft", "--config", str(tmp_path / "nope.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert cli.main.main(["finetune", "sft", "--data", str(tmp_path), "--output", str(tmp_path / "o")]) == 2
    assert "scriptroom finetune data" in capsys.readouterr().err


def test_gpu_check_refuses_without_cuda(capsys):
    import torch

    from finetune import gpu_check

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    assert gpu_check.main([]) == 3
    assert "no CUDA device" in capsys.readouterr().err
