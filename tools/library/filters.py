"""Search filters: ``genre=noir``, ``n_characters>=3``... checked and turned into a Chroma ``where``."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from tools.library.errors import LibraryError

# key -> kind: "lower" / "upper" strings are normalised that way, "int" keys take comparisons.
FILTER_KEYS: dict[str, str] = {
    "genre": "lower",
    "tone": "lower",
    "beat": "lower",
    "int_ext": "upper",
    "time": "upper",
    "location": "upper",
    "source": "exact",
    "title": "exact",
    "n_characters": "int",
    "scene_number": "int",
    "page": "int",
}
_OPS = {"=": "$eq", "!=": "$ne", ">=": "$gte", "<=": "$lte", ">": "$gt", "<": "$lt"}
_CHROMA_OPS = set(_OPS.values()) | {"$in", "$nin"}
_EXPR_RE = re.compile(r"^\s*([a-z_]+)\s*(!=|>=|<=|=|>|<)\s*(.*?)\s*$")
_INT_EXT_ALIASES = {"I/E": "INT/EXT", "INT./EXT.": "INT/EXT", "INT.": "INT", "EXT.": "EXT", "INTERIOR": "INT",
                    "EXTERIOR": "EXT"}


def _accepted() -> str:
    return ", ".join(FILTER_KEYS)


def _value(key: str, raw: Any) -> str | int:
    kind = FILTER_KEYS[key]
    if kind == "int":
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise LibraryError(f"filter {key} takes a whole number, got {raw!r}") from None
    text = str(raw).strip()
    if kind == "lower":
        return text.lower()
    if kind == "upper":
        text = text.upper()
        return _INT_EXT_ALIASES.get(text, text) if key == "int_ext" else text
    return text


def parse_filter_args(exprs: Iterable[str]) -> dict[str, Any]:
    """``["genre=noir", "n_characters>=3"]`` -> ``{"genre": "noir", "n_characters": {"$gte": 3}}``."""
    filters: dict[str, Any] = {}
    for expr in exprs:
        m = _EXPR_RE.match(expr)
        if not m:
            raise LibraryError(
                f"cannot read filter {expr!r}; write KEY=VALUE (or !=, >=, <=, >, < for numbers) "
                f"with KEY one of: {_accepted()}"
            )
        key, op, raw = m.groups()
        if key not in FILTER_KEYS:
            raise LibraryError(f"unknown filter {key!r}; filter on one of: {_accepted()}")
        if op not in ("=", "!=") and FILTER_KEYS[key] != "int":
            raise LibraryError(f"filter {key} only takes = or !=; comparisons work on {', '.join(k for k, v in FILTER_KEYS.items() if v == 'int')}")
        condition = {_OPS[op]: raw}
        existing = filters.get(key)
        if existing is None:
            filters[key] = raw if op == "=" else condition
        else:  # a range such as n_characters>=2 n_characters<=4
            merged = existing if isinstance(existing, dict) else {"$eq": existing}
            filters[key] = {**merged, **condition}
    return filters


def build_where(filters: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Chroma ``where`` from ``{key: value}`` or ``{key: {"$gte": n, ...}}``; None values are ignored."""
    clauses: list[dict[str, Any]] = []
    for key, spec in (filters or {}).items():
        if spec is None or spec == "":
            continue
        if key not in FILTER_KEYS:
            raise LibraryError(f"unknown filter {key!r}; filter on one of: {_accepted()}")
        if isinstance(spec, Mapping):
            for op, raw in spec.items():
                if op not in _CHROMA_OPS:
                    raise LibraryError(f"unknown comparison {op!r} for {key}; use one of {', '.join(sorted(_CHROMA_OPS))}")
                value = [_value(key, v) for v in raw] if op in ("$in", "$nin") else _value(key, raw)
                clauses.append({key: {op: value}})
        elif isinstance(spec, (list, tuple, set)):
            clauses.append({key: {"$in": [_value(key, v) for v in spec]}})
        else:
            clauses.append({key: {"$eq": _value(key, spec)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
