"""A writer's data as one zip they can keep: every project as Fountain and Final Draft with its story bible and
chat, and their stored judgements (likes, dislikes, picks); and the way back in.

Layout (version 1): manifest.json; projects/<folder>/project.json (what a restore reads) beside <name>.fountain
and <name>.fdx (what a writer opens), history.json (every revision, branch and margin note: agent.workspace.transfer)
and, for a developed story, story.json (its ladder); preferences.jsonl. An export without history.json (from before
revisions) restores as one revision.
"""

from __future__ import annotations

import io
import json
import time
import uuid
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from agent.storage import PreferenceRecord, Storage
from screenplay.record import Record

FORMAT = "scriptroom-writer-data"
VERSION = 1
# A restore reads an upload: refuse members that would inflate past these (a zip bomb), before reading them.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024


class BackupError(ValueError):
    """A writer-data export or restore that cannot be done; the message says what was wrong and what works."""


@dataclass(frozen=True)
class BackupReport(Record):
    writer: str
    projects: int
    preferences: int
    path: str = ""
    skipped: tuple[str, ...] = ()  # what could not be included or restored, and why


def export_writer(storage: Storage, writer: str, out: str | Path) -> BackupReport:
    """Write everything ``writer`` stored to the zip ``out`` (atomically). A writer with nothing stored is an error
    that lists the writers who have data."""
    from screenplay.files import atomic_write_bytes

    projects = [p for pid, _, _ in storage.list_projects(writer) if (p := storage.load_project(writer, pid))]
    prefs = storage.preferences(writer=writer)
    if not projects and not prefs:
        raise BackupError(f"writer {writer!r} has no stored data; writers with data: {_known(storage)}")
    buffer = io.BytesIO()
    skipped: list[str] = []
    listed = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for project in projects:
            folder = f"projects/{_slug(project.name)}-{project.id[:8]}"
            stem = _slug(project.name)
            record = {k: getattr(project, k) for k in ("id", "name", "source", "fountain", "bible", "chat", "updated")}
            zf.writestr(f"{folder}/project.json", json.dumps(record, ensure_ascii=False, indent=1))
            story = storage.load_story(writer, project.id)
            if story is not None:
                zf.writestr(f"{folder}/story.json", json.dumps(story, ensure_ascii=False, indent=1))
            zf.writestr(f"{folder}/history.json", json.dumps(_history(storage, project.id), ensure_ascii=False))
            zf.writestr(f"{folder}/{stem}.fountain", project.fountain)
            fdx = _fdx(project.fountain)
            if isinstance(fdx, bytes):
                zf.writestr(f"{folder}/{stem}.fdx", fdx)
            else:
                skipped.append(f"{project.name}: no FDX ({fdx})")
            listed.append({"id": project.id, "name": project.name, "folder": folder})
        zf.writestr("preferences.jsonl", "".join(
            json.dumps({k: v for k, v in r.to_dict().items() if k not in ("id", "writer")}, ensure_ascii=False) + "\n"
            for r in prefs
        ))
        manifest = {"format": FORMAT, "version": VERSION, "writer": writer, "exported": time.time(),
                    "projects": listed, "preferences": len(prefs)}
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    path = atomic_write_bytes(out, buffer.getvalue())
    return BackupReport(writer, len(projects), len(prefs), str(path), tuple(skipped))


def import_writer(storage: Storage, source: str | Path, writer: str | None = None) -> BackupReport:
    """Restore a zip made by export_writer, for ``writer`` (default: the writer it was exported from).

    Restoring twice changes nothing: a project keeps its id (and is overwritten) unless another writer holds that
    id, when it gets a new one; an identical judgement is not stored again.
    """
    try:
        zf = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{source} is not a Scriptroom data export ({exc}); use a zip from `scriptroom export-data`") from None
    with zf:
        _check_sizes(zf, source)
        manifest = _json(zf, "manifest.json", source)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{source} is not a Scriptroom data export; use a zip from `scriptroom export-data`")
        if manifest.get("version") != VERSION:
            raise BackupError(f"{source} is export version {manifest.get('version')}; this Scriptroom reads "
                              f"version {VERSION}")
        writer = writer or str(manifest.get("writer") or "")
        if not writer:
            raise BackupError("the export names no writer; say whose data it is with --writer NAME")
        skipped: list[str] = []
        restored = 0
        for entry in manifest.get("projects", []):
            folder = str(entry.get("folder", "")) if isinstance(entry, dict) else ""
            try:
                project_id = _restore_project(storage, writer, _json(zf, f"{folder}/project.json", source))
                if f"{folder}/history.json" in zf.namelist():
                    _restore_history(storage, project_id, _json(zf, f"{folder}/history.json", source))
                if f"{folder}/story.json" in zf.namelist():
                    story = _json(zf, f"{folder}/story.json", source)
                    if isinstance(story, dict):
                        storage.save_story(writer=writer, project_id=project_id, story=story)
                restored += 1
            except BackupError as exc:
                skipped.append(f"{folder or entry}: {exc}")
        prefs = 0
        for line in _text(zf, "preferences.jsonl", source).splitlines():
            if not line.strip():
                continue
            try:
                record = PreferenceRecord(**{**json.loads(line), "writer": writer})
            except (ValueError, TypeError) as exc:
                skipped.append(f"a preference line: {exc}")
                continue
            prefs += storage.add_preference(record, once=True) is not None
    return BackupReport(writer, restored, prefs, str(source), tuple(skipped))


def _restore_project(storage: Storage, writer: str, record: Any) -> str:
    if not isinstance(record, dict) or not isinstance(record.get("fountain"), str):
        raise BackupError("project.json has no Fountain text")
    from screenplay.bible import StoryBible

    bible = record.get("bible") if isinstance(record.get("bible"), dict) else {}
    known = {f.name for f in fields(StoryBible)}
    chat = record.get("chat") if isinstance(record.get("chat"), list) else []
    project_id = str(record.get("id") or "")
    if not project_id or storage.project_owner(project_id) not in (None, writer):
        project_id = uuid.uuid4().hex  # another writer's id on this server: never overwrite their project
    return storage.save_project(
        writer=writer, name=str(record.get("name") or "Untitled"), source=str(record.get("source") or ""),
        fountain=record["fountain"], bible={k: v for k, v in bible.items() if k in known},
        chat=[m for m in chat if isinstance(m, dict)], project_id=project_id,
        updated=record["updated"] if isinstance(record.get("updated"), (int, float)) else None,
    )


def _history(storage: Storage, project_id: str) -> dict[str, Any]:
    from agent.workspace.transfer import export_history

    with storage.read() as db:
        return export_history(db, project_id)


def _restore_history(storage: Storage, project_id: str, history: Any) -> None:
    """The project's revisions, branches and notes as exported (replacing what this server had for it)."""
    from agent.workspace import WorkspaceError
    from agent.workspace.transfer import import_history

    if not isinstance(history, dict):
        raise BackupError("history.json is not a project history")
    try:
        with storage.transaction() as db:
            import_history(db, project_id, history)
    except WorkspaceError as exc:
        raise BackupError(str(exc)) from None


def _fdx(fountain_text: str) -> bytes | str:
    """The project as Final Draft bytes, or why it could not be written."""
    from screenplay.errors import ScriptExportError
    from screenplay.formats import fountain
    from screenplay.io import render

    try:
        return render(fountain.parse(fountain_text), "fdx")
    except ScriptExportError as exc:
        return str(exc)


def _check_sizes(zf: zipfile.ZipFile, source: Any) -> None:
    infos = zf.infolist()
    too_big = next((i.filename for i in infos if i.file_size > MAX_MEMBER_BYTES), None)
    if too_big or sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise BackupError(f"{source} unpacks to more than a data export can hold ({too_big or 'in all'}); "
                          f"members up to {MAX_MEMBER_BYTES >> 20} MB, {MAX_TOTAL_BYTES >> 20} MB in all")


def _text(zf: zipfile.ZipFile, name: str, source: Any) -> str:
    try:
        return zf.read(name).decode("utf-8")
    except KeyError:
        raise BackupError(f"{source} has no {name}") from None
    except (UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{name} in {source} is unreadable ({exc})") from None


def _json(zf: zipfile.ZipFile, name: str, source: Any) -> Any:
    try:
        return json.loads(_text(zf, name, source))
    except ValueError as exc:
        raise BackupError(f"{name} in {source} is not JSON ({exc})") from None


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name).strip("_")[:60] or "draft"


def _known(storage: Storage) -> str:
    return ", ".join(sorted(storage.writers())) or "none"
