"""Prompts are package data files rendered strictly: a missing variable is an error, not blank text."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import jinja2


@lru_cache(maxsize=None)
def _environment(package: str) -> jinja2.Environment:
    # lru_cache holds immutable, read-only template environments, not per-writer state.
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "prompts"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render_prompt(name: str, package: str = "agent", **variables: object) -> str:
    """Render `<package>/prompts/<name>` with `variables`; undefined names raise."""
    return _environment(package).get_template(name).render(**variables).strip()


def quote_data(label: str, text: str) -> str:
    """Wrap writer-supplied text (a draft, a retrieved scene) in delimiters the model is told are data.

    Any delimiter-like or chat-role markers inside the text are defused so the text cannot close the
    block early or pose as a system turn.
    """
    cleaned = (
        text.replace("<<<", "‹‹‹")
        .replace(">>>", "›››")
        .replace("<|", "‹|")
        .replace("|>", "|›")
    )
    return f"<<<{label}\n{cleaned}\n{label}>>>"


def prompt_exists(name: str, package: str = "agent") -> bool:
    return resources.files(package).joinpath("prompts", name).is_file()
