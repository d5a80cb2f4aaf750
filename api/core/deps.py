"""Named dependencies shared by every router."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.pagination import PageParams, page_params
from api.core.queue import transaction
from api.core.settings import Settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    # scope="function" below: the commit happens before the response is sent, so whatever the API
    # acknowledged is already in PostgreSQL.
    async with transaction(request.app.state.sessionmaker, request.app.state.arq) as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_redis(request: Request) -> Redis:
    return request.app.state.redis  # type: ignore[no-any-return]


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
RedisClient = Annotated[Redis, Depends(get_redis)]
Pagination = Annotated[PageParams, Depends(page_params)]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="ETag from a previous read; the write fails with 412 if stale"),
]
