"""Privacy requests: export everything held about a customer, or erase their personal data while the
anonymous record and its history stay for reports.

Erasure also scrubs the past: the audit entries about the customer keep who changed which field and
when, but the personal values in them become "[erased]" (a log that still holds the old name and
e-mail would undo the erasure), and the customer's outbox event payloads are reduced to the id."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.access import Principal, visible
from api.core.audit import AuditEntry, record
from api.core.db import utcnow
from api.core.errors import NotFound
from api.core.etag import check_if_match
from api.core.events import OutboxEvent, emit
from api.core.text import normalize_text
from api.customers import events, repository
from api.customers.models import (
    Customer,
    CustomerAddress,
    CustomerContact,
    CustomerEmail,
    CustomerFact,
    CustomerPhone,
    StageChange,
)
from api.customers.schemas import (
    AuditTrailRead,
    ContactLinkRead,
    CustomerExport,
    CustomerRead,
    FactRead,
    StageMoveRead,
)

ERASED_NAME = "Erased customer"
ERASED = "[erased]"
# Personal fields and what they become. The rest (kind, rung, owner, source channel, value, dates) is
# not about the person and keeps the reports whole.
_WIPE: dict[str, Any] = {
    "display_name": ERASED_NAME, "first_name": None, "last_name": None, "organization_name": None,
    "job_title": None, "birthday": None, "tags": [], "custom_fields": {}, "utm": {}, "preferences": [],
    "desired_outcome": None, "primary_email": None, "primary_phone": None,
    "normalized_name": normalize_text(ERASED_NAME), "search_text": normalize_text(ERASED_NAME),
}
# Audit fields whose values say nothing about the person; every other value in an entry is scrubbed.
_SAFE_AUDIT_KEYS = frozenset({
    "kind", "stage", "lapsed_from", "stage_changed_at", "owner_id", "team_id", "referrer_id", "merged_into_id",
    "duplicate_id", "language", "preferred_channel", "source_channel", "importance_tier", "strategy_override",
    "target_value", "target_currency", "lifetime_revenue", "purchase_count", "first_purchase_at",
    "last_purchase_at", "rfm_recency", "rfm_frequency", "rfm_monetary", "is_key", "key_reasons", "deleted_at",
    "erased_at", "organization_id", "person_id",
})
_SAFE_EVENT_KEYS = _SAFE_AUDIT_KEYS | {"survivor_id", "from_stage", "to_stage", "cause", "created_at", "updated_at",
                                      "version"}


async def export(session: AsyncSession, principal: Principal, customer_id: uuid.UUID) -> CustomerExport:
    """Everything held about a customer the caller may see, machine-readable; the export is audited."""
    c = await repository.get_visible(session, principal, customer_id)
    if c is None:
        raise NotFound("No such customer.")
    merged = (await session.scalars(repository.with_children(
        select(Customer).where(Customer.merged_into_id == c.id).order_by(Customer.created_at)))).all()
    ids = [c.id, *(m.id for m in merged)]
    links = (await session.scalars(select(CustomerContact).where(or_(
        CustomerContact.organization_id.in_(ids), CustomerContact.person_id.in_(ids))))).all()
    stages = (await session.scalars(select(StageChange).where(StageChange.customer_id == c.id)
                                    .order_by(StageChange.occurred_at, StageChange.id))).all()
    facts = (await session.scalars(select(CustomerFact).where(CustomerFact.customer_id == c.id)
                                   .order_by(CustomerFact.occurred_at, CustomerFact.id))).all()
    trail = (await session.scalars(select(AuditEntry).where(or_(
        (AuditEntry.entity_type == "customer") & AuditEntry.entity_id.in_(ids),
        (AuditEntry.entity_type == "customer_contact") & AuditEntry.entity_id.in_([x.id for x in links]),
    )).order_by(AuditEntry.occurred_at, AuditEntry.id))).all()
    result = CustomerExport(
        exported_at=utcnow(), customer=CustomerRead.model_validate(c),
        merged_records=[CustomerRead.model_validate(m) for m in merged],
        contacts=[ContactLinkRead.model_validate(x) for x in links],
        stage_history=[StageMoveRead.model_validate(x) for x in stages],
        facts=[FactRead.model_validate(x) for x in facts],
        audit=[AuditTrailRead.model_validate(x) for x in trail],
    )
    record(session, "export", "customer", c.id,
           {"merged_records": len(merged), "audit_entries": len(trail)}, owner_id=c.owner_id, team_id=c.team_id)
    await session.flush()
    return result


def _scrub(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v if k in _SAFE_AUDIT_KEYS else ERASED for k, v in changes.items()}


async def _scrub_history(session: AsyncSession, ids: list[uuid.UUID]) -> int:
    """Personal values out of past audit entries and event payloads about these customers."""
    about_links = or_(*[AuditEntry.changes[side].contains([str(i)])
                        for i in ids for side in ("organization_id", "person_id")])
    entries = (await session.scalars(select(AuditEntry).where(or_(
        (AuditEntry.entity_type == "customer") & AuditEntry.entity_id.in_(ids),
        (AuditEntry.entity_type == "customer_contact") & about_links)))).all()
    for entry in entries:
        entry.changes = _scrub(entry.changes)
    # Events keep their ids and non-personal keys: receivers can still match them to the anonymous record,
    # and consumers not yet run (the referral counter reads referrer_id) still work.
    for event in (await session.scalars(select(OutboxEvent).where(
            OutboxEvent.entity_type == "customer", OutboxEvent.entity_id.in_(ids)))).all():
        kept = {k: v for k, v in event.payload.items() if k in _SAFE_EVENT_KEYS}
        event.payload = {**kept, "id": str(event.entity_id), "erased": True}
    return len(entries)


def _withdrawn(consent: dict[str, Any], when: str) -> dict[str, Any]:
    """Every channel the customer had consent on, withdrawn by the erasure (no notes kept)."""
    return {channel: {"granted": False, "at": when, "source": "erasure", "note": None} for channel in consent}


async def erase(session: AsyncSession, principal: Principal, customer_id: uuid.UUID,
                if_match: str | None) -> Customer:
    """Wipe a customer's personal data (and that of records merged into it): names, contact points,
    addresses, contacts, birthday, preferences, custom fields, notes, UTM; the row, its rung, value,
    facts and ladder history stay, anonymous. Audited without the erased values. Erasing twice is a no-op."""
    # Deleted customers are erased too: a privacy request does not care whether we hid the record.
    row = (await session.execute(
        select(Customer.id, Customer.version, Customer.erased_at, Customer.owner_id, Customer.team_id)
        .where(visible(principal, Customer), Customer.id == customer_id)
        .with_for_update())).first()
    if row is None:
        raise NotFound("No such customer.")
    check_if_match(if_match, row)
    if row.erased_at is None:
        await _erase_rows(session, row)
    c = (await session.scalars(repository.with_children(select(Customer).where(Customer.id == customer_id))
                               .execution_options(populate_existing=True))).one()
    return c


async def _erase_rows(session: AsyncSession, row: Any) -> None:
    now = utcnow()
    merged = (await session.execute(select(Customer.id, Customer.consent).where(Customer.merged_into_id == row.id)
                                    .with_for_update())).all()
    consents = {row.id: await session.scalar(select(Customer.consent).where(Customer.id == row.id)), **{
        m.id: m.consent for m in merged}}
    ids = list(consents)
    counts: dict[str, int] = {}
    for name, model in (("emails", CustomerEmail), ("phones", CustomerPhone), ("addresses", CustomerAddress)):
        result = await session.execute(delete(model).where(model.customer_id.in_(ids))
                                       .execution_options(synchronize_session=False))
        counts[name] = int(getattr(result, "rowcount", 0) or 0)
    result = await session.execute(
        delete(CustomerContact)
        .where(or_(CustomerContact.organization_id.in_(ids), CustomerContact.person_id.in_(ids)))
        .execution_options(synchronize_session=False))
    counts["contacts"] = int(getattr(result, "rowcount", 0) or 0)
    # Reasons are free text about the person; the moves themselves stay for the ladder reports.
    await session.execute(update(StageChange).where(StageChange.customer_id.in_(ids)).values(reason=None)
                          .execution_options(synchronize_session=False))
    counts["audit_entries_scrubbed"] = await _scrub_history(session, ids)
    at = now.isoformat().replace("+00:00", "Z")
    for cid, consent in consents.items():
        await session.execute(
            update(Customer).where(Customer.id == cid)
            .values(**_WIPE, consent=_withdrawn(consent or {}, at), erased_at=now, updated_at=now,
                    version=Customer.version + 1)
            .execution_options(synchronize_session=False))
    # Field names only: the erased values must not reach the log they were just scrubbed from.
    record(session, "erase", "customer", row.id,
           {"fields": sorted([*_WIPE, "consent"]), "merged_records": [str(m.id) for m in merged], **counts},
           owner_id=row.owner_id, team_id=row.team_id)
    emit(session, events.CUSTOMER_ERASED, "customer", row.id, {"id": str(row.id), "erased_at": at})
    await session.flush()
