"""The measured focus paragraph: every focus answered, figures counted from the draft and moving with it."""

from __future__ import annotations

import json

import pytest

from agent.models.fake import ScriptedChatModel
from screenplay.bible import StoryBible
from screenplay.formats.fountain import parse
from screenplay.scope import resolve
from screenplay.stats import compute
from tools.critic import Critic
from tools.critic.analytics import analyze
from tools.critic.checks import run_checks
from tools.critic.focus import FOCUS, answer_focus
from tools.critic.sentiment import make_analyzer
from tools.schemas import CRITIQUE_FOCUS

FILLER = "The room is quiet. A clock ticks on the wall above the door."


def scene(heading: str, *body: str) -> str:
    return "\n\n".join((heading, *body))


def speech(name: str, line: str, paren: str = "") -> str:
    return f"{name}\n({paren})\n{line}" if paren else f"{name}\n{line}"


def draft(*scenes: str) -> str:
    return "Title: Focus Test\n\n" + "\n\n".join(scenes) + "\n"


def base_scenes(middle: str) -> list[str]:
    """Five scenes; the third is the one under test."""
    return [
        scene("INT. KITCHEN - DAY", "ANNA (40s) pours coffee. BEN (40s) reads.", speech("ANNA", "Morning."),
              speech("BEN", "Morning.")),
        scene("EXT. STREET - DAY", FILLER, speech("ANNA", "Taxi!")),
        middle,
        scene("INT. OFFICE - DAY", FILLER, speech("CARL", "Sign here."), speech("ANNA", "Fine.")),
        scene("EXT. PARK - NIGHT", FILLER, speech("BEN", "We should go home.")),
    ]


def answer(text: str, focus: str, bible: StoryBible | None = None, **where):
    script = parse(text)
    a = analyze(script, make_analyzer())
    sc = resolve(script, **where)
    keep = set(a.labels[i] for i in sc.indices)
    findings = [f for f in run_checks(script, a) if sc.whole or set(f.scenes) & keep]
    return answer_focus(focus, script, a, sc, findings, bible=bible), script


def test_every_focus_has_a_measured_paragraph():
    assert set(FOCUS) == set(CRITIQUE_FOCUS)
    text = draft(*base_scenes(scene("INT. DINER - NIGHT", FILLER, speech("ANNA", "Why now?"))))
    for focus in CRITIQUE_FOCUS:
        for where in ({"scene": 3}, {"act": 2}, {}):
            ans, _ = answer(text, focus, **where)
            assert ans.focus == focus and len(ans.text) > 40, (focus, where, ans.text)


def test_pacing_ranks_the_scene_in_its_act_and_finds_the_longest_speech():
    long_line = " ".join(["word"] * 30)
    middle = scene("INT. DINER - NIGHT", FILLER, FILLER, FILLER, speech("ANNA", long_line), speech("BEN", "No."),
                   FILLER, FILLER)
    ans, script = answer(draft(*base_scenes(middle)), "pacing", scene=3)
    st = compute(script)
    assert ans.figures["eighths"] == st.scenes[2].eighths == max(s.eighths for s in st.scenes)
    assert ans.figures["longest_speech"] == {"name": "ANNA", "words": 30, "scene": "3"}
    assert ans.figures["speeches"] == 2 and ans.figures["action_blocks"] == 5
    assert f"Scene 3 runs {st.scenes[2].length} page" in ans.text and "the longest of act two" in ans.text
    # A shorter scene and a longer speech elsewhere: the figures follow the draft.
    short = scene("INT. DINER - NIGHT", speech("ANNA", "Hi."))
    scenes = base_scenes(short)
    scenes[3] = scene("INT. OFFICE - DAY", FILLER, FILLER, FILLER, FILLER, speech("CARL", " ".join(["sign"] * 12)))
    ans2, script2 = answer(draft(*scenes), "pacing", scene=3)
    assert ans2.figures["eighths"] < ans.figures["eighths"] and "the longest" not in ans2.text
    assert ans2.figures["longest_speech"]["words"] == 1
    whole, _ = answer(draft(*scenes), "pacing")
    assert whole.figures["longest_speech"] == {"name": "CARL", "words": 12, "scene": "4"}


def test_dialogue_counts_questions_share_and_the_silent():
    middle = scene("INT. DINER - NIGHT", "BEN sits in the corner and says nothing.",
                   speech("ANNA", "Where were you? Why?"), speech("CARL", "Out."), speech("ANNA", "With whom?"),
                   speech("CARL", "Nobody you know, Anna, I swear --"))
    ans, _ = answer(draft(*base_scenes(middle)), "dialogue", scene=3)
    f = ans.figures
    assert f["speeches"] == 4 and f["questions"] == 2 and f["cut_off"] == 1
    # ANNA 4 + 2 words, CARL 1 + 6 words of 13.
    assert f["share"] == {"CARL": round(7 / 13, 3), "ANNA": round(6 / 13, 3)}
    assert f["silent"] == ["BEN"] and "Present but silent: BEN" in ans.text
    assert "Questions: 2 of 4 speeches (50%" in ans.text
    middle2 = middle.replace("BEN sits", "Nobody sits")
    ans2, _ = answer(draft(*base_scenes(middle2)), "dialogue", scene=3)
    assert ans2.figures["silent"] == [] and "Everyone named on screen speaks" in ans2.text


def test_character_names_who_is_present_the_absent_lead_and_the_bible():
    lead_lines = [speech("ANNA", "I run this town and everyone in it knows.")] * 3
    scenes = base_scenes(scene("INT. DINER - NIGHT", FILLER, speech("CARL", "Coffee."), speech("BEN", "Black.")))
    scenes[0] = scenes[0] + "\n\n" + "\n\n".join(lead_lines)
    bible = StoryBible(characters={"CARL": "a cook who wants out of the diner"})
    ans, _ = answer(draft(*scenes), "character", bible=bible, scene=3)
    assert ans.figures["speakers"] == {"CARL": 1, "BEN": 1}
    assert "ANNA, who has" in ans.text and "is not in this scene" in ans.text
    assert "CARL: a cook who wants out of the diner" in ans.text
    with_anna = scenes[:2] + [scenes[2] + "\n\n" + speech("ANNA", "Me too.")] + scenes[3:]
    ans2, _ = answer(draft(*with_anna), "character", scene=3)
    assert ans2.figures["speakers"]["ANNA"] == 1 and "is not in this scene" not in ans2.text
    assert "No story bible" in ans2.text


def test_structure_places_the_scene_and_the_marked_act_break():
    scenes = base_scenes(scene("INT. DINER - NIGHT", FILLER, speech("ANNA", "Now.")))
    marked = scenes[:2] + ["# ACT TWO\n\n" + scenes[2]] + scenes[3:]
    ans, _ = answer(draft(*marked), "structure", scene=3)
    assert ans.figures["beats_here"] == ["act_one_break"] and "act marker" in ans.text
    assert "scene 1 of 3 in act two" in ans.text
    ans2, _ = answer(draft(*marked), "structure", scene=4)
    assert ans2.figures["beats_here"] == [] and "scene 2 of 3 in act two" in ans2.text


def test_tone_and_stakes_follow_the_sentiment_and_the_charged_lines():
    dark = scene("INT. DINER - NIGHT", "Blood on the floor. A dead man. Terrible, awful grief.",
                 speech("ANNA", "I hate you. Get out."), speech("BEN", "No. I won't leave."))
    bright = scene("INT. DINER - NIGHT", "Sunlight. Flowers. A wonderful, happy morning.",
                   speech("ANNA", "I love this place."), speech("BEN", "Best pancakes in town."))
    d, _ = answer(draft(*base_scenes(dark)), "tone", scene=3)
    b, _ = answer(draft(*base_scenes(bright)), "tone", scene=3)
    assert d.figures["mean"] < 0 < b.figures["mean"]
    assert "reads darker than" in d.text and "reads brighter than" in b.text
    assert "the darkest of 5" in d.text and "the brightest of 5" in b.text
    sd, _ = answer(draft(*base_scenes(dark)), "stakes", scene=3)
    sb, _ = answer(draft(*base_scenes(bright)), "stakes", scene=3)
    # Dark: three lines, each with a word of opposition (dead/blood, hate, no/leave); bright: none of three.
    assert sd.figures["charged_share"] == 1.0 and sb.figures["charged_share"] == 0.0
    assert sd.text.startswith("What is at stake cannot be counted") and "100% of the lines in scene 3" in sd.text


def test_clarity_and_formatting_count_blocks_and_parentheticals():
    block = "\n".join(f"Line {k} of a long block of action." for k in range(7))
    middle = scene("INT. DINER - NIGHT", block, "A short one.", speech("ANNA", "Hm.", "quietly"),
                   speech("BEN", "Yes.", "beat"), speech("ANNA", "Fine."))
    c, _ = answer(draft(*base_scenes(middle)), "clarity", scene=3)
    assert c.figures["action_blocks"] == 2 and c.figures["longest_lines"] == 7 and c.figures["dense"] == 1
    assert "dense action" not in c.text or "Checks:" in c.text
    f, _ = answer(draft(*base_scenes(middle)), "formatting", scene=3)
    assert f.figures == {"parentheticals": 2, "speeches": 3} and "2 parentheticals for 3 speeches (67%" in f.text
    f2, _ = answer(draft(*base_scenes(middle.replace("(beat)\n", ""))), "formatting", scene=3)
    assert f2.figures["parentheticals"] == 1


def test_theme_names_the_words_that_set_the_scene_apart():
    middle = scene("INT. LIGHTHOUSE - NIGHT", "The lighthouse lamp turns. The lighthouse keeper climbs.",
                   speech("ANNA", "This lighthouse was my father's. I didn't, didn't, didn't."),
                   speech("BEN", "The keeper's wife. The keeper's son."))
    ans, _ = answer(draft(*base_scenes(middle)), "theme", scene=3)
    assert ans.figures["terms"][0] == "lighthouse" and "keeper" in ans.figures["terms"]
    assert not any("'" in w or w == "didn" for w in ans.figures["terms"])
    ans2, _ = answer(draft(*base_scenes(middle.replace("lighthouse", "harbour"))), "theme", scene=3)
    assert "harbour" in ans2.figures["terms"] and "lighthouse" not in ans2.figures["terms"]


def test_the_paragraph_comes_before_the_general_notes_everywhere(tmp_path):
    text = draft(*base_scenes(scene("INT. DINER - NIGHT", FILLER, speech("ANNA", "Why now?"))))
    model = ScriptedChatModel.from_replies(["VERDICT: Consider"])
    result = Critic(model, out_dir=tmp_path, plots=False).critique(parse(text), scene=3, focus="pacing", pdf=False)
    focus = result.data["focus"]
    assert focus["focus"] == "pacing" and focus["scope"] == "scene 3" and focus["text"].startswith("Scene 3 runs")
    summary = result.summary
    assert summary.index("**Pacing** (scene 3): Scene 3 runs") < summary.index("*Logline:*")
    md = open(result.data["reports"]["markdown"]).read()
    assert md.index("## Focus: pacing") < md.index("## Verdict") and focus["text"] in md
    # The model reads the same figures, inside the evidence.
    assert "Measured for the focus:" in result.prompt and "Scene 3 runs" in result.prompt
    plain = Critic(None, out_dir=tmp_path, plots=False).critique(parse(text), use_llm=False, pdf=False)
    assert plain.data["focus"] is None and "**Pacing**" not in plain.summary


@pytest.mark.parametrize("focus", ["pacing", "dialogue"])
def test_cli_critique_focus_json(tmp_path, capsys, focus):
    import cli.main

    path = tmp_path / "d.fountain"
    path.write_text(draft(*base_scenes(scene("INT. DINER - NIGHT", FILLER, speech("ANNA", "Why now?")))))
    assert cli.main.main(["critique", str(path), "--no-llm", "--no-scores", "--scene", "3", "--focus", focus,
                          "--json"]) == 0
    data = json.loads(capsys.readouterr().out)["data"]
    assert data["focus"]["focus"] == focus and data["focus"]["text"].startswith("Scene 3 ")


def test_the_chat_tool_answers_the_focus_with_the_sessions_bible(tmp_path):
    from tools.context import ToolContext
    from tools.critic import make_critic_tool

    text = draft(*base_scenes(scene("INT. DINER - NIGHT", FILLER, speech("CARL", "Coffee?"))))
    ctx = ToolContext(script=parse(text), bible=StoryBible(characters={"CARL": "wants to sell the diner"}))
    tool = make_critic_tool(Critic(None, out_dir=tmp_path, plots=False))
    done = list(tool.metadata["stream"]({"scene": 3, "focus": "character"}, ctx))[-1]
    # The loop shows the summary as the chat answer.
    assert "**Character** (scene 3): On screen: CARL (1 speech)" in done.result.summary
    assert "CARL: wants to sell the diner" in done.result.summary
