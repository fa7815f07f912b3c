"""`scriptroom users add|passwd|remove|list`: the accounts of a shared server (agent.accounts)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from cli.main import command_group, emit, runs


def add_parsers(sub: Any) -> None:
    users_sub = command_group(sub, "users", "accounts for a shared server: with any account, the app asks for a login")

    add = users_sub.add_parser("add", help="add a writer (asks for the password twice)")
    add.add_argument("name", help="login name: letters, digits, '.', '_' or '-'")
    add.add_argument("--admin", action="store_true",
                     help="may act for the whole server: switch its adapter, train, add to the shared library")
    passwd = users_sub.add_parser("passwd", help="set a new password for an account")
    passwd.add_argument("name")
    for p in (add, passwd):
        p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    remove = users_sub.add_parser("remove", help="remove an account and, unless --keep-data, all of its data")
    remove.add_argument("name")
    remove.add_argument("--keep-data", action="store_true", help="keep the writer's projects and judgements")
    listing = users_sub.add_parser("list", help="accounts and their roles, and writers with data but no account")
    for p, func in ((add, run_add), (passwd, run_passwd), (remove, run_remove), (listing, run_list)):
        runs(p, func)


def _accounts(args: argparse.Namespace) -> tuple[Any, Any]:
    from agent.accounts import Accounts
    from agent.settings import settings_from_args

    settings = settings_from_args(args)
    return settings, Accounts(settings.users_file)


def _password(args: argparse.Namespace) -> str:
    from agent.accounts import AccountError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("the two passwords differ; nothing was changed")
    return first


def run_add(args: argparse.Namespace) -> int:
    from agent.accounts import check_name

    settings, accounts = _accounts(args)
    check_name(args.name)  # before asking for a password it would throw away
    account = accounts.add(args.name, _password(args), admin=args.admin)
    emit({**account.public(), "users_file": str(settings.users_file)}, args.json,
         f"Added {account.role} {account.name}. Login is on for the app at the next page load "
         f"({settings.users_file}).")
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    _, accounts = _accounts(args)
    account = accounts.set_password(args.name, _password(args))
    emit(account.public(), args.json, f"New password set for {account.name}.")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from agent.storage import Storage

    settings, accounts = _accounts(args)
    account = accounts.remove(args.name)
    deleted = {} if args.keep_data else Storage(settings.database).delete_writer(account.name)
    emit({**account.public(), "deleted": deleted}, args.json,
         f"Removed {account.name}" + ("; their data is kept." if args.keep_data else
                                      f" and their data ({deleted['projects']} projects, "
                                      f"{deleted['preferences']} judgements)."))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from agent.storage import Storage

    settings, accounts = _accounts(args)
    data = Storage(settings.database).writers() if settings.database.exists() else {}
    empty = {"projects": 0, "preferences": 0}
    listed = [{**a.public(), **data.get(a.name, empty)} for a in accounts.list()]
    names = {a["name"] for a in listed}
    others = {w: counts for w, counts in data.items() if w not in names}
    lines = [f"{a['name']:<24} {a['role']:<7} {a['projects']:>3} projects {a['preferences']:>4} judgements"
             for a in listed] or ["No accounts: the app has no login (each browser is its own writer)."]
    if others:
        lines.append(f"Writers with data but no account (browser ids): {len(others)}")
        lines += [f"  {w}  {c['projects']} projects {c['preferences']} judgements" for w, c in others.items()]
    emit({"accounts": listed, "other_writers": others}, args.json, "\n".join(lines))
    return 0
