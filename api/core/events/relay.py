"""Hands committed outbox events to the consumers registered by domains (webhooks, ladders, ...).

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several workers share the work; an event is marked
dispatched in the same transaction as the consumers' own writes, so a crash replays it (consumers are
idempotent by event id)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.db import utcnow
from api.core.events.outbox import OutboxEvent

Consumer = Callable[[AsyncSession, OutboxEvent], Awaitable[None]]
_CONSUMERS: list[tuple[str, Consumer]] = []
log = structlog.get_logger("peyvand.events")


def consume(pattern: str) -> Callable[[Consumer], Consumer]:
    """Register a consumer for an event type, or for every type of an entity with ``"customer.*"``."""

    def decorator(func: Consumer) -> Consumer:
        _CONSUMERS.append((pattern, func))
        return func

    return decorator


def _matches(pattern: str, event_type: str) -> bool:
    if pattern in ("*", event_type):
        return True
    return pattern.endswith(".*") and event_type.startswith(pattern[:-1])


async def relay_batch(session: AsyncSession, limit: int = 200) -> int:
    """Dispatch up to ``limit`` pending events in order; returns how many were handled."""
    rows = (
        await session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.dispatched_at.is_(None))
            .order_by(OutboxEvent.occurred_at, OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for event in rows:
        for pattern, consumer in _CONSUMERS:
            if _matches(pattern, event.type):
                await consumer(session, event)
    if rows:
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_([e.id for e in rows]))
            .values(dispatched_at=utcnow(), attempts=OutboxEvent.attempts + 1)
        )
    return len(rows)


def consumers() -> list[tuple[str, Any]]:
    return list(_CONSUMERS)
