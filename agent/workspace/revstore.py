"""Revisions in SQL, on a connection the caller holds inside one write transaction (Storage.transaction()).

Each revision row keeps a manifest of chunk digests (chunks.py), its parent (the branch's previous head), and the two
persistent undo pointers: ``back`` (the revision whose text an undo returns to) and ``fwd`` (where a redo goes).
"""

from __future__ import annotations

import sqlite3
import time
from agent.workspace import chunks
from agent.workspace.records import CAUSES, MAIN, Revision, WorkspaceError

# Consecutive typing saves within this many seconds of a typing revision's start update it in place; the newest
# text is always the one stored, so nothing acknowledged is lost, only the in-between keystrokes.
TYPING_WINDOW_S = 20.0
COLUMNS = "id, project_id, branch, parent, time, cause, name, scenes, pages"


def measure_pages(db: sqlite3.Connection, rev_id: int) -> None:
    """Paginate a revision and keep its scene and page counts. A save does not: paginating a 120-page draft costs
    more than the rest of a typing save, so listings measure the heads they show, once (pages 0: not measured)."""
    from screenplay.formats import fountain
    from screenplay.stats import compute

    script = fountain.parse(text_of(db, rev_id))
    pages = compute(script).pages if script.scenes else 0
    db.execute("UPDATE revisions SET scenes=?, pages=? WHERE id=?", (len(script.scenes), pages, rev_id))


def row_revision(row: tuple, text: str = "") -> Revision:
    return Revision(id=row[0], project_id=row[1], branch=row[2], parent=row[3], time=row[4], cause=row[5],
                    name=row[6], scenes=row[7] or 0, pages=row[8] or 0, fountain=text)


def get_row(db: sqlite3.Connection, rev_id: int) -> tuple | None:
    return db.execute(f"SELECT {COLUMNS} FROM revisions WHERE id=?", (rev_id,)).fetchone()


def text_of(db: sqlite3.Connection, rev_id: int) -> str:
    row = db.execute("SELECT project_id, manifest FROM revisions WHERE id=?", (rev_id,)).fetchone()
    if row is None:
        raise WorkspaceError(f"there is no revision {rev_id}")
    project_id, blob = row
    wanted = chunks.digests_of(blob)
    found: dict[bytes, str] = {}
    unique = list(dict.fromkeys(wanted))
    for start in range(0, len(unique), 500):  # SQLite's bound-parameter limit
        batch = unique[start:start + 500]
        marks = ",".join("?" * len(batch))
        for digest, body in db.execute(
                f"SELECT hash, body FROM chunks WHERE project_id=? AND hash IN ({marks})", (project_id, *batch)):
            found[bytes(digest)] = chunks.unpack(body)
    missing = [d.hex() for d in unique if d not in found]
    if missing:
        raise WorkspaceError(f"revision {rev_id} is missing {len(missing)} chunk(s); the database is damaged")
    return "".join(found[d] for d in wanted)


def revision(db: sqlite3.Connection, rev_id: int) -> Revision:
    row = get_row(db, rev_id)
    if row is None:
        raise WorkspaceError(f"there is no revision {rev_id}")
    return row_revision(row, text_of(db, rev_id))


def branch_head(db: sqlite3.Connection, project_id: str, branch: str) -> int | None:
    row = db.execute("SELECT head FROM branches WHERE project_id=? AND name=?", (project_id, branch)).fetchone()
    return row[0] if row else None


def _store_chunks(db: sqlite3.Connection, project_id: str, text: str) -> tuple[bytes, int]:
    """The text's manifest, storing the chunks this project does not have yet; and its scene count (a chunk per
    scene, as the chunks split at headings)."""
    pieces = chunks.split(text)
    digests = [chunks.digest(p) for p in pieces]
    for piece, digest in zip(pieces, digests):
        db.execute("INSERT OR IGNORE INTO chunks (project_id, hash, body) VALUES (?,?,?)",
                   (project_id, digest, chunks.pack(piece)))
    return chunks.manifest(digests), sum(chunks.is_heading(p) for p in pieces)


def write(db: sqlite3.Connection, project_id: str, branch: str, text: str, cause: str, *, name: str = "",
          back: int | None | str = "parent", fwd: int | None = None, parent: int | None | str = "head",
          coalesce: bool = True, now: float | None = None) -> Revision:
    """Make ``text`` the head of ``branch`` as a new revision (or the typing revision it continues); identical text
    returns the head unchanged. ``back``/``parent`` default to the branch's head (an ordinary edit)."""
    if cause not in CAUSES:
        raise WorkspaceError(f"unknown revision cause {cause!r}; causes are {', '.join(CAUSES)}")
    now = time.time() if now is None else now
    head = branch_head(db, project_id, branch)
    digest = chunks.text_digest(text)
    if head is not None:
        row = db.execute("SELECT digest, cause, name, created, back, fwd FROM revisions WHERE id=?", (head,)).fetchone()
        if row[0] == digest and not name and cause not in ("undo", "redo"):
            return row_revision(get_row(db, head), text)
        if (coalesce and cause == "typing" and row[1] == "typing" and not row[2] and not name
                and now - row[3] < TYPING_WINDOW_S and not _has_notes(db, head)):
            replaced = db.execute("SELECT manifest FROM revisions WHERE id=?", (head,)).fetchone()[0]
            manifest, scenes = _store_chunks(db, project_id, text)
            db.execute("UPDATE revisions SET manifest=?, digest=?, time=?, scenes=?, pages=0 WHERE id=?",
                       (manifest, digest, now, scenes, head))
            _drop_unreferenced(db, project_id, set(chunks.digests_of(replaced)) - set(chunks.digests_of(manifest)))
            _touch(db, project_id, now)
            return row_revision(get_row(db, head), text)
    parent_id = head if parent == "head" else parent
    back_id = head if back == "parent" else back
    manifest, scenes = _store_chunks(db, project_id, text)
    cur = db.execute(
        "INSERT INTO revisions (project_id, branch, parent, created, time, cause, name, manifest, digest, back, fwd, "
        "scenes, pages) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (project_id, branch, parent_id, now, now, cause, name, manifest, digest, back_id, fwd, scenes, 0))
    rev_id = int(cur.lastrowid)
    if head is None:
        db.execute("INSERT INTO branches (project_id, name, head, created, forked_from) VALUES (?,?,?,?,?)",
                   (project_id, branch, rev_id, now, parent_id))
    else:
        db.execute("UPDATE branches SET head=? WHERE project_id=? AND name=?", (rev_id, project_id, branch))
    _touch(db, project_id, now)
    return row_revision(get_row(db, rev_id), text)


def _drop_unreferenced(db: sqlite3.Connection, project_id: str, candidates: set[bytes]) -> None:
    """Delete the chunks only a superseded typing text had (each coalesced save would otherwise leave the scene it
    replaced behind). A chunk any revision still lists is kept; instr() may also match across two digests, which
    only ever keeps a chunk."""
    for digest in candidates:
        if db.execute("SELECT 1 FROM revisions WHERE project_id=? AND instr(manifest, ?) > 0 LIMIT 1",
                      (project_id, digest)).fetchone() is None:
            db.execute("DELETE FROM chunks WHERE project_id=? AND hash=?", (project_id, digest))


def _has_notes(db: sqlite3.Connection, rev_id: int) -> bool:
    """Notes were pinned or resolved at this revision: its text must stay what the critic or the writer saw."""
    return db.execute("SELECT 1 FROM notes WHERE revision_id=? UNION ALL SELECT 1 FROM note_resolutions "
                      "WHERE revision_id=? LIMIT 1", (rev_id, rev_id)).fetchone() is not None


def _touch(db: sqlite3.Connection, project_id: str, now: float) -> None:
    db.execute("UPDATE projects SET updated=? WHERE id=?", (now, project_id))


def pointers(db: sqlite3.Connection, rev_id: int) -> tuple[int | None, int | None]:
    row = db.execute("SELECT back, fwd FROM revisions WHERE id=?", (rev_id,)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def undo(db: sqlite3.Connection, project_id: str, branch: str) -> Revision | None:
    """Back to the text before the head's change, as a new "undo" revision; None when there is nothing to undo.

    The new revision's own back pointer is its target's, so undo after undo keeps walking back, and its fwd pointer
    is the undone head, so redo returns to it."""
    head = branch_head(db, project_id, branch)
    back = pointers(db, head)[0] if head is not None else None
    if back is None:
        return None
    target_back = pointers(db, back)[0]
    return write(db, project_id, branch, text_of(db, back), "undo", back=target_back, fwd=head, coalesce=False)


def redo(db: sqlite3.Connection, project_id: str, branch: str) -> Revision | None:
    head = branch_head(db, project_id, branch)
    fwd = pointers(db, head)[1] if head is not None else None
    if fwd is None:
        return None
    target_back, target_fwd = pointers(db, fwd)
    return write(db, project_id, branch, text_of(db, fwd), "redo", back=target_back, fwd=target_fwd, coalesce=False)


def new_project_text(db: sqlite3.Connection, project_id: str, text: str, cause: str, now: float | None = None) -> Revision:
    return write(db, project_id, MAIN, text, cause, back=None, now=now)
