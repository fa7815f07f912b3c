"""One scope module: act markers in any element type, the page fallback, and every tool reading "act two" alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from screenplay.formats.fountain import parse
from screenplay.io import loads, render
from screenplay.scope import ScopeError, act_marker, find_acts, marked_acts, resolve

FIXTURES = Path(__file__).parent / "fixtures"
HARBOUR = FIXTURES / "scope" / "harbour.fountain"
ACT_TWO = ["EXT. LIGHTHOUSE STAIR - NIGHT", "INT. LAMP ROOM - NIGHT", "EXT. CLIFF PATH - DAWN"]


def fixture(name: str):
    return parse((FIXTURES / "generator" / name).read_text(encoding="utf-8"))


def harbour(fmt: str):
    """The same draft as Fountain, or written to FDX or PDF and read back."""
    script = parse(HARBOUR.read_text(encoding="utf-8"))
    if fmt == "fountain":
        return script
    data = render(script, fmt)
    return loads(data if isinstance(data, bytes) else data.encode("utf-8"), f"harbour.{fmt}")


@pytest.mark.parametrize(
    "line, expected",
    [("ACT TWO", (2, False)), ("# ACT II", (2, False)), ("END OF ACT ONE", (1, True)), ("Act 3.", (3, False)),
     ("ACTION FIGURES", None), ("She acts two parts at once and nobody notices at all, really", None)],
)
def test_act_markers(line, expected):
    assert act_marker(line) == expected


def test_end_of_act_lines_start_the_next_act():
    script = parse(
        "INT. A - DAY\n\nOne.\n\nINT. B - DAY\n\nTwo.\n\n> END OF ACT ONE <\n\nINT. C - DAY\n\nThree.\n\n"
        "INT. D - DAY\n\nACT THREE\n\nFour.\n"
    )
    assert marked_acts(script) == {2: 2, 3: 3, 1: 0}
    scope = resolve(script, act=2)
    assert (scope.insert_at, scope.indices, scope.where) == (2, [2], "the opening of act two")


def test_marked_acts_win_over_page_fractions():
    script = fixture("lighthouse.fountain")
    assert marked_acts(script) == {1: 0, 2: 3, 3: 5}
    assert script.scenes[resolve(script, act=2).insert_at].heading.text == "INT. LAMP ROOM - DAY"
    with pytest.raises(ScopeError, match="marks acts 1, 2, 3; there is no act 4"):
        resolve(script, act=4)


def test_beats_scenes_and_the_default_position():
    script = fixture("diner.fountain")
    n = len(script.scenes)
    assert find_acts(script).source == "pages" and find_acts(script).count == 3
    assert resolve(script, beat="ending").insert_at == n
    assert resolve(script, beat="opening").insert_at == 0
    assert 1 <= resolve(script, beat="midpoint").insert_at <= 4
    whole = resolve(script)
    assert whole.whole and whole.where == "after the last scene" and whole.indices == list(range(n))
    diner = resolve(script, scene_ref="diner")
    assert diner.scene is not None and "DINER" in script.scenes[diner.scene].heading.text
    assert diner.insert_at == diner.scene + 1 and diner.where == f"after scene {diner.scene + 1}"
    with pytest.raises(ScopeError, match=f"no scene 40: this draft has {n} scenes"):
        resolve(script, scene=40)
    with pytest.raises(ScopeError, match="no scene matches 'zeppelin'"):
        resolve(script, scene_ref="zeppelin")


@pytest.mark.parametrize("fmt", ["fountain", "fdx", "pdf"])
def test_critic_generator_summarizer_and_style_agree_on_act_two(fmt, tmp_path):
    """Act markers written as action lines (``ACT TWO`` on its own line), through each format's importer."""
    from agent.models.fake import ScriptedChatModel
    from tools.context import ToolContext
    from tools.critic.critic import Critic
    from tools.generator import SceneGenerator
    from tools.style import pick_target
    from tools.summarizer import Summarizer

    script = harbour(fmt)
    scope = resolve(script, act=2)
    assert [s.heading.text for s in scope.scenes(script)] == ACT_TWO
    assert scope.acts_source == "markers" and scope.where == "the opening of act two"
    context = ToolContext(script=script)

    restyled, what = pick_target(context, act=2)
    assert [s.heading.text for s in restyled.scenes] == ACT_TWO and what == "act 2"

    summarizer = Summarizer(ScriptedChatModel.from_replies(["Someone does something."]), cache_dir=tmp_path / "c")
    outline = summarizer.summarize(script, "scenes", act=2)
    assert [s.heading for s in outline.scenes] == ACT_TWO and outline.scope == "act 2"

    critique = Critic(None, out_dir=tmp_path, plots=False).critique(script, act=2, use_llm=False, pdf=False)
    assert critique.data["scope"] == "act 2"
    assert [a["scenes"] for a in critique.data["stats"]["act_balance"]] == [3, 3, 2]

    reply = "Mara waits by the lamp.\nMARA: It is dark again.\nJONAH: Then we light it."
    result = SceneGenerator(ScriptedChatModel.from_replies([reply]), extra_candidates=0).generate(
        {"count": 1, "act": 2}, context)
    assert result.data["position"] == "the opening of act two"
    # The model is shown what leads into act two: act one's last scene, not act two's first.
    assert "He knows." in result.prompt and "Who turned it off?" not in result.prompt
