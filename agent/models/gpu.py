"""Hugging Face ZeroGPU support: wrap GPU work in `spaces.GPU` on a Space, leave it alone elsewhere."""

from __future__ import annotations

import importlib.util
import os
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


def on_gpu(fn: F) -> F:
    """`spaces.GPU(fn)` when running on a Space with the `spaces` package; `fn` itself otherwise."""
    if os.environ.get("SPACE_ID") and importlib.util.find_spec("spaces") is not None:
        import spaces

        return spaces.GPU(fn)
    return fn
