"""The `similar_scenes` tool: scenes from the library that resemble what the writer describes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.base import ToolResult

TOOL_NAME = "similar_scenes"
EXCERPT_CHARS = 160


class SimilarScenesArgs(BaseModel):
    """Find scenes in the scene library that resemble a description (or the text of a scene)."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(..., min_length=1, description="what the scenes should be like, in the writer's words, or a scene's text")
    k: int = Field(5, ge=1, le=50, description="how many scenes to return (1 to 50)")
    genre: str | None = Field(None, description="only scenes of this genre, e.g. noir, western, horror, shakespeare")
    int_ext: str | None = Field(None, description="only interior (INT) or exterior (EXT) scenes")
    time: str | None = Field(None, description="only DAY or NIGHT scenes")
    diverse: bool = Field(False, description="prefer varied scenes over several near-identical ones")
    exclude_source: str | None = Field(None, description="leave out the scenes of this source (the writer's own "
                                       "draft, when it is in the library)")


def _excerpt(text: str) -> str:
    """The scene's first lines after the heading, on one line."""
    body = " ".join(line.strip() for line in text.split("\n")[1:] if line.strip())
    return body if len(body) <= EXCERPT_CHARS else body[: EXCERPT_CHARS - 1].rstrip() + "…"


def _named(filters: dict[str, Any] | None) -> str:
    """The filters that are set, as a writer reads them: "genre Noir, time day"."""
    return ", ".join(f"{key} {value}" for key, value in (filters or {}).items() if value)


def format_hits(hits: list[Any], filters: dict[str, str] | None = None) -> str:
    if not hits:
        named = _named(filters)
        return ("No scenes in the library matched" + (f" ({named})" if named else "")
                + ". Try fewer filters or other words.")
    lines = [f"Found {len(hits)} similar scene{'s' if len(hits) != 1 else ''}:"]
    for i, hit in enumerate(hits, 1):
        tags = ", ".join(str(hit.metadata[k]) for k in ("genre", "tone") if hit.metadata.get(k))
        lines.append(
            f"{i}. **{hit.heading}** (`{hit.source}`, scene {hit.scene_number}; score {hit.score:.2f}"
            + (f"; {tags}" if tags else "") + ")"
        )
        if excerpt := _excerpt(hit.text):
            lines.append(f"   > {excerpt}")
    return "\n".join(lines)


def make_similar_scenes_tool(library: Any, mmr_lambda: float = 0.5):
    """A LangChain tool over ``library`` (a tools.library.SceneLibrary); it returns a ToolResult."""
    from langchain_core.tools import StructuredTool

    def similar_scenes(
        query: str, k: int = 5, genre: str | None = None, int_ext: str | None = None,
        time: str | None = None, diverse: bool = False, exclude_source: str | None = None,
    ) -> ToolResult:
        where = {"genre": genre, "int_ext": int_ext, "time": time}

        def search(where: dict[str, str | None]) -> list[Any]:
            return library.search(query, k=k, where=where, mmr=diverse, mmr_lambda=mmr_lambda,
                                  exclude_source=exclude_source)

        hits, note = search(where), ""
        if not hits and genre:
            # A genre the library does not carry (or a genre word read from an idiom, "partners in crime") would
            # otherwise answer nothing at all: say so and show the closest scenes of any genre.
            hits = search({**where, "genre": None})
            if hits:
                where = {**where, "genre": None}
                others = _named(where)
                # With other filters set, the genre may be in the library and only these scenes missing.
                missing = f"matched ({others})" if others else "in the library"
                note = f"No {genre} scenes {missing}; the closest of any genre.\n\n"
        filters = {key: v for key, v in where.items() if v}
        return ToolResult(
            tool=TOOL_NAME,
            summary=note + format_hits(hits, filters),
            data={"query": query, "filters": filters, "hits": [h.to_dict() for h in hits]},
        )

    return StructuredTool.from_function(
        func=similar_scenes,
        name=TOOL_NAME,
        description=(
            "Search the scene library (original starter scenes in 14 genres, the writer's indexed drafts, "
            "optionally Shakespeare) for scenes like a description; returns headings, sources, scores and excerpts."
        ),
        args_schema=SimilarScenesArgs,
    )
