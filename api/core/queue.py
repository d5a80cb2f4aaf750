"""Jobs: enqueued inside a transaction, visible to the worker only once it commits.

``enqueue`` writes the job into ``job_outbox`` in the caller's transaction. After the commit the unit of
work pushes it to arq under the row's id (arq refuses a second job with the same id) and deletes the row;
if Redis is unreachable at that moment the worker's sweeper pushes it later. A rolled-back change leaves
no row, so no job."""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

import structlog
from arq.connections import ArqRedis
from sqlalchemy import Index, String, delete, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, utcnow
from api.core.ids import new_id
from api.core.jsonable import to_json
from api.core.metrics import JOB_DURATION, JOBS

log = structlog.get_logger("peyvand.queue")
PENDING_KEY = "pending_jobs"
REDIS_KEY = "arq_redis"
QUEUE_NAME = "peyvand:queue"

JobFunc = Callable[..., Awaitable[Any]]
F = TypeVar("F", bound=JobFunc)
JOBS_REGISTRY: dict[str, JobFunc] = {}


class JobOutbox(Base):
    __tablename__ = "job_outbox"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    job_name: Mapped[str] = mapped_column(String(120))
    args: Mapped[list[Any]] = mapped_column(JSONB)
    job_id: Mapped[str] = mapped_column(String(200), unique=True)
    defer_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_job_outbox_created_at", "created_at"),)


def job(func: F) -> F:
    """Register a worker job by its function name, with metrics. Jobs take ids and are idempotent."""
    name = func.__name__

    @functools.wraps(func)
    async def wrapper(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await func(ctx, *args, **kwargs)
            outcome = "ok"
            return result
        finally:
            JOBS.labels(name, outcome).inc()
            JOB_DURATION.labels(name).observe(time.perf_counter() - started)

    JOBS_REGISTRY[name] = wrapper
    return wrapper  # type: ignore[return-value]


def enqueue(
    session: AsyncSession,
    job_name: str,
    *args: Any,
    job_id: str | None = None,
    defer_seconds: float | None = None,
) -> JobOutbox:
    """Schedule ``job_name(*args)`` to run after the current transaction commits (never before)."""
    if job_name not in JOBS_REGISTRY:
        raise ValueError(f"unknown job {job_name!r}")
    row = JobOutbox(
        id=new_id(),
        job_name=job_name,
        args=to_json(list(args)),
        job_id=job_id or f"{job_name}:{new_id()}",
        defer_until=utcnow() + timedelta(seconds=defer_seconds) if defer_seconds else None,
        created_at=utcnow(),
    )
    session.add(row)
    session.info.setdefault(PENDING_KEY, []).append(row)
    return row


async def _push(redis: ArqRedis, row: JobOutbox) -> None:
    await redis.enqueue_job(
        row.job_name, *row.args, _job_id=row.job_id, _defer_until=row.defer_until, _queue_name=QUEUE_NAME
    )


async def push_committed(session: AsyncSession) -> None:
    """After commit: hand this transaction's jobs to arq and drop their outbox rows."""
    rows: list[JobOutbox] = session.info.pop(PENDING_KEY, [])
    redis: ArqRedis | None = session.info.get(REDIS_KEY)
    if not rows or redis is None:
        return
    pushed = []
    for row in rows:
        try:
            await _push(redis, row)
            pushed.append(row.id)
        except Exception:  # Redis blip: the sweeper will push it from the outbox.
            log.warning("job_push_deferred", job=row.job_name, job_id=row.job_id, exc_info=True)
    if pushed:
        await session.execute(delete(JobOutbox).where(JobOutbox.id.in_(pushed)))
        await session.commit()


async def sweep_outbox(session: AsyncSession, redis: ArqRedis, older_than_seconds: float = 5) -> int:
    """Push jobs whose post-commit push did not happen (crash, Redis down)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    rows = (
        await session.scalars(
            select(JobOutbox)
            .where(JobOutbox.created_at < cutoff)
            .order_by(JobOutbox.created_at)
            .limit(500)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for row in rows:
        await _push(redis, row)
        await session.delete(row)
    return len(rows)


@asynccontextmanager
async def transaction(
    maker: async_sessionmaker[AsyncSession], redis: ArqRedis | None
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on error, then release the committed jobs."""
    async with maker() as session:
        session.info[REDIS_KEY] = redis
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            session.info.pop(PENDING_KEY, None)
            raise
        await push_committed(session)


def redis_settings(url: str) -> Any:
    """arq connection settings for a ``redis://``, ``rediss://`` or ``unix://`` URL."""
    from urllib.parse import parse_qs, urlparse

    from arq.connections import RedisSettings

    parsed = urlparse(url)
    if parsed.scheme == "unix":
        db = int(parse_qs(parsed.query).get("db", ["0"])[0])
        return RedisSettings(unix_socket_path=parsed.path, database=db)
    return RedisSettings.from_dsn(url)
