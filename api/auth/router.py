"""Login, logout, the caller's own profile, and API keys."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response, status
from sqlalchemy import select

from api.auth import service
from api.auth.deps import CurrentPrincipal, RequireScope
from api.auth.models import ApiKey
from api.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead, Token
from api.core.access import Principal
from api.core.deps import AppSettings, Pagination, Session
from api.core.errors import (
    Forbidden,
    Locked,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
    responses,
)
from api.core.pagination import Page, paginate, parse_sort
from api.core.ratelimit import client_ip, rate_limit

router = APIRouter(tags=["auth"])
AUTHED = responses(Unauthorized, ValidationFailed)
ApiKeyAdmin = Annotated[Principal, Depends(RequireScope("api_keys:write"))]


@router.post(
    "/auth/token",
    name="auth:token",
    summary="Log in with e-mail and password",
    response_model=Token,
    dependencies=[Depends(rate_limit("login", lambda s: s.login_rate_per_minute))],
    responses=responses(Unauthorized, ValidationFailed, RateLimited, Locked),
)
async def issue_token(
    request: Request,
    session: Session,
    settings: AppSettings,
    username: Annotated[str, Form(max_length=320, description="Your e-mail")],
    password: Annotated[str, Form(max_length=1024)],
) -> Token:
    """OAuth2 password flow: `username` is the e-mail. Five failures in a row lock the account for a
    while (429 with `Retry-After`)."""
    return await service.login(
        session, request.app.state.sessionmaker, settings, username, password,
        ip=client_ip(request), user_agent=request.headers.get("user-agent"),
    )


@router.post(
    "/auth/logout",
    name="auth:logout",
    summary="Revoke the token used for this request",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=AUTHED,
)
async def logout(session: Session, principal: CurrentPrincipal) -> Response:
    await service.logout(session, principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/api-keys",
    name="api_keys:list",
    summary="List API keys",
    response_model=Page[ApiKeyRead],
    responses=responses(Unauthorized, Forbidden, ValidationFailed),
)
async def list_api_keys(session: Session, _: ApiKeyAdmin, page: Pagination) -> Page[ApiKeyRead]:
    sort = parse_sort(None, {"created_at": ApiKey.created_at}, ApiKey.id, "-created_at")
    rows, cursor, total = await paginate(session, select(ApiKey), sort, page)
    return Page[ApiKeyRead](
        items=[ApiKeyRead.model_validate(r) for r in rows], next_cursor=cursor, total=total
    )


@router.post(
    "/api-keys",
    name="api_keys:create",
    summary="Create an API key (the secret is shown once)",
    status_code=status.HTTP_201_CREATED,
    response_model=ApiKeyCreated,
    responses=responses(Unauthorized, Forbidden, ValidationFailed),
)
async def create_api_key(
    session: Session, principal: ApiKeyAdmin, data: ApiKeyCreate, response: Response
) -> ApiKeyCreated:
    key, secret = await service.create_api_key(session, principal, data)
    response.headers["Location"] = f"/api/v1/api-keys/{key.id}"
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), key=secret)


@router.get(
    "/api-keys/{key_id}",
    name="api_keys:get",
    summary="Get an API key",
    response_model=ApiKeyRead,
    responses=responses(Unauthorized, Forbidden, NotFound, ValidationFailed),
)
async def get_api_key(session: Session, _: ApiKeyAdmin, key_id: uuid.UUID) -> ApiKeyRead:
    return ApiKeyRead.model_validate(await service.get_api_key(session, key_id))


@router.delete(
    "/api-keys/{key_id}",
    name="api_keys:revoke",
    summary="Revoke an API key",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(Unauthorized, Forbidden, NotFound, ValidationFailed),
)
async def revoke_api_key(session: Session, _: ApiKeyAdmin, key_id: uuid.UUID) -> Response:
    await service.revoke_api_key(session, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
