"""A session's project undoing and redoing through its stored revisions (agent.project.Project.history)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.workspace.workspace import Workspace


@dataclass
class StoredHistory:
    workspace: Workspace
    project_id: str

    def step(self, project: Any, direction: str) -> bool:
        """Undo or redo one change of ``project`` (an agent.project.Project); an unsaved change is stored first,
        so it is the one undone. False when there is nothing to undo or redo."""
        pending = project.pending_text()
        if pending is not None:
            self.workspace.save(self.project_id, pending, project.cause)
            project.mark_stored(pending)
        revision = (self.workspace.undo if direction == "undo" else self.workspace.redo)(self.project_id)
        if revision is None:
            return False
        project.load_text(revision.fountain)
        return True
