"""The agent loop on a scripted model: streaming, history, trimming, per-session state."""

from agent.events import EventKind
from agent.loop import Agent
from agent.models.factory import ModelInfo
from agent.models.fake import ScriptedChatModel
from agent.session import Session

INFO = ModelInfo("fake", "scripted", supports_tool_calling=True, streaming=True, context_window=4096)


def make_agent(*replies, window=4096):
    model = ScriptedChatModel.from_replies(list(replies))
    info = ModelInfo("fake", "scripted", True, True, window)
    return Agent(chat_model=model, info=info), model


def test_reply_streams_as_tokens_then_one_answer():
    agent, _ = make_agent("INT. DINER - NIGHT\n\nRain on the glass.")
    events = list(agent.run(Session(), "Open on a diner"))
    tokens = [e.text for e in events if e.kind is EventKind.TOKEN]
    answers = [e for e in events if e.kind is EventKind.ANSWER]
    assert len(tokens) > 3
    assert "".join(tokens) == "INT. DINER - NIGHT\n\nRain on the glass."
    assert len(answers) == 1 and answers[0].text.startswith("INT. DINER")
    assert answers[0].data["model"] == "scripted"


def test_history_carries_into_the_next_prompt():
    agent, model = make_agent("First answer.", "Second answer.")
    session = Session()
    list(agent.run(session, "one"))
    list(agent.run(session, "two"))
    last_prompt = model.received[-1]
    assert [m.type for m in last_prompt] == ["system", "human", "ai", "human"]
    assert last_prompt[1].content == "one" and last_prompt[2].content == "First answer."
    assert "Scriptroom" in last_prompt[0].content


def test_sessions_do_not_share_history():
    agent, model = make_agent("ok")
    a, b = Session(), Session()
    list(agent.run(a, "secret plot of A"))
    list(agent.run(b, "hello from B"))
    prompt_b = " ".join(str(m.content) for m in model.received[-1])
    assert "secret plot of A" not in prompt_b
    assert len(a.history) == 2 and len(b.history) == 2


def test_long_conversations_are_trimmed_into_a_rolling_summary():
    agent, model = make_agent("x" * 400, window=512)
    session = Session()
    for i in range(8):
        list(agent.run(session, f"question number {i} " + "y" * 300))
    assert len(session.history) < 16
    kept = " ".join(str(m.content) for m in session.history)
    folded = [i for i in range(8) if f"question number {i} " in session.summary]
    assert folded and all(f"question number {i} " not in kept for i in folded)
    system = model.received[-1][0].content
    assert "Earlier in this conversation" in system


def test_empty_message_is_an_error_event_not_a_crash():
    agent, _ = make_agent("unused")
    events = list(agent.run(Session(), "   "))
    assert [e.kind for e in events] == [EventKind.ERROR]
    assert "attach a draft" in events[0].text
