"""`scriptroom projects list|show|export|rename|duplicate|delete|undelete`: a writer's projects in the store
(agent.workspace), the same one the app writes to, so a writer can script backups without a browser."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from cli.main import command_group, emit, runs


def add_parsers(sub: Any) -> None:
    actions = command_group(sub, "projects", "a writer's projects: list, show, export, rename, duplicate, delete")
    listing = actions.add_parser("list", help="a writer's projects, newest first")
    listing.add_argument("writer", help="the account name or browser writer id (`scriptroom users list`)")
    listing.add_argument("--trash", action="store_true", help="the deleted projects that can still be brought back")
    show = actions.add_parser("show", help="one project: its branches, latest revisions and outline")
    _project_argument(show)
    export = actions.add_parser("export", help="a project's draft (or one revision of it) as Fountain, FDX or PDF")
    _project_argument(export)
    export.add_argument("-o", "--output", required=True, help="the file to write; its extension picks the format")
    export.add_argument("--revision", type=int, default=None, help="this revision instead of the current head")
    rename = actions.add_parser("rename", help="give a project a new name")
    _project_argument(rename)
    rename.add_argument("name")
    duplicate = actions.add_parser("duplicate", help="a new project holding this one's current draft")
    _project_argument(duplicate)
    duplicate.add_argument("--name", default=None, help="the copy's name (default: NAME (copy))")
    delete = actions.add_parser("delete", help="move a project to the trash (undelete brings it back for 10 minutes)")
    _project_argument(delete)
    undelete = actions.add_parser("undelete", help="bring a deleted project back from the trash")
    _project_argument(undelete)
    for p in (show, export, rename, duplicate, delete, undelete):
        p.add_argument("--writer", default=None, help="whose project (default: the owner of the id)")
    for p, func in ((listing, run_list), (show, run_show), (export, run_export), (rename, run_rename),
                    (duplicate, run_duplicate), (delete, run_delete), (undelete, run_undelete)):
        runs(p, func)


def _project_argument(parser: Any) -> None:
    parser.add_argument("project", help="a project id, a unique prefix of one (4+ characters), or with --writer "
                                        "its name")


def storage_of(args: argparse.Namespace) -> Any:
    from agent.settings import settings_from_args
    from agent.storage import Storage

    return Storage(settings_from_args(args).database)


def open_project(args: argparse.Namespace, *, deleted: bool = False) -> tuple[Any, str]:
    """(Workspace of the project's writer, project id) for ``args.project``; unknown ids list what exists."""
    from agent.workspace import Workspace, WorkspaceError

    storage = storage_of(args)
    writer = args.writer
    if not writer:
        ref = str(args.project).strip()
        rows = storage.all_projects()
        hits = [r for r in rows if r[0] == ref] or ([r for r in rows if r[0].startswith(ref)] if len(ref) >= 4 else [])
        if len(hits) != 1:
            listed = ", ".join(f"{pid[:8]} ({name}, {who})" for pid, who, name in rows[:20]) or "none"
            why = f"{ref!r} matches {len(hits)} projects" if hits else f"there is no project {ref!r}"
            raise WorkspaceError(f"{why}; give a longer id or --writer and the name. Projects: {listed}")
        writer = hits[0][1]
    ws = Workspace(storage, writer)
    return ws, ws.resolve(args.project, deleted=deleted)


def _when(stamp: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp)) if stamp else "-"


def summary_line(p: Any) -> str:
    branches = f", {p.branches} branches (on {p.branch})" if p.branches > 1 else ""
    return f"{p.id[:8]}  {p.name}  {p.scenes} scenes, {p.pages} pages{branches}  {_when(p.updated)}"


def run_list(args: argparse.Namespace) -> int:
    from agent.workspace import Workspace

    ws = Workspace(storage_of(args), args.writer)
    found = ws.trash() if args.trash else ws.projects()
    where = "in the trash" if args.trash else "projects"
    emit([p.to_dict() for p in found], args.json,
         "\n".join(summary_line(p) for p in found) or f"{args.writer} has no {where}.")
    return 0


def run_show(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    project = ws.get(pid)
    branches = ws.branches(pid)
    revisions = ws.revisions(pid)
    cards = ws.outline(pid)
    result = {"project": project.to_dict(), "branches": [b.to_dict() for b in branches],
              "revisions": [r.to_dict(text=False) for r in revisions], "outline": [c.to_dict() for c in cards]}
    lines = [summary_line(project), "branches: " + ", ".join(b.name + (" *" if b.current else "") for b in branches),
             f"revisions on {project.branch} (newest first):"]
    lines += [f"  {r.id:>6}  {_when(r.time)}  {r.cause:<11} {r.name}" for r in revisions[:15]]
    if len(revisions) > 15:
        lines.append(f"  ... {len(revisions) - 15} more")
    lines.append("outline:")
    lines += [f"  {c.number:>3}. [{c.act_label}] {c.heading}" + (f" — {c.synopsis}" if c.synopsis else "")
              for c in cards]
    emit(result, args.json, "\n".join(lines))
    return 0


def run_export(args: argparse.Namespace) -> int:
    from agent.workspace import WorkspaceError
    from screenplay.formats import fountain
    from screenplay.io import save

    ws, pid = open_project(args)
    revision = ws.revision(args.revision) if args.revision is not None else ws.head(pid)
    if revision.project_id != pid:
        raise WorkspaceError(f"revision {revision.id} is not one of project {pid[:8]}'s; "
                             "`scriptroom revisions list` shows them")
    path = save(fountain.parse(revision.fountain), Path(args.output))
    emit({"path": str(path), "revision": revision.id, "project": pid}, args.json,
         f"Wrote {path} (revision {revision.id} of {ws.get(pid).name}).")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    project = ws.rename(pid, args.name)
    emit(project.to_dict(), args.json, f"Renamed {project.id[:8]} to {project.name}.")
    return 0


def run_duplicate(args: argparse.Namespace) -> int:
    ws, pid = open_project(args)
    copy = ws.duplicate(pid, args.name)
    emit(copy.to_dict(), args.json, f"Duplicated as {copy.id[:8]} {copy.name}.")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from agent.workspace import TRASH_S

    ws, pid = open_project(args)
    project = ws.delete(pid)
    emit(project.to_dict(), args.json, f"Moved {project.name} to the trash; `scriptroom projects undelete "
                                       f"{project.id[:8]}` brings it back within {TRASH_S / 60:.0f} minutes.")
    return 0


def run_undelete(args: argparse.Namespace) -> int:
    ws, pid = open_project(args, deleted=True)
    project = ws.undelete(pid)
    emit(project.to_dict(), args.json, f"Brought {project.name} back.")
    return 0
