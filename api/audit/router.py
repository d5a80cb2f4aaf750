"""Reading the audit log: admins see everything, managers the records of their team subtree."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from api.audit.schemas import AuditEntryRead
from api.auth.deps import RequireScope
from api.core.access import Principal, visible
from api.core.audit import AuditEntry
from api.core.deps import Pagination, Session
from api.core.errors import Forbidden, Unauthorized, ValidationFailed, responses
from api.core.pagination import Page, paginate, parse_sort

router = APIRouter(tags=["audit"])
AuditReader = Annotated[Principal, Depends(RequireScope("audit:read"))]


@router.get("/audit-log", name="audit:list", summary="Who changed what, newest first",
            response_model=Page[AuditEntryRead], responses=responses(Unauthorized, Forbidden, ValidationFailed))
async def list_audit_log(
    session: Session,
    principal: AuditReader,
    page: Pagination,
    entity_type: Annotated[list[str] | None, Query(description="e.g. user, team; repeat for OR")] = None,
    entity_id: Annotated[list[uuid.UUID] | None, Query(description="Repeat for OR")] = None,
    actor_user_id: uuid.UUID | None = None,
    action: Annotated[list[str] | None, Query(description="create, update, delete…")] = None,
    since: Annotated[datetime | None, Query(description="From this instant (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="Before this instant")] = None,
) -> Page[AuditEntryRead]:
    stmt = select(AuditEntry).where(visible(principal, AuditEntry))
    if entity_type:
        stmt = stmt.where(AuditEntry.entity_type.in_(entity_type))
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id.in_(entity_id))
    if actor_user_id:
        stmt = stmt.where(AuditEntry.actor_user_id == actor_user_id)
    if action:
        stmt = stmt.where(AuditEntry.action.in_(action))
    if since:
        stmt = stmt.where(AuditEntry.occurred_at >= since)
    if until:
        stmt = stmt.where(AuditEntry.occurred_at < until)
    order = parse_sort(None, {"occurred_at": AuditEntry.occurred_at}, AuditEntry.id, "-occurred_at")
    rows, cursor, total = await paginate(session, stmt, order, page)
    return Page[AuditEntryRead](
        items=[AuditEntryRead.model_validate(r) for r in rows], next_cursor=cursor, total=total
    )
