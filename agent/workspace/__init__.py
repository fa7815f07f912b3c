"""A writer's projects as a durable store: revisions on branches, persistent undo and redo, a trash, margin notes.

Everything lives in the room's SQLite Storage; the Workspace is one writer's view of it."""

from agent.workspace.records import CAUSES, MAIN, Branch, Note, ProjectSummary, Revision, WorkspaceError
from agent.workspace.workspace import TRASH_S, Workspace

__all__ = ["CAUSES", "MAIN", "TRASH_S", "Branch", "Note", "ProjectSummary", "Revision", "Workspace", "WorkspaceError"]
