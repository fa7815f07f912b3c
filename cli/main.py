"""`scriptroom`: one command per capability, each with --json output. Heavy imports stay inside commands."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any, Sequence

from agent.errors import writer_error_types

# Each module adds its subcommands with add_parsers(subparsers). The writer tools' commands come from the registry
# (agent/registry.SPECS, each spec's `cli` module); these are the others.
OTHER_COMMANDS = ["cli.chat", "cli.ask", "cli.documents", "cli.route", "cli.finetune", "cli.users", "cli.data",
                  "cli.projects", "cli.revisions"]


def command_modules() -> list[str]:
    from agent.registry import SPECS

    tools = dict.fromkeys(f"cli.{s.cli}" for s in SPECS if s.cli)
    return [*OTHER_COMMANDS[:3], *tools, *OTHER_COMMANDS[3:]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scriptroom", description="Scriptroom, a writers' room for screenwriters.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in command_modules():
        importlib.import_module(name).add_parsers(sub)
    return parser


def command_group(sub: Any, name: str, help: str, metavar: str = "ACTION") -> Any:
    """A command whose next word is a required action (`scriptroom projects list`); returns the actions' parsers."""
    actions = sub.add_parser(name, help=help).add_subparsers(dest=f"{name}_command", metavar=metavar)
    actions.required = True
    return actions


def runs(parser: Any, func: Any, json_help: str = "print the result as JSON") -> None:
    """How a command ends: --json, the settings flags, and the function that runs it."""
    from agent.settings import add_settings_flags

    parser.add_argument("--json", action="store_true", help=json_help)
    add_settings_flags(parser)
    parser.set_defaults(func=func)


def emit(result: Any, as_json: bool, text: str | None = None) -> None:
    """Print a command's result: JSON for machines, text for people."""
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    else:
        print(text if text is not None else result)


def main(argv: Sequence[str] | None = None) -> int:
    from tools.embeddings import offline_models

    offline_models()  # before any command imports a Hub library, which reads the setting once
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except writer_error_types() as exc:
        print(f"scriptroom {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
