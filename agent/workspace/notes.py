"""Margin notes: critic findings pinned to the scenes of the revision the critic read.

A note follows its scene into later revisions by screenplay.diff's scene matching (a moved or edited scene keeps its
notes). A note the writer resolves stays resolved at that revision and at any later one where its scene's text is
unchanged.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any, Iterable

from agent.workspace import chunks, revstore
from agent.workspace.records import Note, WorkspaceError


def _parse(text: str) -> Any:
    from screenplay.formats import fountain

    return fountain.parse(text)


def _digests(script: Any) -> list[str]:
    return [chunks.text_digest(scene.text) for scene in script.scenes]


def _labels(script: Any) -> list[str]:
    return [s.heading.number or str(k + 1) for k, s in enumerate(script.scenes)]


def add(db: sqlite3.Connection, project_id: str, revision_id: int, findings: Iterable[dict[str, Any]]) -> int:
    """Store the critic's findings for a revision, replacing any earlier notes of that revision; one note per
    scene a finding names (a finding about the whole script gets one note with no scene)."""
    db.execute("DELETE FROM note_resolutions WHERE note_id IN (SELECT id FROM notes WHERE revision_id=?)",
               (revision_id,))
    db.execute("DELETE FROM notes WHERE revision_id=?", (revision_id,))
    count = 0
    now = time.time()
    for finding in findings:
        if not isinstance(finding, dict) or not str(finding.get("message", "")).strip():
            raise WorkspaceError("a note is a finding with a message, e.g. {'check': 'long_action', 'message': "
                                 "'...', 'scenes': ['3'], 'pages': [2], 'severity': 'warning'}")
        record = {"check": str(finding.get("check", "")), "message": str(finding["message"]),
                  "severity": str(finding.get("severity", "warning")),
                  "pages": [int(p) for p in finding.get("pages", []) if str(p).isdigit()]}
        for label in [str(s) for s in finding.get("scenes", [])] or [""]:
            db.execute("INSERT INTO notes (project_id, revision_id, label, finding, created) VALUES (?,?,?,?,?)",
                       (project_id, revision_id, label, json.dumps(record), now))
            count += 1
    return count


def listed(db: sqlite3.Connection, project_id: str, revision_id: int) -> list[Note]:
    """The notes of the latest critique at or before ``revision_id``, placed on that revision's scenes (a scene
    that moved or was edited is followed by screenplay.diff's matching; a scene that is gone gives scene 0)."""
    from screenplay.diff import match_scenes

    row = db.execute("SELECT MAX(revision_id) FROM notes WHERE project_id=? AND revision_id<=?",
                     (project_id, revision_id)).fetchone()
    if row[0] is None:
        return []
    read = _parse(revstore.text_of(db, row[0]))
    script = read if row[0] == revision_id else _parse(revstore.text_of(db, revision_id))
    pairs = match_scenes(read, script)
    read_labels, digests = _labels(read), _digests(script)
    out = []
    for note_id, label, finding in db.execute(
            "SELECT id, label, finding FROM notes WHERE revision_id=? ORDER BY id", (row[0],)).fetchall():
        where = pairs.get(read_labels.index(label)) if label in read_labels else None
        scene = where + 1 if where is not None else 0
        here = digests[where] if where is not None else ""
        resolved = db.execute(
            "SELECT 1 FROM note_resolutions WHERE note_id=? AND (revision_id=? OR (revision_id<? AND scene_digest=?))",
            (note_id, revision_id, revision_id, here)).fetchone() is not None
        record = json.loads(finding)
        out.append(Note(id=note_id, project_id=project_id, revision_id=row[0], scene=scene, label=label,
                        check=record["check"], message=record["message"], severity=record["severity"],
                        pages=tuple(record["pages"]), resolved=resolved))
    return out


def resolve(db: sqlite3.Connection, note_id: int, revision_id: int) -> Note:
    row = db.execute("SELECT project_id FROM notes WHERE id=?", (note_id,)).fetchone()
    if row is None:
        raise WorkspaceError(f"there is no note {note_id}")
    project_id = row[0]
    placed = next((n for n in listed(db, project_id, revision_id) if n.id == note_id), None)
    if placed is None:
        raise WorkspaceError(f"note {note_id} is not among the notes of revision {revision_id}")
    digests = _digests(_parse(revstore.text_of(db, revision_id)))
    db.execute("INSERT OR REPLACE INTO note_resolutions (note_id, revision_id, scene_digest, time) VALUES (?,?,?,?)",
               (note_id, revision_id, digests[placed.scene - 1] if placed.scene else "", time.time()))
    return next(n for n in listed(db, project_id, revision_id) if n.id == note_id)
