"""What a tool may know about the writer's project beyond its arguments.

The loop passes it at invoke time as an injected argument (LangChain's InjectedToolArg), so it
never appears in the schema a tool-calling model sees and a model cannot forge it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screenplay import Script
from screenplay.bible import StoryBible


@dataclass
class ToolContext:
    script: Script | None = None  # the writer's current draft, if one is attached
    bible: StoryBible | None = None
    last_options: list[str] = field(default_factory=list)  # Fountain options from the last result

    def require_script(self, what: str) -> Script:
        from tools.base import ToolError

        if self.script is None or not self.script.scenes:
            raise ToolError(
                f"{what} needs a draft: attach one first (.fountain, .fdx, .pdf, .docx or .txt) "
                "with the upload button, or `--draft FILE` on the command line."
            )
        return self.script
