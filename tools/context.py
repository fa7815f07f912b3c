"""What a tool may know about the writer's project beyond its arguments.

The loop passes it at invoke time as an injected argument (LangChain's InjectedToolArg), so it
never appears in the schema a tool-calling model sees and a model cannot forge it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from screenplay import Script


@dataclass
class StoryBible:
    """The writer's story in brief; extracted from the draft, editable by the writer."""

    title: str = ""
    logline: str = ""
    characters: dict[str, str] = field(default_factory=dict)  # NAME -> one-line description
    locations: list[str] = field(default_factory=list)
    tone: str = ""

    def to_text(self) -> str:
        lines = []
        if self.title:
            lines.append(f"Title: {self.title}")
        if self.logline:
            lines.append(f"Logline: {self.logline}")
        if self.tone:
            lines.append(f"Tone: {self.tone}")
        if self.characters:
            lines.append("Characters:")
            lines += [f"- {name}: {desc}" if desc else f"- {name}" for name, desc in self.characters.items()]
        if self.locations:
            lines.append("Locations: " + ", ".join(self.locations))
        return "\n".join(lines)


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
