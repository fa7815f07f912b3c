"""Story development inside Scriptroom: the StoryEngine built from the runtime's shared parts, and a developed
story saved as an ordinary project (draft, bible) with its development records beside it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tools.develop import Story, StoryEngine


def story_engine(runtime: Any, *, library: bool = True) -> StoryEngine:
    """One engine per runtime (it holds no writer's state): words from the main model, scenes from a generator
    built like the chat's (scene adapter, critic's scorer, library examples). The tier is the model's own."""
    engine = runtime.extras.get("story_engine")
    if engine is None:
        from agent.tool_builders import _scene_model, _scene_scorer
        from tools.generator import SceneGenerator

        if runtime.embedder is None:  # a runtime built without tools (the CLI) still reranks like the chat
            from tools.embeddings import load_embedder

            runtime.embedder = load_embedder()
        generator = SceneGenerator(_scene_model(runtime), library=runtime.scene_library() if library else None,
                                   embedder=runtime.embedder, scorer=_scene_scorer(runtime))
        engine = StoryEngine(runtime.agent.chat_model, generator, tier=runtime.agent.info.writing_tier)
        runtime.extras["story_engine"] = engine
    return engine


def save_story(storage: Any, writer: str, story: Story, engine: StoryEngine, *, project_id: str | None = None,
               chat: list[dict[str, Any]] | None = None) -> str:
    """The story as a project (its Fountain and bible) plus its records; returns the project id."""
    from tools.develop.document import to_fountain

    name = story.title.text if story.title else story.logline.text[:40]
    project_id = storage.save_project(writer=writer, name=name, fountain=to_fountain(story),
                                      bible=asdict(engine.bible(story)), chat=chat or [], source="development",
                                      project_id=project_id)
    storage.save_story(writer=writer, project_id=project_id, story=story.to_dict())
    return project_id
