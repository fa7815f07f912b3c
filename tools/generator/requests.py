"""What the generator accepts: the router's GenerateArgs / ReviseArgs (a sentence is read by the router, not here).

The count limit is checked by the generator rather than by pydantic so that "give me 12" gets a
ToolError that names the limit instead of a validation trace.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Mapping

from pydantic import Field, ValidationError, WithJsonSchema

from tools.base import ToolError
from tools.schemas import GenerateArgs, ReviseArgs

MAX_OPTIONS = 10
DEFAULT_OPTIONS = 3


class GenerationRequest(GenerateArgs):
    """GenerateArgs without the upper bound on count, which the generator enforces with a clear message."""

    # The schema a model sees still says 1 to 10; validation lets larger numbers through to the message.
    count: Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_OPTIONS})] = Field(
        DEFAULT_OPTIONS, description=f"how many alternative options to write (1 to {MAX_OPTIONS})"
    )


RevisionRequest = ReviseArgs


def _fields_error(exc: ValidationError) -> ToolError:
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return ToolError(f"the request has invalid arguments ({problems}).")


def as_request(args: GenerateArgs | Mapping[str, Any]) -> GenerationRequest:
    if isinstance(args, GenerationRequest):
        return args
    data = args.model_dump() if isinstance(args, GenerateArgs) else dict(args)
    count = data.get("count", DEFAULT_OPTIONS)
    if isinstance(count, int) and count > MAX_OPTIONS:
        raise ToolError(
            f"I can write at most {MAX_OPTIONS} options at a time; you asked for {count}. Ask for {MAX_OPTIONS} or fewer."
        )
    if isinstance(count, int) and count < 1:
        raise ToolError(f"ask for at least 1 option (1 to {MAX_OPTIONS}); you asked for {count}.")
    try:
        return GenerationRequest.model_validate(data)
    except ValidationError as exc:
        raise _fields_error(exc) from None


def as_revision(args: ReviseArgs | Mapping[str, Any]) -> ReviseArgs:
    if isinstance(args, ReviseArgs):
        return args
    try:
        return ReviseArgs.model_validate(dict(args))
    except ValidationError as exc:
        raise _fields_error(exc) from None


# "one line of dialogue", "a single comeback": a request a chat answer meets in a few dozen tokens.
_ONE_LINE_RE = re.compile(
    r"\b(?:one|a|an|single|1)\s+(?:short\s+|quick\s+|good\s+|single\s+|snappy\s+|killer\s+)?"
    r"(?:line|sentence|one-liner|comeback|retort|quip|insult|toast|catchphrase|exchange)\b(?!s)",
    re.IGNORECASE,
)
_WHOLE_SCENE_RE = re.compile(r"\b(?:scenes?|options|openings|versions|pages?|acts?)\b", re.IGNORECASE)
# What such a request keeps: one line, with room for a cue and a parenthetical.
ONE_LINE_TOKENS = 48


def asks_for_one_line(text: str) -> bool:
    """True for "write one line of dialogue for a pirate captain": not a scene, so not the scene pipeline."""
    return bool(_ONE_LINE_RE.search(text)) and not _WHOLE_SCENE_RE.search(text)
