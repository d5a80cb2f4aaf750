"""Named dependencies shared by every router."""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator
from typing import Annotated, Any

import asyncpg
import structlog
from fastapi import Depends, Header, Request
from redis.asyncio import Redis
from sqlalchemy.exc import MissingGreenlet
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn
from starlette.types import Scope

from api.core.pagination import PageParams, page_params
from api.core.queue import transaction
from api.core.settings import Settings

log = structlog.get_logger("peyvand.db")
READ_METHODS = frozenset({"GET", "HEAD"})
# The request's own slot for its pooled driver connection: a dict the outermost middleware puts in the
# scope (``request_slot``), shared by every copy of the scope made below it. Not the scope's "state": a
# server (or test harness) may hand every request the same lifespan state dict.
REQUEST_SLOT = "peyvand.request"
_CONNECTION = "connection"


def request_slot(scope: Scope) -> dict[str, Any]:
    """Give this request its slot; called by the outermost middleware before anything else runs."""
    slot: dict[str, Any] = {}
    scope[REQUEST_SLOT] = slot
    return slot


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    if request.method in READ_METHODS:
        async with request.app.state.read_sessionmaker() as session:
            yield session
        return
    # scope="function" below: the commit happens before the response is sent, so whatever the API
    # acknowledged is already in PostgreSQL.
    async with transaction(request.app.state.sessionmaker, request.app.state.arq) as session:
        yield session


async def _request_connection(request: Request) -> asyncpg.Connection:
    slot = request.scope.get(REQUEST_SLOT)
    if slot is None:
        raise RuntimeError("no request slot: CoreMiddleware must wrap the app (it returns the connection)")
    pooled = slot.get(_CONNECTION)
    if pooled is None:
        pooled = slot[_CONNECTION] = await _checkout(request.app.state.engine)
    driver: asyncpg.Connection = pooled.driver_connection
    return driver


async def _checkout(engine: AsyncEngine) -> PoolProxiedConnection:
    """A connection from the engine's pool. SQLAlchemy drives its pool from a greenlet
    (``AsyncEngine.raw_connection``) because opening a connection awaits; handing out an idle one does not,
    and entering the greenlet and switching back copies the request's C stack each way — under load the
    largest cost of a simple read after its SQL (~15 % of a GET's CPU, for the checkout and the return).
    So an idle connection is taken directly. When there is none, or the one found is due for
    ``pool_recycle``, the pool would have to open one or wait: it raises ``MissingGreenlet`` at that await,
    having put back what it took, and the connection comes through the greenlet as before (with none idle,
    that path is taken at once)."""
    if engine.sync_engine.pool.checkedin():  # type: ignore[attr-defined]  # QueuePool's idle count
        try:
            return engine.sync_engine.raw_connection()
        except MissingGreenlet:
            pass
    return await engine.raw_connection()


# When the idle connection taken directly was due for recycling, SQLAlchemy closes the driver's ``connect()``
# it could not await outside its greenlet (``_checkout``), which Python reports as never awaited.
warnings.filterwarnings("ignore", "coroutine 'connect' was never awaited", RuntimeWarning,
                        "sqlalchemy.util.concurrency")


async def get_read_connection(request: Request) -> asyncpg.Connection:
    """GET/HEAD on the busiest routes: one pooled driver connection for the whole request, without an ORM
    session (whose setup and teardown cost more than the statements of a simple read). Statements on it
    autocommit one by one; use it for SELECTs only. ``release_request_connection`` (called by the outermost
    middleware once the response is sent) returns it to the pool.

    A route takes either this, ``WriteConnection`` or ``Session``, never two: holding two pooled
    connections per request could exhaust the pool under load."""
    if request.method not in READ_METHODS:
        raise RuntimeError("the read connection is for GET and HEAD requests")
    return await _request_connection(request)


async def get_write_connection(request: Request) -> AsyncIterator[asyncpg.Connection]:
    """The busiest writes (create and change a customer): the request's pooled driver connection inside one
    transaction, committed before the response is sent (``scope="function"``) and rolled back if the
    route raises. No ORM session: the route writes with compiled statements and records its audit entry
    and outbox event itself (``api.core.audit.record_on``, ``api.core.events.emit_on``). The connection
    goes back to the pool like the read connection, once the response is sent."""
    if request.method in READ_METHODS:
        raise RuntimeError("the write connection is for POST, PUT, PATCH and DELETE requests")
    conn = await _request_connection(request)
    tx = conn.transaction()
    await tx.start()
    try:
        yield conn
    except BaseException:
        if not conn.is_closed():
            await tx.rollback()
        raise
    await tx.commit()


async def release_request_connection(scope: Scope, *, reusable: bool) -> None:
    """The request's read or write connection back to the pool; closed instead when the request did not
    finish (``reusable=False``: cancelled or crashed, perhaps with a query still running) or the connection
    is broken. The pool opens a new one."""
    pooled = scope.get(REQUEST_SLOT, {}).pop(_CONNECTION, None)
    if pooled is None:
        return
    try:
        if reusable and not pooled.driver_connection.is_closed():
            # Returning it awaits nothing: the routes use the driver connection itself, so SQLAlchemy's
            # reset finds no transaction of its own to roll back (see ``_checkout``).
            pooled.close()
        else:
            await greenlet_spawn(pooled.invalidate)  # closes the connection, which awaits
    except Exception:
        log.warning("read_connection_release_failed", exc_info=True)


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_redis(request: Request) -> Redis[Any]:
    redis: Redis[Any] = request.app.state.redis
    return redis


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]
ReadConnection = Annotated[asyncpg.Connection, Depends(get_read_connection)]
WriteConnection = Annotated[asyncpg.Connection, Depends(get_write_connection, scope="function")]
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
