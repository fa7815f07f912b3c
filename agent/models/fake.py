"""A scripted chat model for tests and offline demos: replies come from a list, prompts are recorded."""

from __future__ import annotations

import itertools
import re
from typing import Any, Iterator, Sequence

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

DEFAULT_REPLY = "I'm Scriptroom's scripted test model. Point SCRIPTROOM_BACKEND at a real model for real answers."


class ScriptedChatModel(GenericFakeChatModel):
    """GenericFakeChatModel that cycles through `replies` and records every prompt it was sent.

    Streaming splits replies on whitespace (GenericFakeChatModel's behaviour). `bind_tools` returns
    the model itself, so replies may be AIMessages carrying tool_calls.
    """

    messages: Iterator[AIMessage | str] = Field(default_factory=lambda: itertools.repeat(DEFAULT_REPLY))
    received: list[list[BaseMessage]] = Field(default_factory=list)
    received_kwargs: list[dict[str, Any]] = Field(default_factory=list)  # stop and per-call parameters

    @classmethod
    def from_replies(cls, replies: Sequence[AIMessage | str], *, cycle: bool = True) -> "ScriptedChatModel":
        it = itertools.cycle(list(replies)) if cycle else iter(list(replies))
        return cls(messages=it)

    def bind_tools(self, tools: Any, **kwargs: Any) -> "ScriptedChatModel":
        return self

    def reply(self, messages: list[BaseMessage]) -> AIMessage:
        """The next scripted reply; subclasses may compute one from the messages instead."""
        result = GenericFakeChatModel._generate(self, messages)
        return result.generations[0].message

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.received.append(list(messages))
        self.received_kwargs.append({"stop": stop, **kwargs})
        return ChatResult(generations=[ChatGeneration(message=self.reply(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.received.append(list(messages))
        self.received_kwargs.append({"stop": stop, **kwargs})
        message = self.reply(messages)
        if getattr(message, "tool_calls", None):
            yield ChatGenerationChunk(message=AIMessageChunk(content=message.content, tool_calls=message.tool_calls))
            return
        content = message.content if isinstance(message.content, str) else str(message.content)
        for piece in re.split(r"(\s)", content):
            if not piece:
                continue
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
