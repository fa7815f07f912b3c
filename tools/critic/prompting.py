"""The critic's prompt files, rendered strictly, and the delimiters evidence travels in."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

PROMPTS = Path(__file__).resolve().parent / "prompts"
_ROLE_TOKEN_RE = re.compile(
    r"<\|?\s*/?\s*(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\s*\|?>"
    r"|\[/?INST\]|<</?SYS>>",
    re.IGNORECASE,
)
_ROLE_LINE_RE = re.compile(r"^([ \t#>*]*)(system|assistant|user|human|ai)([ \t]*:)", re.IGNORECASE | re.MULTILINE)


def render(name: str, **variables: object) -> str:
    """Render prompts/<name>; a variable the template uses but is not given raises UndefinedError."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPTS),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    return env.get_template(name).render(**variables).strip()


def defuse(text: str) -> str:
    """Draft text that can neither close the evidence block nor pose as a chat turn."""
    text = _ROLE_TOKEN_RE.sub(lambda m: "(" + re.sub(r"[<>|\[\]/]", "", m.group(0)).strip() + ")", text)
    text = text.replace("<<<", "«").replace(">>>", "»")
    return _ROLE_LINE_RE.sub(lambda m: f"{m.group(1)}{m.group(2)} (in the draft){m.group(3)}", text)


def quote(label: str, text: str) -> str:
    return f"<<<{label}\n{defuse(text.strip())}\n{label}>>>"
