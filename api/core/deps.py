"""Named dependencies shared by every router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import PageParams, page_params
from api.core.queue import transaction
from api.core.settings import Settings

READ_METHODS = frozenset({"GET", "HEAD"})


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    if request.method in READ_METHODS:
        async with request.app.state.read_sessionmaker() as session:
            yield session
        return
    # scope="function" below: the commit happens before the response is sent, so whatever the API
    # acknowledged is already in PostgreSQL.
    async with transaction(request.app.state.sessionmaker, request.app.state.arq) as session:
        yield session


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_redis(request: Request) -> Redis[Any]:
    redis: Redis[Any] = request.app.state.redis
    return redis


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
RedisClient = Annotated["Redis[Any]", Depends(get_redis)]
Pagination = Annotated[PageParams, Depends(page_params)]


async def get_if_match(
    if_match: Annotated[
        str | None,
        Header(alias="If-Match", description="ETag from a previous read; the write fails with 412 if stale"),
    ] = None,
) -> str | None:
    # Wrapped in a dependency so routes can declare ``if_match: IfMatch`` without a default and the
    # header still stays optional (a bare ``Annotated[..., Header()]`` without a default is required).
    return if_match


IfMatch = Annotated[str | None, Depends(get_if_match)]
