"""Test fixtures: a real PostgreSQL and Redis (the machine's when DATABASE_URL / REDIS_URL are set,
embedded ones otherwise), schema built by the migrations, every table emptied after each test."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.access import Role
from api.core.db import async_url, create_engine, create_sessionmaker
from api.core.embedded import EmbeddedServices
from api.core.migrate import upgrade
from api.core.queue import transaction
from api.core.security import configure_hasher
from api.core.settings import Settings
from api.main import create_app
from api.users.schemas import TeamCreate, UserCreate
from api.users.service import create_team, create_user

PASSWORD = "correct-horse-battery"


def _plain_url(url: str) -> str:
    return make_url(async_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


async def _create_database(server_url: str, name: str) -> str:
    url = make_url(_plain_url(server_url))
    conn = await asyncpg.connect(_plain_url(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def _drop_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(_plain_url(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def services() -> AsyncIterator[dict[str, str]]:
    """Server URLs for the whole run: a fresh database on the configured or embedded server."""
    tmp = Path(tempfile.mkdtemp(prefix="peyvand-test-"))
    embedded = EmbeddedServices(tmp)
    server_db = os.environ.get("DATABASE_URL") or await asyncio.to_thread(embedded.start_postgres, "postgres")
    redis_url = os.environ.get("REDIS_URL") or await asyncio.to_thread(embedded.start_redis)
    if os.environ.get("REDIS_URL"):
        redis_url = redis_url.rstrip("/").rsplit("/", 1)[0] + "/" + os.environ.get("PEYVAND_TEST_REDIS_DB", "15") \
            if redis_url.startswith("redis") else redis_url
    db_name = f"peyvand_test_{os.getpid()}"
    database_url = await _create_database(server_db, db_name)
    await asyncio.to_thread(upgrade, database_url)
    try:
        yield {"database_url": database_url, "redis_url": redis_url, "server_url": server_db}
    finally:
        await _drop_database(server_db, db_name)
        await asyncio.to_thread(embedded.stop)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def settings(services: dict[str, str]) -> Settings:
    cfg = Settings(
        env="test",
        database_url=services["database_url"],
        redis_url=services["redis_url"],
        log_json=True,
        login_rate_per_minute=1000,
        # Cheap Argon2id keeps hundreds of logins fast; production refuses these values.
        password_hash_time_cost=1,
        password_hash_memory_kib=1024,
    )
    configure_hasher(cfg.password_hash_time_cost, cfg.password_hash_memory_kib)
    return cfg


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[Any]:
    eng = create_engine(settings)
    yield eng
    await eng.dispose()


@pytest.fixture
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    client = Redis.from_url(settings.redis_url or "")
    yield client
    await client.aclose()


@pytest.fixture(autouse=True)
async def _clean(engine: Any, settings: Settings) -> AsyncIterator[None]:
    """Every test starts from empty tables and an empty Redis database."""
    yield
    async with engine.begin() as conn:
        from api.models import metadata

        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        await conn.exec_driver_sql(f"TRUNCATE {names} CASCADE")
    client = Redis.from_url(settings.redis_url or "")
    await client.flushdb()
    await client.aclose()


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    """Override per test with ``settings.model_copy(update=...)`` before ``app`` is built."""
    return settings


@pytest.fixture
async def app(app_settings: Settings) -> AsyncIterator[Any]:
    application = create_app(app_settings)
    async with LifespanManager(application) as manager:
        yield manager.app


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest.fixture
def maker(engine: Any) -> Any:
    return create_sessionmaker(engine)


@pytest.fixture
def db(maker: Any) -> Callable[[Callable[[AsyncSession], Awaitable[Any]]], Awaitable[Any]]:
    """Run ``func(session)`` in its own committed transaction: ``await db(lambda s: ...)``."""

    async def run(func: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
        async with transaction(maker, None) as session:
            return await func(session)

    return run


@pytest.fixture
def make_team(db: Any) -> Callable[..., Awaitable[Any]]:
    async def factory(name: str | None = None, parent_id: uuid.UUID | None = None) -> Any:
        return await db(lambda s: create_team(s, TeamCreate(name=name or f"Team {uuid.uuid4().hex[:6]}",
                                                             parent_id=parent_id)))

    return factory


@pytest.fixture
def make_user(db: Any) -> Callable[..., Awaitable[Any]]:
    async def factory(role: Role = Role.sales, team_id: uuid.UUID | None = None, email: str | None = None,
                      password: str = PASSWORD, **extra: Any) -> Any:
        data = UserCreate(email=email or f"u{uuid.uuid4().hex[:10]}@example.com",
                          full_name=extra.pop("full_name", "Test User"), password=password, role=role,
                          team_id=team_id, **extra)
        return await db(lambda s: create_user(s, data))

    return factory


@pytest.fixture
def login(client: httpx.AsyncClient) -> Callable[..., Awaitable[dict[str, str]]]:
    """Log a user in through the API; returns the Authorization header."""

    async def do(user_or_email: Any, password: str = PASSWORD) -> dict[str, str]:
        email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
        r = await client.post("/api/v1/auth/token", data={"username": email, "password": password})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    return do


@pytest.fixture
async def admin(make_user: Any) -> Any:
    return await make_user(Role.admin, email="admin@example.com", full_name="Admin")


@pytest.fixture
async def admin_headers(admin: Any, login: Any) -> dict[str, str]:
    return await login(admin)


@pytest.fixture
async def org(make_team: Any) -> dict[str, Any]:
    """Head office with Team A and Team B below it."""
    root = await make_team("Head office")
    return {"root": root, "a": await make_team("Team A", root.id), "b": await make_team("Team B", root.id)}


@pytest.fixture
async def rep_a(make_user: Any, org: dict[str, Any], login: Any) -> tuple[Any, dict[str, str]]:
    """A sales rep of Team A and their Authorization header."""
    user = await make_user(Role.sales, team_id=org["a"].id)
    return user, await login(user)


@pytest.fixture
async def rep_b(make_user: Any, org: dict[str, Any], login: Any) -> tuple[Any, dict[str, str]]:
    """A sales rep of Team B: must never see Team A's records."""
    user = await make_user(Role.sales, team_id=org["b"].id)
    return user, await login(user)
