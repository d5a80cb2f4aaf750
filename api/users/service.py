"""Users and the org chart. Only admins change them; managers read their team subtree."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, Uuid, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.service import revoke_user_sessions
from api.core import audit
from api.core.access import Principal, Role, Visibility, bound_scope_filter, visible
from api.core.errors import Conflict, NotFound, ValidationFailed, field_error
from api.core.etag import check_if_match
from api.core.events import emit
from api.core.ids import new_id
from api.core.security import hash_password, verify_password
from api.core.sql import Statement, any_of, any_param
from api.users import events
from api.users.models import Team, User
from api.users.schemas import MeUpdate, TeamCreate, TeamRead, TeamUpdate, UserCreate, UserRead, UserUpdate


def _field_error(field: str, code: str, msg: str) -> ValidationFailed:
    return ValidationFailed(msg, errors=[field_error(["body", field], code, msg)])


@dataclass(frozen=True)
class UserFilters:
    role: list[Role] | None = None
    team_id: list[uuid.UUID] | None = None
    is_active: bool | None = None
    q: str | None = None


def _contains(q: str) -> str:
    """An ILIKE pattern matching ``q`` anywhere, its wildcards taken literally."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# The columns of a row of the user list (``UserRead``: every sort key is one of them).
LIST_COLUMNS = tuple(User.__table__.c[name] for name in UserRead.model_fields)
UsersShape = tuple[Any, ...]


def users_shape(f: UserFilters) -> tuple[UsersShape, dict[str, Any]]:
    """Which filters are set (the shape ``users_list`` builds) and the values of their bind parameters."""
    shape: list[Any] = []
    values: dict[str, Any] = {}
    if f.role:
        shape.append("role")
        values["f_role"] = [r.value for r in f.role]
    if f.team_id:
        shape.append("team_id")
        values["f_team_id"] = list(f.team_id)
    if f.is_active is not None:
        shape.append(("is_active", f.is_active))
    if f.q:
        shape.append("q")
        values["f_q"] = _contains(f.q)
    return tuple(shape), values


def users_list(level: Visibility, shape: UsersShape) -> Select[Any]:
    """``LIST_COLUMNS`` of the users a caller of ``level`` may see, filtered as ``shape`` says, with bind
    parameters only (``scope_values`` and ``users_shape``'s values fill them): built and compiled once per
    shape (``api.core.pagination.paginate_shaped``)."""
    stmt = select(*LIST_COLUMNS).where(bound_scope_filter(level, User.id, User.team_id))
    for part in shape:
        if part == "role":
            stmt = stmt.where(any_param(User.role, "f_role"))
        elif part == "team_id":
            stmt = stmt.where(any_param(User.team_id, "f_team_id"))
        elif part == "q":
            pattern = bindparam("f_q", type_=String)
            stmt = stmt.where(User.email.ilike(pattern) | User.full_name.ilike(pattern))
        else:
            stmt = stmt.where(User.is_active.is_(part[1]))
    return stmt


def directory_query(f: UserFilters, ids: list[uuid.UUID] | None = None) -> Select[Any]:
    """Every user, for naming owners: any signed-in user sees names and teams (not e-mails or roles)."""
    columns: list[Any] = [User.id, User.full_name, User.team_id, User.is_active, User.created_at]
    stmt: Select[Any] = select(*columns)
    if ids:
        stmt = stmt.where(any_of(User.id, ids))
    if f.team_id:
        stmt = stmt.where(User.team_id.in_(f.team_id))
    if f.is_active is not None:
        stmt = stmt.where(User.is_active.is_(f.is_active))
    if f.q:
        stmt = stmt.where(User.full_name.ilike(_contains(f.q)))
    return stmt


# GET /me: the caller's own row (what ``Me`` shows, and the version for its ETag), compiled once.
ME = Statement(select(*(User.__table__.c[name] for name in (*UserRead.model_fields, "version")))
               .where(User.__table__.c.id == bindparam("id", type_=Uuid)))


async def get_user(session: AsyncSession, principal: Principal, user_id: uuid.UUID) -> User:
    """A user the caller may see; anyone else is simply not found."""
    user = await session.scalar(select(User).where(User.id == user_id, visible(principal, User)))
    if user is None:
        raise NotFound("No such user.")
    return user


async def _email_taken(session: AsyncSession, email: str, except_id: uuid.UUID | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if except_id:
        stmt = stmt.where(User.id != except_id)
    return (await session.scalar(stmt)) is not None


async def _require_team(session: AsyncSession, team_id: uuid.UUID | None, field: str = "team_id") -> Team | None:
    if team_id is None:
        return None
    team = await session.get(Team, team_id)
    if team is None:
        raise _field_error(field, "team_not_found", "no such team")
    return team


async def create_user(session: AsyncSession, data: UserCreate) -> User:
    """A new user; e-mails are unique regardless of case."""
    if await _email_taken(session, data.email):
        raise Conflict("A user with this e-mail already exists.")
    await _require_team(session, data.team_id)
    user = User(
        id=new_id(),
        email=data.email.lower(),
        full_name=data.full_name.strip(),
        password_hash=await hash_password(data.password),
        role=data.role.value,
        team_id=data.team_id,
        language=data.language,
        calendar=data.calendar,
        is_active=True,
        failed_logins=0,
    )
    session.add(user)
    await session.flush()
    emit(session, events.USER_CREATED, "user", user.id, _user_payload(user))
    return user


async def _active_admins(session: AsyncSession) -> int:
    return int(await session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.admin.value, User.is_active)
    ) or 0)


async def update_user(session: AsyncSession, user: User, data: UserUpdate, if_match: str | None) -> User:
    """Change a user. The last active admin cannot be demoted or deactivated; deactivation and
    password changes end the user's logins."""
    check_if_match(if_match, user)
    changes = data.model_dump(exclude_unset=True)
    for field in ("email", "full_name", "role", "language", "calendar", "is_active"):
        if field in changes and changes[field] is None:
            raise _field_error(field, "null_not_allowed", "may not be null")
    if "email" in changes and await _email_taken(session, changes["email"], user.id):
        raise Conflict("A user with this e-mail already exists.")
    if "team_id" in changes:
        await _require_team(session, changes["team_id"])
    losing_admin = user.role == Role.admin.value and user.is_active and (
        changes.get("role", Role.admin) != Role.admin or changes.get("is_active") is False
    )
    if losing_admin and await _active_admins(session) <= 1:
        raise Conflict("This is the last active admin; make another admin first.")
    end_sessions = False
    for field, value in changes.items():
        if field == "password":
            user.password_hash = await hash_password(value)
            end_sessions = True
            audit.record(session, "password_reset", "user", user.id, {}, owner_id=user.id, team_id=user.team_id)
        elif field == "email":
            user.email = value.lower()
        elif field == "role":
            user.role = Role(value).value
        else:
            setattr(user, field, value)
    if changes.get("is_active") is False:
        end_sessions = True
    await session.flush()
    if end_sessions:
        await revoke_user_sessions(session, user.id)
    emit(session, events.USER_UPDATED, "user", user.id, _user_payload(user))
    return user


async def update_me(session: AsyncSession, principal: Principal, data: MeUpdate) -> User:
    """Users change their own name, language, calendar and password (with the current one)."""
    user = await get_user(session, principal, principal.user_id)
    changes = data.model_dump(exclude_unset=True, exclude={"current_password"})
    if changes.get("password") is not None:
        if not data.current_password or not await verify_password(data.current_password, user.password_hash):
            # 422, not 401: the caller is authenticated, and a 401 would tell clients their token died.
            raise _field_error("current_password", "password_wrong", "the current password is missing or wrong")
        user.password_hash = await hash_password(changes.pop("password"))
        # Other devices are logged out; the one making the change stays in.
        await revoke_user_sessions(session, user.id, keep=principal.session_id)
        audit.record(session, "password_change", "user", user.id, {}, owner_id=user.id, team_id=user.team_id)
    for field, value in changes.items():
        if value is None:
            raise _field_error(field, "null_not_allowed", "may not be null")
        setattr(user, field, value)
    await session.flush()
    emit(session, events.USER_UPDATED, "user", user.id, _user_payload(user))
    return user


async def ensure_admin(session: AsyncSession, email: str, password: str, full_name: str = "Administrator") -> bool:
    """Create the first admin unless any admin exists; True when one was created."""
    if await session.scalar(select(User.id).where(User.role == Role.admin.value).limit(1)):
        return False
    await create_user(session, UserCreate(email=email, full_name=full_name, password=password, role=Role.admin))
    return True


# Teams -------------------------------------------------------------------------------------------

def teams_query(principal: Principal) -> Select[Any]:
    return select(Team).where(visible(principal, Team))


async def get_team(session: AsyncSession, principal: Principal, team_id: uuid.UUID) -> Team:
    team = await session.scalar(teams_query(principal).where(Team.id == team_id))
    if team is None:
        raise NotFound("No such team.")
    return team


async def _require_user(session: AsyncSession, user_id: uuid.UUID | None) -> None:
    if user_id is not None and await session.get(User, user_id) is None:
        raise _field_error("manager_id", "manager_not_found", "no such user")


async def create_team(session: AsyncSession, data: TeamCreate) -> Team:
    """A team under an optional parent; its path makes subtree queries one index range."""
    parent = await _require_team(session, data.parent_id, "parent_id")
    await _require_user(session, data.manager_id)
    team_id = new_id()
    path = f"{parent.path if parent else '/'}{team_id}/"
    team = Team(id=team_id, name=data.name.strip(), parent_id=data.parent_id, manager_id=data.manager_id, path=path)
    session.add(team)
    await session.flush()
    emit(session, events.TEAM_CREATED, "team", team.id, _team_payload(team))
    return team


async def update_team(session: AsyncSession, team: Team, data: TeamUpdate, if_match: str | None) -> Team:
    """Rename, re-parent (never under itself) or change the manager of a team."""
    check_if_match(if_match, team)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes:
        if changes["name"] is None:
            raise _field_error("name", "null_not_allowed", "may not be null")
        team.name = changes["name"].strip()
    if "manager_id" in changes:
        await _require_user(session, changes["manager_id"])
        team.manager_id = changes["manager_id"]
    if "parent_id" in changes and changes["parent_id"] != team.parent_id:
        parent = await _require_team(session, changes["parent_id"], "parent_id")
        if parent is not None and parent.path.startswith(team.path):
            raise _field_error("parent_id", "team_cycle", "a team cannot move under itself or its own sub-team")
        old_path = team.path
        new_path = f"{parent.path if parent else '/'}{team.id}/"
        team.parent_id = changes["parent_id"]
        await session.flush()
        # Move the whole subtree in one statement.
        await session.execute(
            update(Team)
            .where(Team.path.startswith(old_path, autoescape=True))
            .values(path=func.concat(new_path, func.substr(Team.path, len(old_path) + 1)))
            .execution_options(synchronize_session="fetch")
        )
    await session.flush()
    emit(session, events.TEAM_UPDATED, "team", team.id, _team_payload(team))
    return team


async def delete_team(session: AsyncSession, team: Team, if_match: str | None) -> None:
    """Remove an empty team (no sub-teams, no members)."""
    check_if_match(if_match, team)
    children = await session.scalar(select(func.count()).select_from(Team).where(Team.parent_id == team.id))
    members = await session.scalar(select(func.count()).select_from(User).where(User.team_id == team.id))
    if children or members:
        raise Conflict("Move the team's sub-teams and members elsewhere first.")
    payload = _team_payload(team)
    await session.delete(team)
    await session.flush()
    emit(session, events.TEAM_DELETED, "team", team.id, payload)


def _user_payload(user: User) -> dict[str, Any]:
    return UserRead.model_validate(user).model_dump(mode="json")


def _team_payload(team: Team) -> dict[str, Any]:
    return TeamRead.model_validate(team).model_dump(mode="json")



async def set_user(session: AsyncSession, email: str, password: str, role: Role, name: str | None = None) -> bool:
    """Create a user, or reset an existing one's password and role and unlock it (CLI recovery path).
    True when the user was created."""
    existing = await session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if existing is None:
        await create_user(session, UserCreate(email=email, full_name=name or email.split("@")[0],
                                              password=password, role=role))
        return True
    UserUpdate(password=password)  # same password rules as the API
    existing.password_hash = await hash_password(password)
    existing.role = role.value
    existing.is_active = True
    existing.failed_logins = 0
    existing.locked_until = None
    if name:
        existing.full_name = name
    await session.flush()
    await revoke_user_sessions(session, existing.id)
    emit(session, events.USER_UPDATED, "user", existing.id, _user_payload(existing))
    return False
