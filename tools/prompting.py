"""Prompt files rendered strictly, and the data delimiters that writer text travels in (shared by agent and tools).

Draft text never reaches a model as instructions: it sits between ``<<<LABEL`` and ``LABEL>>>`` with
chat-role markers defused, and every prompt says such blocks are data.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2

# Chat-template role markers of the common model families; inside data they must not read as a turn.
_ROLE_MARKER_RE = re.compile(
    r"<\|?\s*(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\s*\|?>"
    r"|\[/?INST\]|<</?SYS>>",
    re.IGNORECASE,
)
# A line posing as a chat turn ("System: ...", "### Assistant:") inside quoted data.
_ROLE_LINE_RE = re.compile(r"^(\s*#*\s*)(system|assistant|user|human)(\s*:)", re.IGNORECASE | re.MULTILINE)


@lru_cache(maxsize=None)
def environment(package: str) -> jinja2.Environment:
    """A read-only template environment over ``<package>/prompts`` (cached: no per-writer state)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "prompts"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(name: str, package: str, **variables: object) -> str:
    """Render ``<package>/prompts/<name>``; a variable the template uses but is not given raises."""
    return environment(package).get_template(name).render(**variables).strip()


def defuse(text: str) -> str:
    """Text that cannot close a data block early or pose as a chat turn."""
    text = _ROLE_MARKER_RE.sub(lambda m: "(" + re.sub(r"[<>|\[\]/]", "", m.group(0)).strip() + ")", text)
    text = text.replace("<<<", "‹‹‹").replace(">>>", "›››").replace("<|", "‹|").replace("|>", "|›")
    return _ROLE_LINE_RE.sub(lambda m: f"{m.group(1)}{m.group(2)} (quoted){m.group(3)}", text)


def quote_data(label: str, text: str) -> str:
    """Writer text between ``<<<LABEL`` and ``LABEL>>>``."""
    return f"<<<{label}\n{defuse(text.strip())}\n{label}>>>"
