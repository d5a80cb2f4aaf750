"""The audit log: who changed what, field by field, written in the same transaction as the change.

Models opt in with ``__audit__ = True``; a flush listener records every insert, update and delete of
them, so no service can forget. Set-based writes that bypass the ORM call ``record`` themselves, and
writes on a driver connection ``record_on``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import ForeignKey, Index, String, event, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.base import NO_VALUE

from api.core.access import Principal
from api.core.context import request_id_var
from api.core.db import Base, IdMixin, utcnow
from api.core.ids import new_id
from api.core.jsonable import to_json
from api.core.sql import insert_of

ACTOR_KEY = "actor"
_SKIP = frozenset({"created_at", "updated_at", "version"})


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_log"
    __written_on_read__ = True  # reading personal data is audited too (privacy export)
    __owner_attr__ = "owner_id"
    __team_attr__ = "team_id"

    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_api_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[uuid.UUID]
    # Owner and team of the record when it changed, so managers read the log within their scope.
    owner_id: Mapped[uuid.UUID | None]
    team_id: Mapped[uuid.UUID | None]
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB)
    request_id: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (
        Index("ix_audit_log_entity", "entity_type", "entity_id", "occurred_at"),
        Index("ix_audit_log_occurred_at", "occurred_at", "id"),
        Index("ix_audit_log_team_id", "team_id", "occurred_at"),
        Index("ix_audit_log_owner_id", "owner_id", "occurred_at"),
    )


AUDIT_INSERT = insert_of(AuditEntry.__table__)


def set_actor(session: Any, principal: Principal | None) -> None:
    """Name who is acting in this transaction (a session or a sync session)."""
    session.info[ACTOR_KEY] = principal


def record(
    session: Session | Any,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    owner_id: uuid.UUID | None = None,
    team_id: uuid.UUID | None = None,
) -> AuditEntry:
    """Add one audit entry for a change made without ORM objects (bulk SQL, actions)."""
    entry = AuditEntry(**_entry(session.info.get(ACTOR_KEY), action, entity_type, entity_id, changes,
                                owner_id, team_id))
    session.add(entry)
    return entry


async def record_on(db: asyncpg.Connection, actor: Principal, action: str, entity_type: str,
                    entity_id: uuid.UUID, changes: dict[str, Any], *, owner_id: uuid.UUID | None,
                    team_id: uuid.UUID | None) -> None:
    """``record`` for writes made on a driver connection in a transaction (``api.core.sql.write_driver``,
    ``api.core.deps.WriteConnection``): the same entry, inserted by a statement compiled once."""
    await AUDIT_INSERT.execute(db, **_entry(actor, action, entity_type, entity_id, changes, owner_id, team_id))


def _entry(actor: Principal | None, action: str, entity_type: str, entity_id: uuid.UUID, changes: dict[str, Any],
           owner_id: uuid.UUID | None, team_id: uuid.UUID | None) -> dict[str, Any]:
    return {
        "id": new_id(),
        "occurred_at": utcnow(),
        "actor_user_id": actor.user_id if actor else None,
        "actor_api_key_id": actor.api_key_id if actor else None,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "owner_id": owner_id,
        "team_id": team_id,
        "changes": to_json(changes),
        "request_id": request_id_var.get(),
    }


def _owner_team(obj: Any) -> tuple[Any, Any]:
    owner_attr = getattr(obj, "__owner_attr__", "owner_id")
    team_attr = getattr(obj, "__team_attr__", "team_id")
    owner = getattr(obj, owner_attr, None) if owner_attr else None
    team = getattr(obj, team_attr, None) if team_attr else None
    return owner, team


def _columns(obj: Any) -> list[str]:
    excluded = set(getattr(obj, "__audit_exclude__", ())) | _SKIP
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in excluded]


def _diff(obj: Any, action: str) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for key in _columns(obj):
        if key == "id":
            continue
        if action == "create":
            value = getattr(obj, key, None)
            if value is not None:
                changes[key] = [None, value]
        elif action == "delete":
            old = state.attrs[key].loaded_value
            if old is not NO_VALUE and old is not None:
                changes[key] = [old, None]
        else:
            hist = state.attrs[key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if old != new:
                    changes[key] = [old, new]
    return changes


@event.listens_for(Session, "before_flush")
def _audit_before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in list(objects):
            if not getattr(obj, "__audit__", False):
                continue
            if action == "create" and getattr(obj, "id", None) is None:
                obj.id = new_id()
            changes = _diff(obj, action)
            if action == "update" and not changes:
                continue
            owner, team = _owner_team(obj)
            record(session, action, obj.__tablename__, obj.id, changes, owner_id=owner, team_id=team)
