"""``Principal`` and ``RequireScope``: the only way a route learns who calls and checks what they may do."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth import service
from api.core.access import Principal
from api.core.audit import set_actor
from api.core.deps import Session
from api.core.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="A login token (pvt_…) or an API key (pvk_…)")


async def get_principal(
    request: Request,
    session: Session,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Send 'Authorization: Bearer <token or API key>'.")
    principal = await service.resolve(session, request.app.state.sessionmaker, credentials.credentials)
    if principal is None:
        raise Unauthorized("The token or API key is invalid, expired or revoked.")
    set_actor(session, principal)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


class RequireScope:
    """Dependency: the caller, after checking their role (and API-key scopes) allow ``scope``."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        principal.require(self.scope)
        return principal
