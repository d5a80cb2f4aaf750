"""Authentication: password logins with lockout, revocable session tokens, scoped API keys."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import ARRAY, DateTime, Select, String, Uuid, column, select, text, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth.models import ApiKey, AuthSession
from api.auth.schemas import ApiKeyCreate, Token
from api.core.access import SCOPES, Principal, Role
from api.core.db import utcnow
from api.core.errors import Locked, NotFound, Unauthorized, ValidationFailed, field_error
from api.core.security import hash_password, needs_rehash, new_token, token_hash, verify_password
from api.core.settings import Settings
from api.core.sql import Db, Statement
from api.users.models import User

log = structlog.get_logger("peyvand.auth")
SESSION_PREFIX = "pvt_"
API_KEY_PREFIX = "pvk_"
_API_KEY_TOUCH_SECONDS = 60

# One round trip per request: the caller, their role and the ids of their team subtree.
_TEAM_IDS = """COALESCE(ARRAY(SELECT t2.id FROM team t JOIN team t2 ON t2.path LIKE t.path || '%'
                              WHERE t.id = u.team_id), '{}') AS team_ids"""
_SESSION_LOOKUP = text(f"""
SELECT u.id AS user_id, u.role, u.team_id, u.email, s.id AS session_id, {_TEAM_IDS}
FROM auth_session s JOIN "user" u ON u.id = s.user_id
WHERE s.token_hash = :h AND s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active
""")  # noqa: S608 - constant SQL; the credential is the bound :h
_KEY_LOOKUP = text(f"""
SELECT u.id AS user_id, u.role, u.team_id, u.email, k.id AS key_id, k.scopes, k.last_used_at, {_TEAM_IDS}
FROM api_key k JOIN "user" u ON u.id = k.user_id
WHERE k.key_hash = :h AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())
  AND u.is_active
""")  # noqa: S608 - constant SQL; the credential is the bound :h
# Run on every request: compiled once, on the driver connection (a read outside the request's transaction).
_SESSION = Statement(_SESSION_LOOKUP)
_KEY = Statement(_KEY_LOOKUP)
# The lookups' columns, typed, for reads folded into them (``WithCaller``).
_CALLER = (column("user_id", Uuid), column("role", String), column("team_id", Uuid), column("email", String))
_SESSION_CALLER = _SESSION_LOOKUP.columns(*_CALLER, column("session_id", Uuid), column("team_ids", ARRAY(Uuid)))
_KEY_CALLER = _KEY_LOOKUP.columns(*_CALLER, column("key_id", Uuid), column("scopes", ARRAY(String)),
                                  column("last_used_at", DateTime(timezone=True)), column("team_ids", ARRAY(Uuid)))
CALLER_PREFIX = "caller_"


class WithCaller:
    """A read that runs in the same round trip as the caller's lookup:
    ``SELECT caller.*, found.* FROM (lookup) caller LEFT JOIN (read) found ON true``, one statement per kind
    of credential, compiled once. The read must not depend on who calls (no visibility filter: the caller
    is not known when it runs); the route checks what it found against the caller (``access.sees``).
    Saves a round trip on the busiest GETs (a customer by id)."""

    __slots__ = ("names", "statements")

    def __init__(self, read: Select[Any]) -> None:
        found = read.subquery("found")
        self.names = tuple(c.name for c in found.c)

        def fold(lookup: Any) -> Statement:
            caller = lookup.subquery("caller")
            return Statement(select(*(c.label(CALLER_PREFIX + c.name) for c in caller.c), *found.c)
                             .select_from(caller.outerjoin(found, true())))

        self.statements = {SESSION_PREFIX: fold(_SESSION_CALLER), API_KEY_PREFIX: fold(_KEY_CALLER)}

    def statement(self, token: str) -> Statement | None:
        """The statement for the kind of credential ``token`` is, None if it is neither kind."""
        return next((st for prefix, st in self.statements.items() if token.startswith(prefix)), None)


async def login(
    session: AsyncSession,
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    email: str,
    password: str,
    *,
    ip: str | None,
    user_agent: str | None,
) -> Token:
    """Exchange e-mail and password for a token; repeated failures lock the account for a while."""
    user = await session.scalar(select(User).where(text("lower(email) = lower(:e)")).params(e=email.strip()))
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise Locked(int((user.locked_until - now).total_seconds()) + 1,
                     "The account is locked after repeated failed logins; try again later.")
    ok = await verify_password(password, user.password_hash if user else None)
    if user is None or not ok or not user.is_active:
        if user is not None:
            await _record_failure(maker, user.id, settings)
        raise Unauthorized("Wrong e-mail or password.")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_password(password)
    token = new_token(SESSION_PREFIX)
    session.add(
        AuthSession(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.access_token_ttl_seconds),
            ip=ip,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    return Token(access_token=token, expires_in=settings.access_token_ttl_seconds)


async def _record_failure(maker: async_sessionmaker[AsyncSession], user_id: uuid.UUID, settings: Settings) -> None:
    # Its own transaction: the request's is rolled back with the 401, the count must stay.
    async with maker() as s:
        failures = await s.scalar(
            update(User).where(User.id == user_id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
        )
        if failures is not None and failures >= settings.login_max_failures:
            await s.execute(
                update(User).where(User.id == user_id).values(
                    failed_logins=0,
                    locked_until=utcnow() + timedelta(seconds=settings.login_lockout_seconds),
                )
            )
            log.warning("account_locked", user_id=str(user_id))
        await s.commit()


async def resolve(db: Db, maker: async_sessionmaker[AsyncSession], token: str) -> Principal | None:
    """The principal behind a bearer credential, or None if it is unknown, expired or revoked."""
    if token.startswith(API_KEY_PREFIX):
        row = await _KEY.fetchrow(db, h=token_hash(token))
    elif token.startswith(SESSION_PREFIX):
        row = await _SESSION.fetchrow(db, h=token_hash(token))
    else:
        return None
    return None if row is None else await _principal(maker, row)


async def resolve_with(db: Db, maker: async_sessionmaker[AsyncSession], token: str, read: WithCaller,
                       **values: Any) -> tuple[Principal | None, dict[str, Any] | None]:
    """``resolve``, and in the same round trip ``read`` with ``values``: its row (None when it found
    nothing, or when the credential is no good)."""
    statement = read.statement(token)
    row = None if statement is None else await statement.fetchrow(db, h=token_hash(token), **values)
    if row is None:
        return None, None
    principal = await _principal(maker, row, CALLER_PREFIX)
    found = row[read.names[0]]
    return principal, None if found is None else {name: row[name] for name in read.names}


async def _principal(maker: async_sessionmaker[AsyncSession], row: Mapping[str, Any], p: str = "") -> Principal:
    """The principal of a lookup's row (its columns named with the prefix ``p``)."""
    key_id = row.get(p + "key_id")
    if key_id is None:
        return Principal(user_id=row[p + "user_id"], role=Role(row[p + "role"]), team_id=row[p + "team_id"],
                         team_ids=tuple(row[p + "team_ids"]), session_id=row[p + "session_id"],
                         email=row[p + "email"])
    last = row[p + "last_used_at"]
    if last is None or (utcnow() - last).total_seconds() > _API_KEY_TOUCH_SECONDS:
        await _touch_key(maker, key_id)
    return Principal(user_id=row[p + "user_id"], role=Role(row[p + "role"]), team_id=row[p + "team_id"],
                     team_ids=tuple(row[p + "team_ids"]), api_key_id=key_id,
                     key_scopes=frozenset(row[p + "scopes"]), email=row[p + "email"])


async def _touch_key(maker: async_sessionmaker[AsyncSession], key_id: uuid.UUID) -> None:
    # Outside the request's transaction and at most once a minute, so busy keys do not serialise on it.
    async with maker() as s:
        await s.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=utcnow()))
        await s.commit()


async def logout(session: AsyncSession, principal: Principal) -> None:
    """Revoke the session token the caller used; it stops working at once."""
    if principal.session_id is None:
        raise ValidationFailed("API keys are revoked through /api/v1/api-keys, not by logging out.")
    await session.execute(
        update(AuthSession).where(AuthSession.id == principal.session_id).values(revoked_at=utcnow())
    )


async def revoke_user_sessions(
    session: AsyncSession, user_id: uuid.UUID, *, keep: uuid.UUID | None = None
) -> None:
    """End every login of a user (deactivation, password change), except the session ``keep``."""
    stmt = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    await session.execute(stmt.values(revoked_at=utcnow()))


async def create_api_key(session: AsyncSession, principal: Principal, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    """Issue a key with a subset of the known scopes, acting as an existing active user."""
    unknown = sorted(set(data.scopes) - set(SCOPES))
    if unknown:
        raise ValidationFailed(
            "Unknown scopes.",
            errors=[field_error(["body", "scopes"], "scope_unknown", f"unknown scope(s): {', '.join(unknown)}",
                                scopes=unknown)],
        )
    acting_id = data.user_id or principal.user_id
    acting = await session.get(User, acting_id)
    if acting is None or not acting.is_active:
        raise ValidationFailed(
            "The key must act as an active user.",
            errors=[field_error(["body", "user_id"], "user_not_found", "no such active user")],
        )
    secret = new_token(API_KEY_PREFIX)
    key = ApiKey(
        name=data.name,
        prefix=secret[:12],
        key_hash=token_hash(secret),
        scopes=sorted(set(data.scopes)),
        user_id=acting_id,
        created_by_id=principal.user_id,
        expires_at=data.expires_at,
    )
    session.add(key)
    await session.flush()
    return key, secret


async def get_api_key(session: AsyncSession, key_id: uuid.UUID) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("No such API key.")
    return key


async def revoke_api_key(session: AsyncSession, key_id: uuid.UUID) -> ApiKey:
    """Revoke a key for good; requests with it fail from now on."""
    key = await get_api_key(session, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await session.flush()
    return key
