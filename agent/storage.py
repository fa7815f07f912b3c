"""Durable per-writer storage in SQLite under the data directory: projects, chats, preferences.

SQLite in WAL mode gives atomic commits: a crash or kill loses at most the write in flight.
Each call opens its own short connection, so sessions on different threads never share one.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY,
    writer TEXT NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    fountain TEXT NOT NULL,
    bible TEXT NOT NULL DEFAULT '{}',
    chat TEXT NOT NULL DEFAULT '[]',
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS projects_writer ON projects(writer, updated);
CREATE TABLE IF NOT EXISTS preferences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    writer TEXT NOT NULL,
    kind TEXT NOT NULL,
    prompt TEXT NOT NULL,
    chosen TEXT NOT NULL,
    rejected TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS stories (
    project_id TEXT PRIMARY KEY,
    writer TEXT NOT NULL,
    story TEXT NOT NULL,
    updated REAL NOT NULL
);
"""


@dataclass
class PreferenceRecord:
    """One writer judgement: `chosen` preferred over `rejected` for `prompt` (DPO's triple).

    kind: "like" / "dislike" (a rated answer; rejected or chosen empty) or "pick" (one of N options).
    """

    prompt: str
    chosen: str
    rejected: str = ""
    kind: str = "pick"
    writer: str = ""
    created: float = field(default_factory=time.time)
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class StoredProject:
    id: str
    writer: str
    name: str
    source: str
    fountain: str
    bible: dict[str, Any]
    chat: list[dict[str, Any]]
    updated: float


class Storage:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:  # one transaction: committed whole or not at all
                yield db

    # ---- preferences -------------------------------------------------------------------
    def add_preference(self, record: PreferenceRecord, *, once: bool = False) -> int | None:
        """Store a judgement; with ``once``, not if the same writer already has the identical record (a re-import)."""
        with self._connect() as db:
            if once and db.execute(
                "SELECT 1 FROM preferences WHERE writer=? AND kind=? AND prompt=? AND chosen=? AND rejected=? AND created=?",
                (record.writer, record.kind, record.prompt, record.chosen, record.rejected, record.created),
            ).fetchone():
                return None
            cur = db.execute(
                "INSERT INTO preferences (writer, kind, prompt, chosen, rejected, created) VALUES (?,?,?,?,?,?)",
                (record.writer, record.kind, record.prompt, record.chosen, record.rejected, record.created),
            )
            return int(cur.lastrowid)

    def preferences(self, kind: str | None = None, writer: str | None = None) -> list[PreferenceRecord]:
        """Every stored judgement, or one kind's, or one writer's."""
        where = {"kind": kind, "writer": writer}
        clauses = [f"{column} = ?" for column, value in where.items() if value is not None]
        params = tuple(value for value in where.values() if value is not None)
        query = "SELECT id, writer, kind, prompt, chosen, rejected, created FROM preferences"
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY id", params).fetchall()
        return [
            PreferenceRecord(id=r[0], writer=r[1], kind=r[2], prompt=r[3], chosen=r[4], rejected=r[5], created=r[6])
            for r in rows
        ]

    # ---- projects ----------------------------------------------------------------------
    def save_project(
        self,
        *,
        writer: str,
        name: str,
        fountain: str,
        bible: dict[str, Any],
        chat: list[dict[str, Any]],
        source: str = "",
        project_id: str | None = None,
        updated: float | None = None,
    ) -> str:
        """Insert or update a project; ``updated`` (default now) orders a writer's projects, newest reopened first."""
        project_id = project_id or uuid.uuid4().hex
        with self._connect() as db:
            db.execute(
                "INSERT INTO projects (id, writer, name, source, fountain, bible, chat, updated) VALUES (?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, source=excluded.source, fountain=excluded.fountain, "
                "bible=excluded.bible, chat=excluded.chat, updated=excluded.updated WHERE projects.writer = excluded.writer",
                (project_id, writer, name, source, fountain, json.dumps(bible), json.dumps(chat), updated or time.time()),
            )
        return project_id

    def load_project(self, writer: str, project_id: str) -> StoredProject | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, writer, name, source, fountain, bible, chat, updated FROM projects WHERE id=? AND writer=?",
                (project_id, writer),
            ).fetchone()
        if row is None:
            return None
        return StoredProject(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), json.loads(row[6]), row[7])

    def list_projects(self, writer: str) -> list[tuple[str, str, float]]:
        with self._connect() as db:
            return [
                (r[0], r[1], r[2])
                for r in db.execute(
                    "SELECT id, name, updated FROM projects WHERE writer=? ORDER BY updated DESC", (writer,)
                )
            ]

    def project_owner(self, project_id: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT writer FROM projects WHERE id=?", (project_id,)).fetchone()
        return row[0] if row else None

    # ---- developed stories (tools.develop): the ladder behind a project's draft -------------
    def save_story(self, *, writer: str, project_id: str, story: dict[str, Any]) -> None:
        """Store the development records of a project (Story.to_dict()), replacing any earlier version."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO stories (project_id, writer, story, updated) VALUES (?,?,?,?) "
                "ON CONFLICT(project_id) DO UPDATE SET story=excluded.story, updated=excluded.updated "
                "WHERE stories.writer = excluded.writer",
                (project_id, writer, json.dumps(story), time.time()),
            )

    def load_story(self, writer: str, project_id: str) -> dict[str, Any] | None:
        with self._connect() as db:
            row = db.execute("SELECT story FROM stories WHERE project_id=? AND writer=?", (project_id, writer)).fetchone()
        return json.loads(row[0]) if row else None

    # ---- writers -----------------------------------------------------------------------
    def writers(self) -> dict[str, dict[str, int]]:
        """Every writer with stored data: {writer: {"projects": n, "preferences": n}}."""
        found: dict[str, dict[str, int]] = {}
        with self._connect() as db:
            for table in ("projects", "preferences"):
                for writer, n in db.execute(f"SELECT writer, COUNT(*) FROM {table} GROUP BY writer"):
                    found.setdefault(writer, {"projects": 0, "preferences": 0})[table] = n
        return found

    def delete_writer(self, writer: str) -> dict[str, int]:
        """Remove everything a writer stored (one transaction); returns how many rows went from each table."""
        with self._connect() as db:
            return {table: db.execute(f"DELETE FROM {table} WHERE writer=?", (writer,)).rowcount
                    for table in ("projects", "preferences", "stories")}
