"""The typed records the workspace hands out: projects, revisions, branches, margin notes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from agent.errors import RoomError

# Why a revision exists. Free text is refused so a listing can be filtered and shown with an icon.
CAUSES = ("typing", "option", "restyle", "undo", "redo", "import", "restore", "reorder", "outline", "merge-scene",
          "fork", "duplicate", "save", "generate", "develop")
MAIN = "main"


class WorkspaceError(RoomError):
    """A project, revision, branch or note that is not there (the message lists what is), or a change refused."""


class _Plain:
    """A record as plain data (JSON for the CLI and the UI)."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class ProjectSummary(_Plain):
    id: str
    name: str
    updated: float
    scenes: int
    pages: int
    branches: int
    branch: str = MAIN  # the branch the writer is on
    source: str = ""
    deleted: float | None = None  # when it went to the trash


@dataclass(frozen=True)
class Revision:
    id: int
    project_id: str
    branch: str
    parent: int | None
    time: float
    cause: str
    name: str = ""
    fountain: str = ""  # empty in listings (revisions()); filled where one revision is asked for
    scenes: int = 0
    pages: int = 0  # 0 until measured: a save does not paginate (ProjectSummary's heads are always measured)

    def to_dict(self, *, text: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if not text:
            data.pop("fountain")
        return data


@dataclass(frozen=True)
class Branch(_Plain):
    project_id: str
    name: str
    head: int  # revision id
    created: float
    forked_from: int | None = None  # the revision it started from; None for main
    current: bool = False


@dataclass(frozen=True)
class Note:
    """A critic finding pinned beside a scene of one revision."""

    id: int
    project_id: str
    revision_id: int  # the revision the critic read
    scene: int  # 1-based position of the scene in the revision asked about (0: the whole script)
    label: str  # the scene label the critic gave ("12", "12A")
    check: str
    message: str
    severity: str = "warning"
    pages: tuple[int, ...] = ()
    resolved: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pages"] = list(self.pages)
        return data
