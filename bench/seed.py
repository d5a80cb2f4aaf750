"""A fresh benchmark database: created, migrated and filled with set-based COPYs (no ORM, no per-row hashing).

Every generated row looks like production data — Persian and Latin names, an org chart of teams, UUIDv7 ids
whose timestamps match ``created_at`` — and the same ``seed`` gives the same rows. Only the users that log
in get their own Argon2 hash; everyone else shares one precomputed hash (hashing is deliberately slow)."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from argon2 import PasswordHasher
from sqlalchemy.engine import make_url

from api.core.db import async_url
from api.core.migrate import upgrade
from bench.names import LATIN_FIRST, LATIN_LAST, PERSIAN_FIRST, PERSIAN_LAST, latin_slug

ADMIN_EMAIL = "admin@bench.example.com"
ADMIN_PASSWORD = "bench-admin-password-1234"
_COPY_CHUNK = 50_000
_ROLES = ["admin", "manager", "sales", "marketing", "finance", "support", "viewer"]
_ROLE_WEIGHTS = [1, 4, 45, 12, 8, 18, 12]
_DOMAINS = ["example.com", "example.org", "example.net"]
_DEPARTMENTS: list[tuple[str, list[str]]] = [
    ("Sales — Tehran", ["North", "West", "Enterprise"]),
    ("Sales — Shiraz", ["Retail", "Wholesale"]),
    ("Sales — Isfahan", ["Retail", "Industrial"]),
    ("Sales — Mashhad", ["Retail", "Pilgrim services"]),
    ("Sales — Tabriz", ["Retail", "Export"]),
    ("Marketing", ["Campaigns", "Content"]),
    ("Finance", ["Billing", "Collections"]),
    ("Support", ["Phone", "Field service", "Online"]),
]


@dataclass(frozen=True)
class SeedInfo:
    admin_email: str
    admin_password: str
    admin_id: uuid.UUID
    users: int
    teams: int
    seconds: float
    customers: int = 0
    customer_seconds: float = 0.0


def plain_url(url: str) -> str:
    """``postgresql://`` for asyncpg, whatever driver the configured URL names."""
    return make_url(async_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


def with_database(url: str, name: str) -> str:
    return make_url(plain_url(url)).set(database=name).render_as_string(hide_password=False)


async def create_database(server_url: str, name: str) -> str:
    """Drop and recreate ``name`` on the server; returns its URL."""
    conn = await asyncpg.connect(plain_url(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(plain_url(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def uuid7_at(ms: int, rng: random.Random) -> uuid.UUID:
    """A UUIDv7 for a given instant (milliseconds since the epoch), as the API would have made it then."""
    return uuid.UUID(int=(ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62))


def _instant(start: datetime, offset_us: int) -> tuple[datetime, int]:
    at = start + timedelta(microseconds=offset_us)
    return at, int(at.timestamp() * 1000)


async def prepare_database(server_url: str, name: str, users: int, seed: int = 1,
                           customers: int = 0) -> tuple[str, SeedInfo]:
    """Create, migrate and seed the benchmark database; returns its URL and what was seeded."""
    from bench.customers_seed import seed_customers

    started = time.perf_counter()
    url = await create_database(server_url, name)
    await asyncio.to_thread(upgrade, url)
    conn = await asyncpg.connect(url)
    try:
        rng = random.Random(seed)
        info = await _seed(conn, users, rng)
        extra: dict[str, Any] = {}
        if customers:
            now = datetime.now(UTC).replace(microsecond=0)
            c = await seed_customers(conn, customers, now - timedelta(days=3 * 365 - 2), now - timedelta(hours=1),
                                     random.Random(seed + 1))
            extra = {"customers": c.customers, "customer_seconds": c.seconds}
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return url, SeedInfo(**{**info.__dict__, **extra, "seconds": round(time.perf_counter() - started, 1)})


async def reuse_database(server_url: str, name: str, users: int, customers: int) -> tuple[str, SeedInfo] | None:
    """A kept benchmark database holding at least what was asked for, migrated to head; None if there is
    none (then the caller seeds afresh). Earlier runs' writes stay: the write scenarios continue after
    them (``bench/scenarios/customers.py``)."""
    conn = await asyncpg.connect(plain_url(server_url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    finally:
        await conn.close()
    if not exists:
        return None
    url = with_database(server_url, name)
    await asyncio.to_thread(upgrade, url)
    conn = await asyncpg.connect(url)
    try:
        admin_id = await conn.fetchval('SELECT id FROM "user" WHERE email = $1', ADMIN_EMAIL)
        have_users = await conn.fetchval('SELECT count(*) FROM "user"')
        have_customers = await conn.fetchval("SELECT count(*) FROM customer WHERE deleted_at IS NULL")
        teams = await conn.fetchval("SELECT count(*) FROM team")
    finally:
        await conn.close()
    if admin_id is None or have_users < users or have_customers < customers:
        return None
    return url, SeedInfo(ADMIN_EMAIL, ADMIN_PASSWORD, admin_id, have_users, teams, 0.0, customers=have_customers)


async def _seed(conn: asyncpg.Connection, users: int, rng: random.Random) -> SeedInfo:
    now = datetime.now(UTC).replace(microsecond=0)
    origin = now - timedelta(days=3 * 365)
    teams = _team_rows(origin, rng)
    await conn.copy_records_to_table(
        "team", records=teams, columns=["id", "name", "parent_id", "manager_id", "path", "created_at",
                                        "updated_at", "version"],
    )
    team_ids = [t[0] for t in teams]
    leaf_ids = [t[0] for t in teams if not any(o[2] == t[0] for o in teams)]
    # argon2-cffi's defaults, as api/core/security.py uses them (a login would rehash anything else).
    hasher = PasswordHasher()
    admin_hash, shared_hash = await asyncio.gather(
        asyncio.to_thread(hasher.hash, ADMIN_PASSWORD),
        asyncio.to_thread(hasher.hash, f"shared-{rng.getrandbits(64)}"),
    )
    # The admin is the oldest user: created with the root team, before anyone else.
    admin_at, admin_ms = _instant(origin, 60_000_000)
    admin_id = uuid7_at(admin_ms, rng)
    admin = (admin_id, ADMIN_EMAIL, "Bench Admin", admin_hash, "admin", team_ids[0], "en", "gregorian", True, 0,
             None, None, admin_at, admin_at, 1)
    columns = ["id", "email", "full_name", "password_hash", "role", "team_id", "language", "calendar", "is_active",
               "failed_logins", "locked_until", "last_login_at", "created_at", "updated_at", "version"]
    await conn.copy_records_to_table("user", records=[admin], columns=columns)
    managers: dict[uuid.UUID, uuid.UUID] = {}
    rows = _user_rows(users - 1, origin + timedelta(days=1), now, team_ids, leaf_ids, shared_hash, rng, managers)
    while chunk := [r for _, r in zip(range(_COPY_CHUNK), rows, strict=False)]:
        await conn.copy_records_to_table("user", records=chunk, columns=columns)
    await conn.execute(
        "UPDATE team SET manager_id = m.user_id FROM unnest($1::uuid[], $2::uuid[]) AS m(team_id, user_id) "
        "WHERE team.id = m.team_id",
        list(managers), list(managers.values()),
    )
    return SeedInfo(ADMIN_EMAIL, ADMIN_PASSWORD, admin_id, users, len(teams), 0.0)


def _team_rows(origin: datetime, rng: random.Random) -> list[tuple[Any, ...]]:
    root_at, root_ms = _instant(origin, 0)
    root = uuid7_at(root_ms, rng)
    rows: list[tuple[Any, ...]] = [(root, "Head office", None, None, f"/{root}/", root_at, root_at, 1)]
    step = 1_000_000
    for name, subs in _DEPARTMENTS:
        at, ms = _instant(origin, step * len(rows))
        dept = uuid7_at(ms, rng)
        rows.append((dept, name, root, None, f"/{root}/{dept}/", at, at, 1))
        for sub in subs:
            at, ms = _instant(origin, step * len(rows))
            tid = uuid7_at(ms, rng)
            rows.append((tid, f"{name} / {sub}", dept, None, f"/{root}/{dept}/{tid}/", at, at, 1))
    return rows


def _person(rng: random.Random, i: int) -> tuple[str, str, str, str]:
    """Full name, e-mail, language, calendar."""
    domain = rng.choice(_DOMAINS)
    if rng.random() < 0.7:
        (first, first_l), (last, last_l) = rng.choice(PERSIAN_FIRST), rng.choice(PERSIAN_LAST)
        language = "fa" if rng.random() < 0.85 else "en"
        calendar = rng.choices(["jalali", "hijri", "gregorian"], [90, 3, 7])[0] if language == "fa" else "gregorian"
        return f"{first} {last}", f"{first_l}.{last_l}.{i}@{domain}", language, calendar
    first, last = rng.choice(LATIN_FIRST), rng.choice(LATIN_LAST)
    return f"{first} {last}", f"{latin_slug(first)}.{latin_slug(last)}.{i}@{domain}", "en", "gregorian"


def _user_rows(
    count: int,
    start: datetime,
    end: datetime,
    team_ids: list[uuid.UUID],
    leaf_ids: list[uuid.UUID],
    password_hash: str,
    rng: random.Random,
    managers: dict[uuid.UUID, uuid.UUID],
) -> Iterator[tuple[Any, ...]]:
    span_us = int((end - start).total_seconds() * 1_000_000)
    for i, offset in enumerate(sorted(rng.randrange(span_us) for _ in range(count)), start=1):
        created, ms = _instant(start, offset)
        uid = uuid7_at(ms, rng)
        role = rng.choices(_ROLES, _ROLE_WEIGHTS)[0]
        team = rng.choice(team_ids if role in ("admin", "manager") else leaf_ids)
        if role == "manager":
            managers.setdefault(team, uid)
        full_name, email, language, calendar = _person(rng, i)
        seen_us = rng.randrange(max(1, int((end - created).total_seconds() * 1_000_000)))
        last_login = created + timedelta(microseconds=seen_us) if rng.random() < 0.75 else None
        updated = last_login or created
        yield (uid, email, full_name, password_hash, role, team, language, calendar, rng.random() < 0.94, 0,
               None, last_login, created, updated, 1)
