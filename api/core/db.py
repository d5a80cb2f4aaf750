"""Engine, declarative base and the one-transaction-per-request session."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event, func
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column

from api.core.ids import new_id
from api.core.settings import Settings

READ_ONLY_KEY = "read_only"
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def utcnow() -> datetime:
    return datetime.now(UTC)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.now(), default=utcnow, onupdate=utcnow
    )


class VersionMixin:
    """Optimistic concurrency: the row version backs ETags and guards concurrent writers."""

    version: Mapped[int] = mapped_column(server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def async_url(url: str) -> str:
    """Accept the usual ``postgresql://`` URLs and use the asyncpg driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    target = url or settings.database_url
    if not target:
        raise RuntimeError("No database URL: start the embedded services or set DATABASE_URL")
    return create_async_engine(
        async_url(target),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        # No pre-ping: it costs a round trip per checkout. Connections are recycled instead, and a dead
        # one fails its request once (the client's retry with the same Idempotency-Key is safe).
        pool_recycle=1800,
        # The connection returned last is handed out next (as asyncpg's own pool does): under load the
        # same few backends serve the requests, with their caches warm, instead of every pooled one in turn.
        pool_use_lifo=True,
        connect_args={"server_settings": connection_settings(settings, "peyvand")},
    )


def connection_settings(settings: Settings, application_name: str) -> dict[str, str]:
    """What every connection of ours sets on the server (asyncpg's ``server_settings``)."""
    values = {"application_name": application_name, "timezone": "UTC"}
    if settings.db_random_page_cost is not None:
        values["random_page_cost"] = str(settings.db_random_page_cost)
    return values


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for GET requests: autocommit, so a read costs no BEGIN/COMMIT round trips (a third of a
    simple GET's database work), on the same pool. They refuse to write: see ``_refuse_writes``."""
    return async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False,
                              autoflush=False, info={READ_ONLY_KEY: True})


@event.listens_for(Session, "before_flush")
def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    # Without a transaction, several writes would not be atomic. Reads may only leave a trail of
    # single-row inserts (the audit entry of a privacy export), which are atomic on their own.
    if session.info.get(READ_ONLY_KEY) and (
        session.dirty or session.deleted or any(not getattr(o, "__written_on_read__", False) for o in session.new)
    ):
        raise RuntimeError("a GET request tried to change data: use POST/PATCH/DELETE for writes")
