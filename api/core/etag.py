"""ETags from row versions, and ``If-Match`` for safe concurrent edits (412 when stale)."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from api.core.errors import PreconditionFailed


def etag_of(obj: Any) -> str:
    return f'"{obj.id}.{obj.version}"'


def set_etag(response: Response, obj: Any) -> None:
    response.headers["ETag"] = etag_of(obj)


def check_if_match(if_match: str | None, obj: Any) -> None:
    """Refuse the write when the client's copy is not the current one."""
    if if_match is None:
        return
    current = etag_of(obj)
    candidates = [c.strip().removeprefix("W/") for c in if_match.split(",")]
    if "*" in candidates or current in candidates:
        return
    raise PreconditionFailed(
        "The record changed since you read it; fetch it again and retry.",
        headers={"ETag": current},
    )
