"""A project's whole history as plain JSON and back, for agent.backup's data export.

The export carries the store's own form (each distinct chunk once, each revision as a list of chunk digests), so a
project with hundreds of revisions exports about as small as it is stored. Revision and note ids are local to a
database: a restore gives them new ids and maps every pointer (parent, undo and redo, branch heads, notes) across.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from agent.workspace import chunks
from agent.workspace.records import WorkspaceError

_REVISION_FIELDS = ("id", "branch", "parent", "created", "time", "cause", "name", "digest", "back", "fwd", "scenes",
                    "pages")


def export_history(db: sqlite3.Connection, project_id: str) -> dict[str, Any]:
    revisions = []
    for row in db.execute(f"SELECT {', '.join(_REVISION_FIELDS)}, manifest FROM revisions WHERE project_id=? "
                          "ORDER BY id", (project_id,)):
        record = dict(zip(_REVISION_FIELDS, row[:-1]))
        record["chunks"] = [d.hex() for d in chunks.digests_of(row[-1])]
        revisions.append(record)
    return {
        "branch": db.execute("SELECT branch FROM projects WHERE id=?", (project_id,)).fetchone()[0],
        "branches": [dict(zip(("name", "head", "created", "forked_from"), r)) for r in db.execute(
            "SELECT name, head, created, forked_from FROM branches WHERE project_id=?", (project_id,))],
        "revisions": revisions,
        "chunks": {bytes(h).hex(): chunks.unpack(body) for h, body in db.execute(
            "SELECT hash, body FROM chunks WHERE project_id=?", (project_id,))},
        "notes": [dict(zip(("id", "revision_id", "label", "finding", "created"), r)) for r in db.execute(
            "SELECT id, revision_id, label, finding, created FROM notes WHERE project_id=?", (project_id,))],
        "resolutions": [dict(zip(("note_id", "revision_id", "scene_digest", "time"), r)) for r in db.execute(
            "SELECT r.note_id, r.revision_id, r.scene_digest, r.time FROM note_resolutions r "
            "JOIN notes n ON n.id = r.note_id WHERE n.project_id=?", (project_id,))],
    }


def import_history(db: sqlite3.Connection, project_id: str, history: dict[str, Any]) -> None:
    """Replace the project's revisions, branches and notes with ``history`` (from export_history)."""
    try:
        _import(db, project_id, history)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WorkspaceError(f"the project's history is malformed ({type(exc).__name__}: {exc})") from None


def _import(db: sqlite3.Connection, project_id: str, history: dict[str, Any]) -> None:
    db.execute("DELETE FROM note_resolutions WHERE note_id IN (SELECT id FROM notes WHERE project_id=?)", (project_id,))
    for table in ("revisions", "chunks", "branches", "notes"):
        db.execute(f"DELETE FROM {table} WHERE project_id=?", (project_id,))
    for hex_digest, text in history["chunks"].items():
        if chunks.digest(text).hex() != hex_digest:
            raise ValueError(f"chunk {hex_digest[:8]} does not match its text")
        db.execute("INSERT OR IGNORE INTO chunks (project_id, hash, body) VALUES (?,?,?)",
                   (project_id, bytes.fromhex(hex_digest), chunks.pack(text)))
    ids: dict[int, int] = {}
    for rev in history["revisions"]:
        manifest = chunks.manifest([bytes.fromhex(h) for h in rev["chunks"]])
        if any(h not in history["chunks"] for h in rev["chunks"]):
            raise ValueError(f"revision {rev['id']} names a chunk the export does not hold")
        cur = db.execute(
            "INSERT INTO revisions (project_id, branch, created, time, cause, name, manifest, digest, scenes, pages) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            (project_id, str(rev["branch"]), float(rev["created"]), float(rev["time"]), str(rev["cause"]),
             str(rev["name"]), manifest, str(rev["digest"]), int(rev["scenes"]), int(rev["pages"])))
        ids[int(rev["id"])] = int(cur.lastrowid)
    for rev in history["revisions"]:  # pointers once every revision has its new id
        db.execute("UPDATE revisions SET parent=?, back=?, fwd=? WHERE id=?",
                   (ids.get(rev["parent"]), ids.get(rev["back"]), ids.get(rev["fwd"]), ids[int(rev["id"])]))
    for branch in history["branches"]:
        db.execute("INSERT INTO branches (project_id, name, head, created, forked_from) VALUES (?,?,?,?,?)",
                   (project_id, str(branch["name"]), ids[int(branch["head"])], float(branch["created"]),
                    ids.get(branch["forked_from"])))
    names = {str(b["name"]) for b in history["branches"]}
    if not names:
        raise ValueError("no branches")
    current = str(history.get("branch") or "main")
    db.execute("UPDATE projects SET branch=? WHERE id=?", (current if current in names else sorted(names)[0],
                                                          project_id))
    note_ids: dict[int, int] = {}
    for note in history["notes"]:
        cur = db.execute("INSERT INTO notes (project_id, revision_id, label, finding, created) VALUES (?,?,?,?,?)",
                         (project_id, ids[int(note["revision_id"])], str(note["label"]), str(note["finding"]),
                          float(note["created"])))
        note_ids[int(note["id"])] = int(cur.lastrowid)
    for res in history["resolutions"]:
        db.execute("INSERT OR REPLACE INTO note_resolutions (note_id, revision_id, scene_digest, time) "
                   "VALUES (?,?,?,?)", (note_ids[int(res["note_id"])], ids[int(res["revision_id"])],
                                        str(res["scene_digest"]), float(res["time"])))
