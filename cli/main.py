"""`scriptroom`: one command per capability, each with --json output. Heavy imports stay inside commands."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any, Sequence

# Each module adds its subcommands with add_parsers(subparsers); listed here so --help stays fast.
COMMAND_MODULES = [
    "cli.chat",
    "cli.documents",
    "cli.library",
    "cli.route",
    "cli.generate",
    "cli.critique",
    "cli.summarize",
    "cli.style",
    "cli.finetune",
    "cli.users",
    "cli.data",
]

# Errors a writer can cause: printed as one clear line, exit status 2. Anything else is a bug and raises.
USER_ERRORS = [
    ("agent.settings", "SettingsError"),
    ("agent.models.errors", "ModelUnavailableError"),
    ("screenplay.errors", "ScriptImportError"),
    ("screenplay.errors", "ScriptExportError"),
    ("tools.library.errors", "LibraryError"),
    ("tools.base", "ToolError"),
    ("finetune.errors", "FinetuneError"),
    ("agent.accounts", "AccountError"),
    ("agent.backup", "BackupError"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scriptroom", description="Scriptroom, a writers' room for screenwriters.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parsers(sub)
    return parser


def emit(result: Any, as_json: bool, text: str | None = None) -> None:
    """Print a command's result: JSON for machines, text for people."""
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    else:
        print(text if text is not None else result)


def _user_error_types() -> tuple[type[BaseException], ...]:
    types = []
    for module, name in USER_ERRORS:
        try:
            types.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(types)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except _user_error_types() as exc:
        print(f"scriptroom {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
