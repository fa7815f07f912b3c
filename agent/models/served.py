"""OpenAI-compatible servers (vLLM, llama.cpp server, Ollama, TGI, OpenAI) through langchain-openai's ChatOpenAI.

langchain-openai sends the reply limit as ``max_completion_tokens``, which only OpenAI itself honours: the
others ignore it and every call runs to the end of the context. Here the limit goes out as ``max_tokens`` to any
other server, and sampling keywords outside OpenAI's API (min_p, top_k, repetition_penalty) travel in the
request body under the names those servers read.
"""

from __future__ import annotations

from typing import Any

from langchain_openai import ChatOpenAI

from agent.models.factory import is_openai_itself

# Sampling keywords OpenAI's client does not take; the values travel in extra_body under these names
# (llama.cpp's servers read repeat_penalty, vLLM and others repetition_penalty).
EXTRA_SAMPLING = {"min_p": ("min_p",), "top_k": ("top_k",), "repetition_penalty": ("repeat_penalty", "repetition_penalty")}


class ServedChatModel(ChatOpenAI):
    """ChatOpenAI that speaks each server's dialect for the token limit and extra sampling parameters."""

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
        if kwargs.get("max_new_tokens") is not None:  # the local models' name for the same limit
            kwargs["max_tokens"] = kwargs.pop("max_new_tokens")
        kwargs.pop("max_new_tokens", None)
        extra = dict(kwargs.pop("extra_body", None) or self.extra_body or {})
        for key, names in EXTRA_SAMPLING.items():
            value = kwargs.pop(key, None)
            if value is not None:
                extra.update({name: value for name in names})
        if extra:
            kwargs["extra_body"] = extra
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        if not is_openai_itself(self.openai_api_base) and "max_completion_tokens" in payload:
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        return payload
