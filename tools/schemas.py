"""Argument models for the writer tools: one pydantic model per tool.

They are the LangChain tools' ``args_schema`` and the JSON schema a tool-calling model sees, so every
field says in plain words what it means.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Mapping, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from tools.base import ToolError

MAX_OPTIONS = 10  # the most options one generation writes
DEFAULT_OPTIONS = 3

# Story beats a generation can target; the router normalises the writer's words to these ids.
BEATS = (
    "opening",
    "cold-open",
    "inciting-incident",
    "first-turn",
    "midpoint",
    "all-is-lost",
    "climax",
    "ending",
)

# Target styles with a preset prompt; the router normalises "film noir", "a western"... to these ids.
STYLE_PRESETS = (
    "noir",
    "screwball-comedy",
    "horror",
    "shakespearean",
    "terse-minimalist",
    "documentary-realism",
    "childrens-adventure",
    "melodrama",
    "thriller",
    "western",
)

# What a critique can concentrate on.
CRITIQUE_FOCUS = (
    "dialogue",
    "pacing",
    "structure",
    "character",
    "stakes",
    "conflict",
    "tone",
    "clarity",
    "formatting",
    "theme",
)

# What the statistics of a draft can answer: who speaks how much, scene lengths, settings, act lengths.
STATS_TOPICS = ("overview", "characters", "scenes", "settings", "acts")
StatsTopic = Literal["overview", "characters", "scenes", "settings", "acts"]

SummaryLevel = Literal["logline", "synopsis", "page", "beats", "scenes"]
ReviseMode = Literal["more_like", "continue", "edit"]


class _Args(BaseModel):
    # Unknown keys from a model's tool call are an error, not silently dropped.
    model_config = ConfigDict(extra="forbid")


class GenerateArgs(_Args):
    """Write new scene options (alternatives) for the loaded draft."""

    count: int = Field(DEFAULT_OPTIONS, ge=1, le=MAX_OPTIONS,
                       description=f"how many alternative options to write (1 to {MAX_OPTIONS})")
    act: int | None = Field(None, ge=1, le=10, description="act number the new material belongs to")
    scene: int | None = Field(None, ge=1, description="scene number to write alternatives for")
    scene_ref: str | None = Field(
        None, description="a scene named by what happens or where, e.g. 'diner' for 'the diner scene'"
    )
    beat: str | None = Field(
        None, description="story beat to write: " + ", ".join(BEATS)
    )
    characters: list[str] = Field(
        default_factory=list, description="characters of the draft who must appear, by name"
    )
    style: str | None = Field(None, description="style preset to write in: " + ", ".join(STYLE_PRESETS))
    brief: str = Field("", description="what should happen, in the writer's words")


class CritiqueArgs(_Args):
    """Give notes on the draft, an act or a scene."""

    act: int | None = Field(None, ge=1, le=10, description="act to critique")
    scene: int | None = Field(None, ge=1, description="scene number to critique")
    scene_ref: str | None = Field(None, description="a scene named by what happens or where, e.g. 'diner'")
    focus: str | None = Field(None, description="what to concentrate on: " + ", ".join(CRITIQUE_FOCUS))


class SummarizeArgs(_Args):
    """Summarise the loaded draft, an act or a scene."""

    level: SummaryLevel = Field(
        "synopsis",
        description="logline (one sentence), synopsis (a paragraph), page (one page), "
        "beats (beat sheet) or scenes (scene-by-scene list)",
    )
    act: int | None = Field(None, ge=1, le=10, description="act to summarise")
    scene: int | None = Field(None, ge=1, description="scene number to summarise")
    scene_ref: str | None = Field(None, description="a scene named by what happens or where, e.g. 'diner'")


class SimilarArgs(_Args):
    """Find scenes in the library that resemble a description or a scene of the draft."""

    query: str = Field("", description="what the scenes should be like, in the writer's words")
    scene: int | None = Field(None, ge=1, description="scene of the draft to find look-alikes of")
    scene_ref: str | None = Field(None, description="a scene of the draft named by what happens or where")
    k: int = Field(5, ge=1, le=50, description="how many scenes to return")
    genre: str | None = Field(None, description="only scenes of this genre, e.g. thriller, comedy")


class StyleArgs(_Args):
    """Rewrite a scene or an option in another style."""

    style: str = Field(..., description="target style preset: " + ", ".join(STYLE_PRESETS))
    scene: int | None = Field(None, ge=1, description="scene number to restyle")
    scene_ref: str | None = Field(None, description="a scene named by what happens or where, e.g. 'diner'")
    act: int | None = Field(None, ge=1, le=10, description="act to restyle")
    option: int | None = Field(None, ge=1, le=10, description="generated option to restyle (1-based)")


class InsertArgs(_Args):
    """Put a generated option into the draft."""

    option: int = Field(..., ge=1, le=10, description="which generated option to insert (1-based)")
    after_scene: int | None = Field(None, ge=0, description="insert after this scene number")
    before_scene: int | None = Field(None, ge=1, description="insert before this scene number")


class ReviseArgs(_Args):
    """Rework a generated option: more like it, continue it, or edit it by an instruction."""

    option: int = Field(..., ge=1, le=10, description="which generated option (1-based)")
    mode: ReviseMode = Field(
        ..., description="more_like (new options in its vein), continue (write what comes next) or edit"
    )
    instruction: str = Field("", description="for edit: what to change, in the writer's words")


class StatsArgs(_Args):
    """Answer a question about the draft's numbers with the statistics and a chart."""

    topic: StatsTopic = Field(
        "overview",
        description="characters (who speaks how much, who is in which scene), scenes (lengths), "
        "settings (INT/EXT, day/night, locations), acts (pages and scenes per act) or overview (all of it)",
    )


class DevelopArgs(_Args):
    """Develop a new story from a logline: title, characters, structure, scene cards, then scene drafts."""

    logline: str = Field("", description="the story idea in one sentence, in the writer's words")
    structure: Literal["three-act", "save-the-cat", "sequences"] | None = Field(
        None, description="three-act (8 beats), save-the-cat (15 beats) or sequences (8 sequences)"
    )


class GenerationRequest(GenerateArgs):
    """GenerateArgs without the upper bound on count, which the generator enforces with a clear message."""

    # The schema a model sees still says 1 to 10; validation lets larger numbers through to the message.
    count: Annotated[int, WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_OPTIONS})] = Field(
        DEFAULT_OPTIONS, description=f"how many alternative options to write (1 to {MAX_OPTIONS})"
    )


Args = TypeVar("Args", bound=BaseModel)


def tool_args(model: type[Args], args: BaseModel | Mapping[str, Any]) -> Args:
    """``args`` as ``model`` at a tool's boundary: a ToolError naming each bad field, never a validation trace."""
    if isinstance(args, model):
        return args
    try:
        return model.model_validate(args.model_dump() if isinstance(args, BaseModel) else dict(args))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ToolError(f"the request has invalid arguments ({problems}).") from None


def as_request(args: GenerateArgs | Mapping[str, Any]) -> GenerationRequest:
    """The generator's arguments; a count out of range is a ToolError that names the limit."""
    count = (args.count if isinstance(args, GenerateArgs) else dict(args).get("count", DEFAULT_OPTIONS))
    if isinstance(count, int) and count > MAX_OPTIONS:
        raise ToolError(
            f"I can write at most {MAX_OPTIONS} options at a time; you asked for {count}. Ask for {MAX_OPTIONS} or fewer."
        )
    if isinstance(count, int) and count < 1:
        raise ToolError(f"ask for at least 1 option (1 to {MAX_OPTIONS}); you asked for {count}.")
    return tool_args(GenerationRequest, args)


def as_revision(args: ReviseArgs | Mapping[str, Any]) -> ReviseArgs:
    return tool_args(ReviseArgs, args)
