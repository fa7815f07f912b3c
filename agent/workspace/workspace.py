"""One writer's projects: create, list, rename, duplicate, trash; revisions, undo and redo; branches.

Every method checks the project belongs to this writer, runs in one transaction, and raises WorkspaceError with a
one-line message naming what exists when an id is wrong.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from typing import Any

from agent.storage import Storage
from agent.workspace import notes, revstore
from agent.workspace.records import Branch, Note, ProjectSummary, Revision, WorkspaceError

TRASH_S = 600.0  # a deleted project can be brought back for ten minutes, then it is purged
MAX_TEXT_CHARS = 4_000_000  # a draft larger than any screenplay (a 120-page script is about 200,000)
MAX_NAME_CHARS = 200
_SUMMARY = (
    "SELECT p.id, p.name, p.updated, COALESCE(r.scenes, 0), COALESCE(r.pages, 0), "
    "(SELECT COUNT(*) FROM branches x WHERE x.project_id = p.id), p.branch, p.source, p.deleted "
    "FROM projects p LEFT JOIN branches b ON b.project_id = p.id AND b.name = p.branch "
    "LEFT JOIN revisions r ON r.id = b.head"
)


class Workspace:
    def __init__(self, storage: Storage, writer: str):
        if not writer:
            raise WorkspaceError("a workspace belongs to a writer: sign in first (a visitor keeps nothing)")
        self.storage = storage
        self.writer = writer

    # ---- projects ----------------------------------------------------------------------
    def projects(self) -> list[ProjectSummary]:
        """Live projects, most recently changed first."""
        return self._listed("p.deleted IS NULL ORDER BY p.updated DESC")

    def trash(self) -> list[ProjectSummary]:
        """Deleted projects still inside their undo window."""
        return self._listed("p.deleted IS NOT NULL ORDER BY p.deleted DESC")

    def _listed(self, where: str) -> list[ProjectSummary]:
        with self.storage.transaction() as db:
            self._purge_expired(db)
            return self._measured(db, db.execute(f"{_SUMMARY} WHERE p.writer=? AND {where}", (self.writer,)).fetchall())

    def resolve(self, ref: str, *, deleted: bool = False) -> str:
        """The id of this writer's project named by ``ref`` (id, unique id prefix or exact name; in the trash with
        ``deleted``); an error listing the projects otherwise."""
        with self.storage.read() as db:
            return self._project(db, ref, deleted=deleted)

    def get(self, project_id: str) -> ProjectSummary:
        with self.storage.transaction() as db:
            return self._summary(db, self._project(db, project_id))

    def create(self, name: str, fountain: str, source: str = "", *, cause: str = "import") -> ProjectSummary:
        name = _name(name)
        _check_text(fountain)
        project_id = uuid.uuid4().hex
        with self.storage.transaction() as db:
            db.execute("INSERT INTO projects (id, writer, name, source, fountain, updated) VALUES (?,?,?,?,'',?)",
                       (project_id, self.writer, name, source, time.time()))
            revstore.new_project_text(db, project_id, fountain, cause)
            return self._summary(db, project_id)

    def rename(self, project_id: str, name: str) -> ProjectSummary:
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            db.execute("UPDATE projects SET name=?, updated=? WHERE id=?", (_name(name), time.time(), project_id))
            return self._summary(db, project_id)

    def duplicate(self, project_id: str, name: str | None = None) -> ProjectSummary:
        """A new project holding the current branch's text (its history stays with the original)."""
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            old_name, source, bible, branch = db.execute(
                "SELECT name, source, bible, branch FROM projects WHERE id=?", (project_id,)).fetchone()
            text = revstore.text_of(db, revstore.branch_head(db, project_id, branch))
            new_id = uuid.uuid4().hex
            db.execute("INSERT INTO projects (id, writer, name, source, fountain, bible, updated) "
                       "VALUES (?,?,?,?,'',?,?)",
                       (new_id, self.writer, _name(name or f"{old_name} (copy)"), source, bible, time.time()))
            revstore.new_project_text(db, new_id, text, "duplicate")
            return self._summary(db, new_id)

    def delete(self, project_id: str) -> ProjectSummary:
        """Into the trash: undelete() brings it back for TRASH_S seconds, then it is purged."""
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            db.execute("UPDATE projects SET deleted=? WHERE id=?", (time.time(), project_id))
            return self._summary(db, project_id)

    def undelete(self, project_id: str) -> ProjectSummary:
        with self.storage.transaction() as db:
            self._purge_expired(db)
            project_id = self._project(db, project_id, deleted=True)
            db.execute("UPDATE projects SET deleted=NULL, updated=? WHERE id=?", (time.time(), project_id))
            return self._summary(db, project_id)

    def _purge_expired(self, db: sqlite3.Connection) -> None:
        ids = [r[0] for r in db.execute("SELECT id FROM projects WHERE writer=? AND deleted IS NOT NULL AND deleted < ?",
                                        (self.writer, time.time() - TRASH_S))]
        self.storage.purge_projects(db, ids)

    # ---- revisions ---------------------------------------------------------------------
    def save(self, project_id: str, fountain: str, cause: str, branch: str | None = None,
             name: str | None = None) -> Revision:
        """The text as the branch's new head (default: the current branch). Identical text returns the head; typing
        saves within revstore.TYPING_WINDOW_S of a typing revision's start extend it. Committed when this returns."""
        _check_text(fountain)
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            branch = self._branch(db, project_id, branch)
            return revstore.write(db, project_id, branch, fountain, cause, name=_name(name) if name else "")

    def head(self, project_id: str, branch: str | None = None) -> Revision:
        with self.storage.read() as db:
            project_id = self._project(db, project_id)
            return revstore.revision(db, revstore.branch_head(db, project_id, self._branch(db, project_id, branch)))

    def revision(self, rev_id: int) -> Revision:
        """One revision with its text."""
        with self.storage.read() as db:
            return revstore.revision(db, self._revision(db, rev_id))

    def revisions(self, project_id: str, branch: str | None = None) -> list[Revision]:
        """A branch's revisions, newest first, without their text."""
        with self.storage.read() as db:
            project_id = self._project(db, project_id)
            branch = self._branch(db, project_id, branch)
            rows = db.execute(f"SELECT {revstore.COLUMNS} FROM revisions WHERE project_id=? AND branch=? "
                              "ORDER BY id DESC", (project_id, branch)).fetchall()
        return [revstore.row_revision(row) for row in rows]

    def name_revision(self, rev_id: int, name: str) -> Revision:
        with self.storage.transaction() as db:
            rev_id = self._revision(db, rev_id)
            db.execute("UPDATE revisions SET name=? WHERE id=?", (_name(name), rev_id))
            return revstore.row_revision(revstore.get_row(db, rev_id))

    def restore(self, rev_id: int) -> Revision:
        """A revision's text as a new revision on its own branch, which becomes the current one."""
        with self.storage.transaction() as db:
            rev_id = self._revision(db, rev_id)
            project_id, branch = db.execute("SELECT project_id, branch FROM revisions WHERE id=?", (rev_id,)).fetchone()
            db.execute("UPDATE projects SET branch=? WHERE id=?", (branch, project_id))
            return revstore.write(db, project_id, branch, revstore.text_of(db, rev_id), "restore", coalesce=False)

    def undo(self, project_id: str, branch: str | None = None) -> Revision | None:
        """The text before the last change, as a new "undo" revision; None when there is nothing to undo."""
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            return revstore.undo(db, project_id, self._branch(db, project_id, branch))

    def redo(self, project_id: str, branch: str | None = None) -> Revision | None:
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            return revstore.redo(db, project_id, self._branch(db, project_id, branch))

    # ---- branches ----------------------------------------------------------------------
    def branches(self, project_id: str) -> list[Branch]:
        with self.storage.read() as db:
            project_id = self._project(db, project_id)
            current = db.execute("SELECT branch FROM projects WHERE id=?", (project_id,)).fetchone()[0]
            rows = db.execute("SELECT name, head, created, forked_from FROM branches WHERE project_id=? "
                              "ORDER BY created, name", (project_id,)).fetchall()
        return [Branch(project_id, n, h, c, f, current=n == current) for n, h, c, f in rows]

    def fork(self, project_id: str, name: str, from_revision: int | None = None) -> Branch:
        """A new branch starting from a revision (default: the current head), and the writer is on it."""
        name = _name(name)
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            if revstore.branch_head(db, project_id, name) is not None:
                raise WorkspaceError(f"this project already has a branch {name!r}; branches: "
                                     f"{', '.join(self._branch_names(db, project_id))}")
            if from_revision is None:
                from_revision = revstore.branch_head(db, project_id, self._branch(db, project_id, None))
            else:
                from_revision = self._revision(db, from_revision, project_id=project_id)
            revstore.write(db, project_id, name, revstore.text_of(db, from_revision), "fork", parent=from_revision,
                           back=None)
            db.execute("UPDATE projects SET branch=? WHERE id=?", (name, project_id))
            head, created, forked = db.execute("SELECT head, created, forked_from FROM branches WHERE project_id=? "
                                               "AND name=?", (project_id, name)).fetchone()
        return Branch(project_id, name, head, created, forked, current=True)

    def switch(self, project_id: str, branch: str) -> Revision:
        """Make ``branch`` the project's current one (remembered); returns its head."""
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            branch = self._branch(db, project_id, branch)
            db.execute("UPDATE projects SET branch=?, updated=? WHERE id=?", (branch, time.time(), project_id))
            return revstore.revision(db, revstore.branch_head(db, project_id, branch))

    def bring_scene(self, project_id: str, from_branch: str, scene_number: int, to_branch: str | None = None,
                    at: int | None = None) -> Revision:
        """Copy scene ``scene_number`` (1-based) of ``from_branch``'s head into ``to_branch`` (default: current) as a
        new "merge-scene" revision: before scene ``at`` when given, else in place of the scene with the same heading,
        else at the same position."""
        from screenplay.formats import fountain
        from screenplay.outline import place_scene

        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            source = self._branch(db, project_id, from_branch)
            target = self._branch(db, project_id, to_branch)
            if source == target:
                raise WorkspaceError(f"the scene is already on branch {target!r}; bring it from another branch")
            theirs = fountain.parse(revstore.text_of(db, revstore.branch_head(db, project_id, source)))
            ours = fountain.parse(revstore.text_of(db, revstore.branch_head(db, project_id, target)))
            try:
                merged = place_scene(ours, theirs, scene_number, at)
            except ValueError as exc:
                raise WorkspaceError(str(exc)) from None
            return revstore.write(db, project_id, target, fountain.render(merged), "merge-scene", coalesce=False)

    # ---- comparing and the outline board ----------------------------------------------
    def diff(self, rev_a: int, rev_b: int) -> Any:
        """screenplay.diff.ScriptDiff from revision ``rev_a`` to ``rev_b`` (any branches of one project)."""
        from screenplay.diff import diff_scripts
        from screenplay.formats import fountain

        with self.storage.read() as db:
            a, b = self._revision(db, rev_a), self._revision(db, rev_b)
            text_a, text_b = revstore.text_of(db, a), revstore.text_of(db, b)
        return diff_scripts(fountain.parse(text_a), fountain.parse(text_b))

    def outline(self, project_id: str, branch: str | None = None,
                synopses: dict[int, str] | None = None) -> list[Any]:
        """screenplay.outline.Card for every scene of the branch's head."""
        from screenplay.formats import fountain
        from screenplay.outline import cards

        return cards(fountain.parse(self.head(project_id, branch).fountain), synopses)

    def move_scene(self, project_id: str, from_n: int, to_n: int, branch: str | None = None) -> Revision:
        from screenplay.outline import move_scene

        return self._edit(project_id, branch, "reorder", move_scene, from_n, to_n)

    def set_synopsis(self, project_id: str, n: int, text: str, branch: str | None = None) -> Revision:
        from screenplay.outline import set_synopsis

        return self._edit(project_id, branch, "outline", set_synopsis, n, text)

    def add_card(self, project_id: str, at: int, line: str, branch: str | None = None) -> Revision:
        from screenplay.outline import add_card

        return self._edit(project_id, branch, "outline", add_card, at, line)

    def _edit(self, project_id: str, branch: str | None, cause: str, change: Any, *args: Any) -> Revision:
        """Apply a pure Script -> Script change to the branch's head and save the result, in one transaction."""
        from screenplay.formats import fountain
        from screenplay.outline import OutlineError

        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            branch = self._branch(db, project_id, branch)
            script = fountain.parse(revstore.text_of(db, revstore.branch_head(db, project_id, branch)))
            try:
                changed = change(script, *args)
            except OutlineError as exc:
                raise WorkspaceError(str(exc)) from None
            return revstore.write(db, project_id, branch, fountain.render(changed), cause, coalesce=False)

    # ---- margin notes ------------------------------------------------------------------
    def notes(self, project_id: str, revision_id: int) -> list[Note]:
        """The latest critique's notes at or before the revision, on that revision's scenes, resolved or not."""
        with self.storage.read() as db:
            project_id = self._project(db, project_id)
            return notes.listed(db, project_id, self._revision(db, revision_id, project_id=project_id))

    def add_notes(self, project_id: str, revision_id: int, findings: list[dict[str, Any]]) -> list[Note]:
        """Store critic findings (plain dicts: check, message, scenes, pages, severity) for the revision read."""
        with self.storage.transaction() as db:
            project_id = self._project(db, project_id)
            revision_id = self._revision(db, revision_id, project_id=project_id)
            notes.add(db, project_id, revision_id, findings)
            return notes.listed(db, project_id, revision_id)

    def resolve_note(self, note_id: int, revision_id: int) -> Note:
        with self.storage.transaction() as db:
            revision_id = self._revision(db, revision_id)
            owner = db.execute("SELECT n.project_id FROM notes n JOIN revisions r ON r.project_id = n.project_id "
                               "WHERE n.id=? AND r.id=?", (note_id, revision_id)).fetchone()
            if owner is None:
                raise WorkspaceError(f"there is no note {note_id} on the project of revision {revision_id}; "
                                     "notes(project, revision) lists them")
            return notes.resolve(db, note_id, revision_id)

    # ---- lookups -------------------------------------------------------------------------
    def _project(self, db: sqlite3.Connection, ref: str, *, deleted: bool = False) -> str:
        """This writer's project by id, unique id prefix or exact name; else an error listing them."""
        where = "deleted IS NOT NULL" if deleted else "deleted IS NULL"
        rows = db.execute(f"SELECT id, name FROM projects WHERE writer=? AND {where}", (self.writer,)).fetchall()
        ref = str(ref or "").strip()
        hits = [pid for pid, _ in rows if pid == ref] or \
               ([pid for pid, _ in rows if pid.startswith(ref)] if len(ref) >= 4 else []) or \
               [pid for pid, name in rows if name == ref]
        if len(hits) == 1:
            return hits[0]
        kind = "in the trash" if deleted else "open"
        listed = ", ".join(f"{pid[:8]} ({name})" for pid, name in rows[:20]) or "none"
        if hits:
            raise WorkspaceError(f"{ref!r} names {len(hits)} projects; use the id. Projects {kind}: {listed}")
        hint = " (a deleted project can be brought back for ten minutes)" if deleted else ""
        raise WorkspaceError(f"{self.writer} has no project {ref!r} {kind}{hint}; projects {kind}: {listed}")

    def _branch(self, db: sqlite3.Connection, project_id: str, branch: str | None) -> str:
        if branch is None:
            return db.execute("SELECT branch FROM projects WHERE id=?", (project_id,)).fetchone()[0]
        names = self._branch_names(db, project_id)
        if branch not in names:
            raise WorkspaceError(f"this project has no branch {branch!r}; branches: {', '.join(names)}")
        return branch

    @staticmethod
    def _branch_names(db: sqlite3.Connection, project_id: str) -> list[str]:
        return [r[0] for r in db.execute("SELECT name FROM branches WHERE project_id=? ORDER BY created, name",
                                         (project_id,))]

    def _revision(self, db: sqlite3.Connection, rev_id: Any, *, project_id: str | None = None) -> int:
        """A revision of one of this writer's live projects (and of ``project_id`` when given)."""
        try:
            rev = int(rev_id)
        except (TypeError, ValueError):
            raise WorkspaceError(f"a revision is named by its number, not {rev_id!r}") from None
        row = db.execute("SELECT r.project_id FROM revisions r JOIN projects p ON p.id = r.project_id "
                         "WHERE r.id=? AND p.writer=? AND p.deleted IS NULL", (rev, self.writer)).fetchone()
        if row is None or (project_id is not None and row[0] != project_id):
            scope = project_id or "any of your projects"
            recent = [r[0] for r in db.execute(
                "SELECT r.id FROM revisions r JOIN projects p ON p.id = r.project_id WHERE p.writer=? "
                + ("AND p.id=? " if project_id else "") + "ORDER BY r.id DESC LIMIT 10",
                (self.writer, project_id) if project_id else (self.writer,))]
            raise WorkspaceError(f"there is no revision {rev} in {scope}; latest revisions: "
                                 f"{', '.join(map(str, recent)) or 'none'}")
        return rev

    def _summary(self, db: sqlite3.Connection, project_id: str) -> ProjectSummary:
        return self._measured(db, [db.execute(f"{_SUMMARY} WHERE p.id=?", (project_id,)).fetchone()])[0]

    @staticmethod
    def _measured(db: sqlite3.Connection, rows: list[tuple]) -> list[ProjectSummary]:
        """Summaries with their heads paginated (once: revstore.measure_pages keeps the counts)."""
        out = []
        for row in rows:
            if row[4] == 0 and row[3] > 0:
                head = db.execute("SELECT b.head FROM branches b JOIN projects p ON p.id = b.project_id "
                                  "AND b.name = p.branch WHERE p.id=?", (row[0],)).fetchone()[0]
                revstore.measure_pages(db, head)
                row = (*row[:3], *db.execute("SELECT scenes, pages FROM revisions WHERE id=?", (head,)).fetchone(),
                       *row[5:])
            out.append(ProjectSummary(*row))
        return out


def _name(name: str | None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise WorkspaceError("a name cannot be empty")
    if len(name) > MAX_NAME_CHARS:
        raise WorkspaceError(f"a name is at most {MAX_NAME_CHARS} characters; this one has {len(name)}")
    return name


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise WorkspaceError("a draft is Fountain text")
    if len(text) > MAX_TEXT_CHARS:
        raise WorkspaceError(f"a draft is at most {MAX_TEXT_CHARS:,} characters; this one has {len(text):,}")
