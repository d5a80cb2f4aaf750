"""``Principal`` and ``RequireScope``: the only way a route learns who calls and checks what they may do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import service
from api.core.access import Principal
from api.core.audit import set_actor
from api.core.deps import Session, WriteConnection, get_read_connection
from api.core.errors import Unauthorized
from api.core.sql import Db

_bearer = HTTPBearer(auto_error=False, description="A login token (pvt_…) or an API key (pvk_…)")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send 'Authorization: Bearer <token or API key>'.")
    return credentials.credentials


def _known(principal: Principal | None) -> Principal:
    if principal is None:
        raise Unauthorized("The token or API key is invalid, expired or revoked.")
    return principal


async def _authenticate(request: Request, db: Db, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    return _known(await service.resolve(db, request.app.state.sessionmaker, _token(credentials)))


async def get_principal(request: Request, session: Session, credentials: Credentials) -> Principal:
    principal = await _authenticate(request, session, credentials)
    set_actor(session, principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


class RequireScope:
    """Dependency: the caller, after checking their role (and API-key scopes) allow ``scope``."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        principal.require(self.scope)
        return principal


@dataclass(frozen=True, slots=True)
class Caller:
    """The caller of a busy route and the request's driver connection: ``api.core.deps.ReadConnection`` for
    ``RequireReadScope``, ``api.core.deps.WriteConnection`` (in a transaction) for ``RequireWriteScope``."""

    principal: Principal
    db: asyncpg.Connection


class RequireReadScope:
    """``RequireScope`` for the busiest GET routes: the caller is looked up on the request's read connection,
    and the route reads through ``Caller.db`` instead of a session (one pooled connection, no ORM).
    ``scope=None``: any signed-in caller (``GET /me``)."""

    def __init__(self, scope: str | None) -> None:
        self.scope = scope

    async def __call__(self, request: Request, credentials: Credentials) -> Caller:
        # The connection is a call, not a sub-dependency: one less for FastAPI to solve.
        return await _caller(request, await get_read_connection(request), credentials, self.scope)


class RequireWriteScope:
    """``RequireScope`` for the busiest writes: the caller is looked up on the request's write connection,
    whose transaction the route writes in (no session; audit and events recorded explicitly)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    async def __call__(self, request: Request, credentials: Credentials, db: WriteConnection) -> Caller:
        return await _caller(request, db, credentials, self.scope)


async def read_with_caller(request: Request, credentials: HTTPAuthorizationCredentials | None, scope: str,
                           read: service.WithCaller, **values: Any) -> tuple[Caller, dict[str, Any] | None]:
    """``RequireReadScope(scope)`` and ``read`` in one round trip on the request's read connection (see
    ``WithCaller``): the caller, and the row found (None if none), not yet checked against the caller."""
    token = _token(credentials)
    db = await get_read_connection(request)
    principal, found = await service.resolve_with(db, request.app.state.sessionmaker, token, read, **values)
    caller = Caller(_known(principal), db)
    caller.principal.require(scope)
    return caller, found


async def _caller(request: Request, db: asyncpg.Connection, credentials: HTTPAuthorizationCredentials | None,
                  scope: str | None) -> Caller:
    principal = await _authenticate(request, db, credentials)
    if scope is not None:
        principal.require(scope)
    return Caller(principal, db)
