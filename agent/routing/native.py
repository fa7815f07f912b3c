"""Native tool calling: the chat model picks the tool; its call is validated, and doubts go to the semantic router."""

from __future__ import annotations

import importlib.resources
from typing import Any, Mapping, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, ValidationError

from agent.routing.decision import INTENTS, RoutingDecision
from agent.routing.slash import SlashFirst
from agent.routing.text import fold
from agent.registry import INTENT_ARGS, native_tools

# Tools without arguments that the model may also call (undo, help).
NO_ARG_TOOLS = {name: description for name, (args, description) in native_tools().items() if args is None}


def supports_tools(chat_model: Any) -> bool:
    """Capability check: does the backend implement bind_tools (not the base class stub)?"""
    method = getattr(type(chat_model), "bind_tools", None)
    return method is not None and method is not BaseChatModel.bind_tools


def tool_specs(tool_schemas: Mapping[str, type[BaseModel]]) -> list[dict[str, Any]]:
    """OpenAI-style function specs named after the tools, built from the pydantic schemas."""
    specs = []
    for name, schema in tool_schemas.items():
        parameters = schema.model_json_schema()
        parameters.pop("title", None)
        specs.append(
            {"type": "function", "function": {"name": name, "description": (schema.__doc__ or name).strip(), "parameters": parameters}}
        )
    for name, description in NO_ARG_TOOLS.items():
        if name not in tool_schemas:
            specs.append(
                {"type": "function", "function": {"name": name, "description": description, "parameters": {"type": "object", "properties": {}}}}
            )
    return specs


def system_prompt() -> str:
    return importlib.resources.files("agent.routing").joinpath("native_system.md").read_text(encoding="utf-8")


class ToolCallingRouter(SlashFirst):
    """Routes with the chat model's own tool calling; anything it gets wrong goes to ``fallback``.

    ``tool_schemas`` maps tool name to argument model; ``tool_intents`` maps a tool name to its intent
    where the two differ (e.g. {"similar_scenes": "similar"}).
    """

    def __init__(
        self,
        chat_model: BaseChatModel,
        tool_schemas: Mapping[str, type[BaseModel]] = INTENT_ARGS,
        *,
        fallback: Any | None = None,
        tool_intents: Mapping[str, str] | None = None,
    ) -> None:
        self.chat_model = chat_model
        self.tool_schemas = dict(tool_schemas)
        self.fallback = fallback
        self.tool_intents = {name: name for name in [*self.tool_schemas, *NO_ARG_TOOLS]}
        self.tool_intents.update(tool_intents or {})
        unknown = sorted(set(self.tool_intents.values()) - set(INTENTS))
        if unknown:
            raise ValueError(f"tool_intents names unknown intents {unknown}; use tool_intents to map tool names to {INTENTS}")
        self.supported = supports_tools(chat_model)
        self._bound = chat_model.bind_tools(tool_specs(self.tool_schemas)) if self.supported else None

    def _route(self, message: str, cleaned: str, characters: Sequence[str], scene_names: Sequence[str],
               has_draft: bool | None) -> RoutingDecision:
        if self._bound is None:
            return self._fall_back(message, characters, scene_names, has_draft)
        reply = self._bound.invoke([SystemMessage(system_prompt()), HumanMessage(cleaned)])
        calls = getattr(reply, "tool_calls", None) if isinstance(reply, AIMessage) else None
        if not calls:
            # Small models often answer in prose when a tool was meant; the semantic router decides.
            return self._fall_back(message, characters, scene_names, has_draft)
        decision = self._from_call(calls[0], characters)
        return decision if decision is not None else self._fall_back(message, characters, scene_names, has_draft)

    def _from_call(self, call: Mapping[str, Any], characters: Sequence[str]) -> RoutingDecision | None:
        name = str(call.get("name", ""))
        intent = self.tool_intents.get(name)
        if intent is None:
            return None
        raw = {k: v for k, v in dict(call.get("args") or {}).items() if v is not None}
        if name not in self.tool_schemas:
            return RoutingDecision(intent, {}, 1.0, "native") if not raw else None
        try:
            args = self.tool_schemas[name].model_validate(raw).model_dump(exclude_unset=True)
        except ValidationError:
            return None
        if "characters" in args:
            # Only characters of the loaded draft, spelled as the draft spells them.
            known = {fold(c): c for c in characters}
            args["characters"] = [known[fold(c)] for c in args["characters"] if fold(c) in known]
            if not args["characters"]:
                del args["characters"]
        return RoutingDecision(intent, args, 1.0, "native")

    def _fall_back(
        self, message: str, characters: Sequence[str], scene_names: Sequence[str], has_draft: bool | None
    ) -> RoutingDecision:
        if self.fallback is None:
            return RoutingDecision("chat", {}, 0.0, "fallback")
        decision = self.fallback.route(message, characters=characters, scene_names=scene_names, has_draft=has_draft)
        decision.layer = "fallback"
        return decision
