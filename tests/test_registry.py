"""One table of capabilities: the router, the loop, the native schema and /help all read agent/registry.py."""

from agent.models.fake import ScriptedChatModel
from agent.registry import INTENT_ARGS, INTENTS, SPECS, TOOL_SPECS, native_tools, spec
from agent.routing.native import tool_specs
from agent.routing.router import ACTIONS
from agent.routing.slash import COMMANDS


def test_every_slash_command_and_action_names_a_registered_intent():
    assert {c.intent for c in COMMANDS.values()} <= set(INTENTS)
    assert set(ACTIONS) == set(INTENTS)


def test_the_native_schema_is_the_registry():
    names = {s["function"]["name"] for s in tool_specs(INTENT_ARGS)}
    assert names == set(native_tools()) == set(INTENTS) - {"chat"}


def test_help_lists_each_capability_with_its_example_and_slash_command(tmp_path, embedder, router, starter_library):
    from agent.runtime import Runtime
    from agent.session import Session
    from agent.settings import Settings
    from screenplay.errors import ACCEPTED

    runtime = Runtime.create(Settings(home=tmp_path, backend="fake"), chat_model=ScriptedChatModel(),
                             embedder=embedder, router=router, library=starter_library)
    try:
        # The loop dispatches to exactly the tools the registry names, each built once.
        assert set(runtime.agent.tools) == {s.tool for s in TOOL_SPECS}
        answer = list(runtime.agent.run(Session(), "/help"))[-1].text
    finally:
        runtime.close()
    for s in SPECS:
        if s.label:
            assert f'**{s.label}**: "{s.example}"' in answer
        if s.slash and s.label:
            assert COMMANDS[s.slash].usage in answer
    assert ACCEPTED in answer


def test_an_unknown_intent_says_which_exist():
    import pytest

    with pytest.raises(ValueError, match="expected one of generate"):
        spec("dance")


def test_the_cli_tool_commands_are_the_registry():
    import cli.main

    modules = cli.main.command_modules()
    assert {f"cli.{s.cli}" for s in TOOL_SPECS if s.cli} <= set(modules)
    # Every writer tool has a `scriptroom` command, except a follow-up that needs the chat's options.
    assert {s.intent for s in TOOL_SPECS if not s.cli} == {"revise"}
    commands = set(cli.main.build_parser()._subparsers._group_actions[0].choices)
    assert {"generate", "critique", "summarize", "search", "style", "stats", "develop"} <= commands
