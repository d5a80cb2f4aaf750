"""Answers remembered per object, for functions of declarations (annotations, columns, dependencies)
that hot paths ask about on every request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

IDENTITY_CACHE_SIZE = 4096


def per_identity(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``func`` remembered per argument, keyed by the object itself rather than its hash or equality:
    hashing ``list[Stage] | None`` hashes its arguments every time, FastAPI wraps a dependency's callable in
    a new key object per call, and SQLAlchemy columns compare into SQL expressions, not booleans. Each entry
    keeps its object alive, so its id is not reused; declarations are few, and the cache starts over should
    anything hand it an object per request."""
    known: dict[int, tuple[Any, Any]] = {}

    @functools.wraps(func)
    def cached(obj: Any) -> Any:
        entry = known.get(id(obj))
        if entry is not None and entry[0] is obj:
            return entry[1]
        value = func(obj)
        if len(known) >= IDENTITY_CACHE_SIZE:
            known.clear()
        known[id(obj)] = (obj, value)
        return value

    return cached
