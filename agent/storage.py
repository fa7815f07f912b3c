"""Durable per-writer storage in SQLite under the data directory: projects, chats, preferences, and each project's
revisions, branches and margin notes (agent.workspace reads and writes those).

SQLite in WAL mode gives atomic commits: a crash or kill loses at most the write in flight.
Each call opens its own short connection, so sessions on different threads never share one.
The schema version lives in ``PRAGMA user_version``; opening an older data directory migrates it in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from screenplay.record import Record

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

# Version 2: a project's text lives in its revisions (projects.fountain is kept empty), on branches.
SCHEMA_VERSION = 2
REVISION_SCHEMA = """
CREATE TABLE IF NOT EXISTS revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL,
    branch TEXT NOT NULL,
    parent INTEGER,
    created REAL NOT NULL,
    time REAL NOT NULL,
    cause TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    manifest BLOB NOT NULL,
    digest TEXT NOT NULL,
    back INTEGER,
    fwd INTEGER,
    scenes INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS revisions_branch ON revisions(project_id, branch, id);
CREATE TABLE IF NOT EXISTS chunks (
    project_id TEXT NOT NULL,
    hash BLOB NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (project_id, hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS branches (
    project_id TEXT NOT NULL,
    name TEXT NOT NULL,
    head INTEGER NOT NULL,
    created REAL NOT NULL,
    forked_from INTEGER,
    PRIMARY KEY (project_id, name)
);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id TEXT NOT NULL,
    revision_id INTEGER NOT NULL,
    label TEXT NOT NULL,
    finding TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_project ON notes(project_id, revision_id);
CREATE TABLE IF NOT EXISTS note_resolutions (
    note_id INTEGER NOT NULL,
    revision_id INTEGER NOT NULL,
    scene_digest TEXT NOT NULL,
    time REAL NOT NULL,
    PRIMARY KEY (note_id, revision_id)
);
"""
# Tables keyed by project id rather than writer: what goes when a project or a writer is purged.
PROJECT_TABLES = ("revisions", "chunks", "branches", "notes")


@dataclass
class PreferenceRecord(Record):
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
        with self._connect() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION
        if not current:  # the write lock only when there is something to migrate (re-checked under it)
            with self.transaction() as db:
                self._migrate(db)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:  # one transaction: committed whole or not at all
                yield db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that holds the write lock from its first read (BEGIN IMMEDIATE), so a
        read-then-write (a branch's head, then the revision after it) cannot interleave with another writer's."""
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query in it sees the same committed state (WAL snapshot), so a revision's
        manifest and its chunks are read as of one moment even while another thread saves."""
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("ROLLBACK")

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Bring an older database up to SCHEMA_VERSION: every version-1 project becomes a project with one
        revision (cause "import") on branch main."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        from agent.workspace import revstore

        columns = {row[1] for row in db.execute("PRAGMA table_info(projects)")}
        if "branch" not in columns:
            db.execute("ALTER TABLE projects ADD COLUMN branch TEXT NOT NULL DEFAULT 'main'")
        if "deleted" not in columns:
            db.execute("ALTER TABLE projects ADD COLUMN deleted REAL")
        for statement in REVISION_SCHEMA.split(";"):  # executescript would commit the transaction half-way
            if statement.strip():
                db.execute(statement)
        for project_id, fountain_text, updated in db.execute(
                "SELECT id, fountain, updated FROM projects WHERE id NOT IN (SELECT project_id FROM branches)"
        ).fetchall():
            revstore.new_project_text(db, project_id, fountain_text, "import", now=updated)
        db.execute("UPDATE projects SET fountain=''")
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

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
        fountain: str | None,
        bible: dict[str, Any],
        chat: list[dict[str, Any]],
        source: str = "",
        project_id: str | None = None,
        updated: float | None = None,
        cause: str = "save",
    ) -> str:
        """Insert or update a project; its text becomes the head of its current branch as a revision with ``cause``
        (no new revision when the text is unchanged; ``fountain=None`` keeps the text and updates the rest).
        ``updated`` (default now) orders a writer's projects, newest reopened first. Another writer's id is left
        alone."""
        from agent.workspace import revstore

        project_id = project_id or uuid.uuid4().hex
        now = updated or time.time()
        with self.transaction() as db:
            row = db.execute("SELECT writer, branch FROM projects WHERE id=?", (project_id,)).fetchone()
            if row is not None and row[0] != writer:
                return project_id
            db.execute(
                "INSERT INTO projects (id, writer, name, source, fountain, bible, chat, updated) VALUES (?,?,?,?,'',?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET name=excluded.name, source=excluded.source, bible=excluded.bible, "
                "chat=excluded.chat, updated=excluded.updated",
                (project_id, writer, name, source, json.dumps(bible), json.dumps(chat), now),
            )
            if fountain is not None:
                revstore.write(db, project_id, row[1] if row else "main", fountain, cause, now=now,
                               back=None if row is None else "parent")
            elif row is None:
                raise ValueError("a new project needs its text")
            db.execute("UPDATE projects SET updated=? WHERE id=?", (now, project_id))
        return project_id

    def load_project(self, writer: str, project_id: str) -> StoredProject | None:
        """A live (not deleted) project with the text of its current branch's head."""
        from agent.workspace import revstore

        with self.read() as db:
            row = db.execute(
                "SELECT id, writer, name, source, fountain, bible, chat, updated, branch FROM projects "
                "WHERE id=? AND writer=? AND deleted IS NULL",
                (project_id, writer),
            ).fetchone()
            if row is None:
                return None
            head = revstore.branch_head(db, project_id, row[8])
            text = revstore.text_of(db, head) if head is not None else row[4]
        return StoredProject(row[0], row[1], row[2], row[3], text, json.loads(row[5]), json.loads(row[6]), row[7])

    def list_projects(self, writer: str) -> list[tuple[str, str, float]]:
        """A writer's live projects (not in the trash), newest first."""
        with self._connect() as db:
            return [
                (r[0], r[1], r[2])
                for r in db.execute(
                    "SELECT id, name, updated FROM projects WHERE writer=? AND deleted IS NULL ORDER BY updated DESC",
                    (writer,),
                )
            ]

    def all_projects(self) -> list[tuple[str, str, str]]:
        """(id, writer, name) of every project on this server, trash included, newest first: for the admin's CLI."""
        with self._connect() as db:
            return [tuple(r) for r in db.execute("SELECT id, writer, name FROM projects ORDER BY updated DESC")]

    def project_owner(self, project_id: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT writer FROM projects WHERE id=?", (project_id,)).fetchone()
        return row[0] if row else None

    def purge_projects(self, db: sqlite3.Connection, project_ids: list[str]) -> int:
        """Remove projects and everything stored under them, inside the caller's transaction; returns how many."""
        for project_id in project_ids:
            db.execute("DELETE FROM note_resolutions WHERE note_id IN (SELECT id FROM notes WHERE project_id=?)",
                       (project_id,))
            for table in PROJECT_TABLES:
                db.execute(f"DELETE FROM {table} WHERE project_id=?", (project_id,))
            db.execute("DELETE FROM stories WHERE project_id=?", (project_id,))
            db.execute("DELETE FROM projects WHERE id=?", (project_id,))
        return len(project_ids)

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
        with self.transaction() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM projects WHERE writer=?", (writer,))]
            stories = db.execute("DELETE FROM stories WHERE writer=?", (writer,)).rowcount
            return {"projects": self.purge_projects(db, ids),
                    "preferences": db.execute("DELETE FROM preferences WHERE writer=?", (writer,)).rowcount,
                    "stories": stories}
