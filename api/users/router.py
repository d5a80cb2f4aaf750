"""Users, teams and the caller's own profile."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from api.auth.deps import Caller, CurrentPrincipal, RequireReadScope, RequireScope
from api.core.access import Principal, Role, effective_visibility, scope_values
from api.core.deps import IfMatch, Pagination, Session
from api.core.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized, ValidationFailed, responses
from api.core.etag import set_etag
from api.core.pagination import Page, paginate, paginate_shaped, parse_sort
from api.core.responses import json_response, rows_page_response
from api.users import service
from api.users.models import Team, User
from api.users.schemas import (
    Colleague,
    Me,
    MeUpdate,
    TeamCreate,
    TeamRead,
    TeamUpdate,
    UserCreate,
    UserRead,
    UserUpdate,
)

router = APIRouter()
UsersReader = Annotated[Principal, Depends(RequireScope("users:read"))]
# The user list reads on the request's read connection (no session, no ORM objects), as the customer list.
FastUsersReader = Annotated[Caller, Depends(RequireReadScope("users:read"))]
MeViewer = Annotated[Caller, Depends(RequireReadScope(None))]
UsersAdmin = Annotated[Principal, Depends(RequireScope("users:write"))]
READ = responses(Unauthorized, Forbidden, ValidationFailed)
ONE = responses(Unauthorized, Forbidden, NotFound, ValidationFailed)
WRITE = responses(Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, ValidationFailed)
USER_SORTS = {"created_at": User.created_at, "email": User.email, "full_name": User.full_name}


def _me(user: User, principal: Principal) -> Me:
    return Me(**UserRead.model_validate(user).model_dump(), scopes=sorted(principal.scopes),
              api_key_id=principal.api_key_id)


@router.get("/me", name="me:get", tags=["me"], summary="Who am I", response_model=Me,
            responses=responses(Unauthorized))
async def get_me(caller: MeViewer) -> Response:
    # Asked by the web app on every load: one compiled statement on the read connection, no session.
    principal = caller.principal
    row = await service.ME.fetchrow(caller.db, id=principal.user_id)
    if row is None:
        raise NotFound("No such user.")
    me = Me.model_validate({**dict(row), "scopes": sorted(principal.scopes), "api_key_id": principal.api_key_id})
    return json_response(me, headers={"ETag": f'"{row["id"]}.{row["version"]}"'})


@router.patch("/me", name="me:update", tags=["me"], summary="Change my name, language, calendar or password",
              response_model=Me, responses=responses(Unauthorized, Forbidden, ValidationFailed))
async def update_me(session: Session, principal: CurrentPrincipal, data: MeUpdate, response: Response) -> Me:
    principal.require("me")
    user = await service.update_me(session, principal, data)
    set_etag(response, user)
    return _me(user, principal)


@router.get("/users", name="users:list", tags=["users"], summary="List users you may see",
            response_model=Page[UserRead], responses=READ)
async def list_users(
    reader: FastUsersReader,
    page: Pagination,
    role: Annotated[list[Role] | None, Query(description="Repeat for OR")] = None,
    team_id: Annotated[list[uuid.UUID] | None, Query(description="Repeat for OR")] = None,
    is_active: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name or e-mail")] = None,
    sort: Annotated[str | None, Query(description="created_at, email, full_name; prefix - for descending")] = None,
) -> Response:
    shape, values = service.users_shape(service.UserFilters(role=role, team_id=team_id, is_active=is_active, q=q))
    level = effective_visibility(reader.principal)
    order = parse_sort(sort, USER_SORTS, User.id, "created_at")
    rows, cursor, total = await paginate_shaped(
        reader.db, ("users:list", level, shape), lambda: service.users_list(level, shape),
        {**values, **scope_values(reader.principal)}, order, page)
    return rows_page_response(rows, UserRead, cursor, total)


@router.get("/users/directory", name="users:directory", tags=["users"],
            summary="Names and teams of all users, for every signed-in user", response_model=Page[Colleague],
            responses=READ)
async def user_directory(
    session: Session,
    principal: CurrentPrincipal,
    page: Pagination,
    team_id: Annotated[list[uuid.UUID] | None, Query(description="Repeat for OR")] = None,
    is_active: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of the name")] = None,
    id: Annotated[list[uuid.UUID] | None, Query(max_length=200,
                                               description="Only these users (repeat): name a page's owners")] = None,
    sort: Annotated[str | None, Query(description="full_name, created_at; prefix - for descending")] = None,
) -> Page[Colleague]:
    """Owners of the customers a sales rep sees are often in other teams; without `users:read` the rep
    can still name them and pick them as owners. No e-mails, roles or login data."""
    principal.require("me")
    stmt = service.directory_query(service.UserFilters(team_id=team_id, is_active=is_active, q=q), ids=id)
    order = parse_sort(sort, {"full_name": User.full_name, "created_at": User.created_at}, User.id, "full_name")
    rows, cursor, total = await paginate(session, stmt, order, page, scalars=False)
    return Page[Colleague](items=[Colleague.model_validate(dict(r)) for r in rows], next_cursor=cursor, total=total)


@router.post("/users", name="users:create", tags=["users"], summary="Create a user",
             status_code=status.HTTP_201_CREATED, response_model=UserRead, responses=WRITE)
async def create_user(session: Session, _: UsersAdmin, data: UserCreate, response: Response) -> UserRead:
    user = await service.create_user(session, data)
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    set_etag(response, user)
    return UserRead.model_validate(user)


@router.get("/users/{user_id}", name="users:get", tags=["users"], summary="Get a user",
            response_model=UserRead, responses=ONE)
async def get_user(session: Session, principal: UsersReader, user_id: uuid.UUID, response: Response) -> UserRead:
    user = await service.get_user(session, principal, user_id)
    set_etag(response, user)
    return UserRead.model_validate(user)


@router.patch("/users/{user_id}", name="users:update", tags=["users"],
              summary="Change a user (role, team, activation, password…)", response_model=UserRead, responses=WRITE)
async def update_user(
    session: Session, principal: UsersAdmin, user_id: uuid.UUID, data: UserUpdate, if_match: IfMatch,
    response: Response,
) -> UserRead:
    user = await service.update_user(session, await service.get_user(session, principal, user_id), data, if_match)
    set_etag(response, user)
    return UserRead.model_validate(user)


@router.get("/teams", name="teams:list", tags=["teams"], summary="List teams you may see",
            response_model=Page[TeamRead], responses=READ)
async def list_teams(session: Session, principal: UsersReader, page: Pagination) -> Page[TeamRead]:
    order = parse_sort(None, {"created_at": Team.created_at}, Team.id, "created_at")
    rows, cursor, total = await paginate(session, service.teams_query(principal), order, page)
    return Page[TeamRead](items=[TeamRead.model_validate(r) for r in rows], next_cursor=cursor, total=total)


@router.post("/teams", name="teams:create", tags=["teams"], summary="Create a team",
             status_code=status.HTTP_201_CREATED, response_model=TeamRead, responses=WRITE)
async def create_team(session: Session, _: UsersAdmin, data: TeamCreate, response: Response) -> TeamRead:
    team = await service.create_team(session, data)
    response.headers["Location"] = f"/api/v1/teams/{team.id}"
    set_etag(response, team)
    return TeamRead.model_validate(team)


@router.get("/teams/{team_id}", name="teams:get", tags=["teams"], summary="Get a team",
            response_model=TeamRead, responses=ONE)
async def get_team(session: Session, principal: UsersReader, team_id: uuid.UUID, response: Response) -> TeamRead:
    team = await service.get_team(session, principal, team_id)
    set_etag(response, team)
    return TeamRead.model_validate(team)


@router.patch("/teams/{team_id}", name="teams:update", tags=["teams"], summary="Rename or move a team",
              response_model=TeamRead, responses=WRITE)
async def update_team(
    session: Session, principal: UsersAdmin, team_id: uuid.UUID, data: TeamUpdate, if_match: IfMatch,
    response: Response,
) -> TeamRead:
    team = await service.update_team(session, await service.get_team(session, principal, team_id), data, if_match)
    set_etag(response, team)
    return TeamRead.model_validate(team)


@router.delete("/teams/{team_id}", name="teams:delete", tags=["teams"], summary="Delete an empty team",
               status_code=status.HTTP_204_NO_CONTENT, responses=WRITE)
async def delete_team(session: Session, principal: UsersAdmin, team_id: uuid.UUID, if_match: IfMatch) -> Response:
    await service.delete_team(session, await service.get_team(session, principal, team_id), if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
