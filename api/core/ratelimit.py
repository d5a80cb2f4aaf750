"""Per-client rate limits in Redis (fixed windows), answered with 429 and ``Retry-After``."""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from redis.asyncio import Redis

from api.core.errors import RateLimited
from api.core.settings import Settings


async def hit(redis: Redis[Any], bucket: str, client: str, limit: int, window_seconds: int = 60) -> None:
    """Count one request of ``client`` in ``bucket``; raise ``RateLimited`` past ``limit`` per window."""
    now = int(time.time())
    window = now // window_seconds
    key = f"peyvand:rl:{bucket}:{client}:{window}"
    pipe = redis.pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, window_seconds + 1)
    count, _ = await pipe.execute()
    if int(count) > limit:
        retry_after = (window + 1) * window_seconds - now
        raise RateLimited(retry_after, f"Too many requests; try again in {retry_after} s.")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(
    bucket: str, limit_of: Callable[[Settings], int]
) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """A dependency limiting each client IP to ``limit_of(settings)`` requests a minute."""

    async def dependency(request: Request) -> None:
        settings: Settings = request.app.state.settings
        await hit(request.app.state.redis, bucket, client_ip(request), limit_of(settings))

    return dependency
