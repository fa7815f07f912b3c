"""Analytic questions answered from the draft's statistics: numbers, a chart, the tool, /stats and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.routing.slash import route_slash
from screenplay.formats import fountain
from tools.base import ToolError
from tools.context import ToolContext
from tools.stats import answer
from tools.stats.tool import make_stats_tool

DRAFT = """Title: Two Rooms

INT. KITCHEN - NIGHT

NORA pours coffee. BEN watches.

NORA
You said you'd call. You said it twice, and then you said nothing at all for a week.

BEN
I know.

EXT. PORCH - DAY

Ben sits alone.

BEN
She won't listen.

EXT. FIELD - NIGHT

Nora runs across the field, the lantern swinging, the dog barking far behind her.

NORA
Ben!
"""


@pytest.fixture
def script():
    return fountain.parse(DRAFT)


def test_characters_topic_counts_dialogue_words_and_presence(script):
    result = answer(script, "characters")
    rows = {r["name"]: r for r in result.numbers["characters"]}
    assert rows["NORA"]["words"] == 19 and rows["BEN"]["words"] == 5
    assert rows["NORA"]["speeches"] == 2 and rows["BEN"]["speeches"] == 2
    assert rows["BEN"]["scenes"] == 2  # speaks in the porch scene, named in the kitchen's action
    assert result.text.startswith("**NORA** has the most dialogue: 79% of 24 words")


def test_settings_and_scenes_and_acts_topics(script, tmp_path):
    settings = answer(script, "settings", tmp_path)
    assert settings.numbers["int_ext"] == {"INT": 1, "EXT": 2}
    assert settings.numbers["day_night"]["NIGHT"] == 2
    assert "INT/EXT: EXT 2 (67%), INT 1 (33%)" in settings.text
    assert Path(settings.plots["settings"]).stat().st_size > 1000
    scenes = answer(script, "scenes")
    assert scenes.numbers["scene_count"] == 3
    assert scenes.numbers["longest"][0]["scene"] == "1"
    acts = answer(script, "acts", tmp_path)
    assert sum(r["scenes"] for r in acts.numbers["acts"]) == 3 and Path(acts.plots["acts"]).exists()
    with pytest.raises(ValueError, match="expected one of overview"):
        answer(script, "vibes")


def test_the_tool_needs_a_draft_and_answers_with_numbers(script, tmp_path):
    tool = make_stats_tool(tmp_path)
    result = tool.invoke({"topic": "settings", "context": ToolContext(script=script)})
    assert result.tool == "script_stats" and result.data["numbers"]["int_ext"]["EXT"] == 2
    with pytest.raises(ToolError, match="needs a draft"):
        tool.invoke({"context": ToolContext()})


def test_stats_slash_command():
    assert (route_slash("/stats acts").intent, route_slash("/stats acts").args) == ("stats", {"topic": "acts"})
    assert "not something I count" in route_slash("/stats vibes").clarify


def test_cli_stats_json(tmp_path, capsys):
    import cli.main

    draft = tmp_path / "two-rooms.fountain"
    draft.write_text(DRAFT, encoding="utf-8")
    assert cli.main.main(["stats", str(draft), "--topic", "characters", "--json", "--plot-dir", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["topic"] == "characters" and out["numbers"]["characters"][0]["name"] == "NORA"
    assert Path(out["plots"]["characters"]).exists()
