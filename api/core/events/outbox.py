"""The outbox table and ``emit``: an event exists exactly when the change that caused it committed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.core.context import request_id_var
from api.core.db import Base, IdMixin, utcnow
from api.core.events.catalogue import EVENT_TYPES
from api.core.ids import new_id
from api.core.jsonable import to_json
from api.core.sql import insert_of


class OutboxEvent(IdMixin, Base):
    __tablename__ = "outbox_event"

    type: Mapped[str] = mapped_column(String(80))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[uuid.UUID | None]
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(128))
    # Set by the relay once every consumer has taken the event.
    dispatched_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(server_default="0")

    __table_args__ = (
        Index(
            "ix_outbox_event_pending", "occurred_at", "id", postgresql_where=text("dispatched_at IS NULL")
        ),
        Index("ix_outbox_event_entity", "entity_type", "entity_id"),
    )


OUTBOX_INSERT = insert_of(OutboxEvent.__table__)


def emit(
    session: Any,
    event_type: str,
    entity_type: str,
    entity_id: uuid.UUID | None,
    payload: dict[str, Any],
) -> OutboxEvent:
    """Write a domain event into the outbox inside the caller's transaction."""
    event = OutboxEvent(**_event(event_type, entity_type, entity_id, to_json(payload)))
    session.add(event)
    return event


async def emit_on(db: asyncpg.Connection, event_type: str, entity_type: str, entity_id: uuid.UUID | None,
                  payload: dict[str, Any]) -> None:
    """``emit`` for writes made on a driver connection in a transaction (``api.core.sql.write_driver``,
    ``api.core.deps.WriteConnection``). ``payload`` must already be JSON (a ``model_dump(mode="json")``)."""
    await OUTBOX_INSERT.execute(db, **_event(event_type, entity_type, entity_id, payload), dispatched_at=None,
                                attempts=0)


def _event(event_type: str, entity_type: str, entity_id: uuid.UUID | None, payload: Any) -> dict[str, Any]:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}: register it in its domain first")
    return {"id": new_id(), "type": event_type, "entity_type": entity_type, "entity_id": entity_id,
            "payload": payload, "occurred_at": utcnow(), "request_id": request_id_var.get()}
