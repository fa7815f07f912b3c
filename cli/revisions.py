"""`scriptroom revisions list|show|diff|restore|name|undo|redo` and `scriptroom branches list|fork|switch|bring`:
a project's history in the store (agent.workspace), for scripts and tests without a browser."""

from __future__ import annotations

import argparse
from typing import Any

from cli.main import command_group, emit, runs
from cli.projects import _when, open_project


def add_parsers(sub: Any) -> None:
    actions = command_group(sub, "revisions", "a project's revisions: list, show, diff, restore, name, undo, redo")
    listing = _action(actions, "list", help="a branch's revisions, newest first")
    listing.add_argument("--branch", default=None, help="this branch instead of the current one")
    show = _action(actions, "show", help="one revision's Fountain text")
    show.add_argument("revision", type=int)
    diff = _action(actions, "diff", help="scenes added, removed, moved and changed from one revision to another")
    diff.add_argument("a", type=int, help="the earlier revision")
    diff.add_argument("b", type=int, nargs="?", default=None, help="the later one (default: the current head)")
    restore = _action(actions, "restore", help="a revision's text as a new revision")
    restore.add_argument("revision", type=int)
    name = _action(actions, "name", help="name a revision, e.g. 'Draft 2: producer notes'")
    name.add_argument("revision", type=int)
    name.add_argument("name")
    undo = _action(actions, "undo", help="back to the text before the last change (a new revision)")
    redo = _action(actions, "redo", help="forward again after an undo")
    for p in (undo, redo):
        p.add_argument("--branch", default=None)

    bactions = command_group(sub, "branches", "a project's branches: list, fork, switch, bring a scene across")
    blist = _action(bactions, "list", help="the branches, the current one marked")
    fork = _action(bactions, "fork", help="a new branch from the current head (or --from REVISION); you are on it")
    fork.add_argument("name")
    fork.add_argument("--from", dest="from_revision", type=int, default=None)
    switch = _action(bactions, "switch", help="work on another branch")
    switch.add_argument("branch")
    bring = _action(bactions, "bring", help="copy a scene from another branch into the current one")
    bring.add_argument("from_branch")
    bring.add_argument("scene", type=int, help="the scene's position on that branch (1-based)")
    bring.add_argument("--at", type=int, default=None, help="put it before this scene (default: replace the scene "
                                                            "with the same heading, else the same position)")
    handlers = ((listing, run_list), (show, run_show), (diff, run_diff), (restore, run_restore), (name, run_name),
                (undo, run_undo), (redo, run_redo), (blist, run_branches), (fork, run_fork), (switch, run_switch),
                (bring, run_bring))
    for p, func in handlers:
        p.add_argument("--writer", default=None, help="whose project (default: the owner of the id)")
        runs(p, func)


def _action(actions: Any, name: str, **kwargs: Any) -> Any:
    """A subcommand whose first argument is the project."""
    parser = actions.add_parser(name, **kwargs)
    parser.add_argument("project", help="a project id, a unique prefix of one (4+ characters), or with --writer "
                                        "its name")
    return parser


def _revision_line(r: Any) -> str:
    name = f"  “{r.name}”" if r.name else ""
    return f"{r.id:>6}  {_when(r.time)}  {r.branch:<10} {r.cause:<11} {r.scenes} scenes, {r.pages} pp{name}"


def _of_project(ws: Any, pid: str, rev_id: int) -> Any:
    from agent.workspace import WorkspaceError

    revision = ws.revision(rev_id)
    if revision.project_id != pid:
        recent = ", ".join(str(r.id) for r in ws.revisions(pid)[:10])
        raise WorkspaceError(f"revision {rev_id} is not one of this project's; its latest are {recent}")
    return revision


def run_list(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    found = ws.revisions(pid, args.branch)
    emit([r.to_dict(text=False) for r in found], args.json, "\n".join(_revision_line(r) for r in found))
    return 0


def run_show(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    revision = _of_project(ws, pid, args.revision)
    emit(revision.to_dict(), args.json, revision.fountain)
    return 0


def run_diff(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    a = _of_project(ws, pid, args.a).id
    b = _of_project(ws, pid, args.b).id if args.b is not None else ws.head(pid).id
    result = ws.diff(a, b)
    emit({"from": a, "to": b, **result.to_dict()}, args.json, f"Revision {a} → {b}: {result.render()}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    revision = ws.restore(_of_project(ws, pid, args.revision).id)
    emit(revision.to_dict(text=False), args.json,
         f"Restored revision {args.revision} as revision {revision.id} on {revision.branch}.")
    return 0


def run_name(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    revision = ws.name_revision(_of_project(ws, pid, args.revision).id, args.name)
    emit(revision.to_dict(text=False), args.json, f"Named revision {revision.id} “{revision.name}”.")
    return 0


def _step(args: argparse.Namespace, direction: str) -> int:
    ws, pid = open_project(args)
    revision = (ws.undo if direction == "undo" else ws.redo)(pid, args.branch)
    if revision is None:
        emit(None, args.json, f"Nothing to {direction}.")
        return 0
    emit(revision.to_dict(text=False), args.json, f"{direction.capitalize()}: revision {revision.id}.")
    return 0


def run_undo(args: argparse.Namespace) -> int:
    return _step(args, "undo")


def run_redo(args: argparse.Namespace) -> int:
    return _step(args, "redo")


def run_branches(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    found = ws.branches(pid)
    emit([b.to_dict() for b in found], args.json,
         "\n".join(f"{'*' if b.current else ' '} {b.name:<16} head {b.head}" for b in found))
    return 0


def run_fork(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    if args.from_revision is not None:
        _of_project(ws, pid, args.from_revision)
    branch = ws.fork(pid, args.name, args.from_revision)
    emit(branch.to_dict(), args.json, f"Forked {branch.name} from revision {branch.forked_from}; you are on it.")
    return 0


def run_switch(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    head = ws.switch(pid, args.branch)
    emit(head.to_dict(text=False), args.json, f"On {head.branch} (revision {head.id}).")
    return 0


def run_bring(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    revision = ws.bring_scene(pid, args.from_branch, args.scene, at=args.at)
    emit(revision.to_dict(text=False), args.json,
         f"Brought scene {args.scene} of {args.from_branch} into {revision.branch} as revision {revision.id}.")
    return 0
