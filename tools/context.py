"""What a tool may know about the writer's project beyond its arguments.

The loop passes it at invoke time as an injected argument (LangChain's InjectedToolArg), so it
never appears in the schema a tool-calling model sees and a model cannot forge it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screenplay import Script
from screenplay.bible import StoryBible
from screenplay.scope import Scope
from tools.base import Option


@dataclass
class ToolContext:
    script: Script | None = None  # the writer's current draft, if one is attached
    bible: StoryBible | None = None
    last_options: list[Option] = field(default_factory=list)  # the options of the last answer, for follow-ups
    scope: Scope | None = None  # the part of the draft the request points at, resolved once by the loop

    def scope_for(self, *, act: int | None = None, scene: int | None = None, scene_ref: str | None = None,
                  beat: str | None = None) -> Scope | None:
        """The Scope the loop resolved; else (a tool called directly, as the CLI and tests do) resolved here from
        the same arguments, by the same screenplay.scope. None when there is no draft."""
        from screenplay.scope import ScopeError, resolve
        from tools.base import ToolError

        if self.scope is not None:
            return self.scope
        if self.script is None or not self.script.scenes:
            return None
        try:
            return resolve(self.script, act=act, scene=scene, scene_ref=scene_ref, beat=beat)
        except ScopeError as exc:
            raise ToolError(str(exc)) from None

    def require_script(self, what: str) -> Script:
        from screenplay.errors import ACCEPTED
        from tools.base import ToolError

        if self.script is None or not self.script.scenes:
            raise ToolError(
                f"{what} needs a draft: attach one first ({ACCEPTED}) "
                "with the upload button, or `--draft FILE` on the command line."
            )
        return self.script
