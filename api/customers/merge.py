"""Duplicates and merging. Likely twins are suggested with what they share; a merge moves everything
attached to the duplicate onto the survivor in the caller's transaction and leaves the duplicate
deleted, pointing at the survivor."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import any_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.core import audit
from api.core.access import Principal
from api.core.db import utcnow
from api.core.errors import Conflict, NotFound, ValidationFailed, field_error
from api.core.etag import check_if_match
from api.core.events import emit
from api.core.text import normalize_text
from api.customers import events, ladder, repository, value
from api.customers.models import Customer, CustomerContact, CustomerEmail, CustomerFact, CustomerPhone, StageChange
from api.customers.schemas import CustomerSummary, DuplicateReason, DuplicateSuggestion
from api.customers.service import payload, refresh_search

# Rows that simply follow the customer they point at. A domain that attaches rows to customers
# (touchpoints, tasks, invoices…) adds its (model, column) here — one line — and merges move them too.
REPOINT: list[tuple[Any, str]] = [
    (StageChange, "customer_id"),
    (CustomerFact, "customer_id"),
    (Customer, "referrer_id"),      # customers the duplicate referred were referred by the survivor
    (Customer, "merged_into_id"),   # earlier merges into the duplicate now point at the survivor
]

# The survivor keeps its own value of these and takes the duplicate's only where it has none.
_FILL = (
    "first_name", "last_name", "organization_name", "job_title", "birthday", "language", "preferred_channel",
    "source_channel", "source_ref", "importance_tier", "desired_outcome", "target_value", "target_currency",
    "strategy_override",
)
MAX_SUGGESTIONS = 50
_WEIGHT = {"email": 2, "phone": 2, "name": 1}


async def suggestions(session: AsyncSession, principal: Principal,
                      customer_id: uuid.UUID) -> list[DuplicateSuggestion]:
    """Live customers the caller may see that share a normalised e-mail, phone or name with this one,
    the strongest evidence first."""
    c = await repository.get_visible(session, principal, customer_id)
    if c is None:
        raise NotFound("No such customer.")
    emails = {e.email for e in c.emails}
    phones = {p.e164 for p in c.phones}
    # Shared contact points and a shared name are asked apart, so a common name cannot crowd out the
    # records that share an e-mail or phone; id = ANY(ARRAY(subquery)) keeps both on index lookups.
    base = repository.visible_customers(principal).where(Customer.id != c.id, Customer.erased_at.is_(None))
    by_contact = []
    if emails:
        by_contact.append(Customer.id == any_(func.array(
            select(CustomerEmail.customer_id).where(CustomerEmail.email.in_(emails)).scalar_subquery())))
    if phones:
        by_contact.append(Customer.id == any_(func.array(
            select(CustomerPhone.customer_id).where(CustomerPhone.e164.in_(phones)).scalar_subquery())))
    queries = [base.where(Customer.normalized_name == c.normalized_name)]
    if by_contact:
        queries.insert(0, base.where(or_(*by_contact)))
    candidates: dict[uuid.UUID, Customer] = {}
    for stmt in queries:
        for other in (await session.scalars(repository.with_children(stmt.limit(MAX_SUGGESTIONS)))).all():
            candidates.setdefault(other.id, other)
    found: list[DuplicateSuggestion] = []
    for other in candidates.values():
        reasons: list[DuplicateReason] = []
        if emails & {e.email for e in other.emails}:
            reasons.append("email")
        if phones & {p.e164 for p in other.phones}:
            reasons.append("phone")
        if other.normalized_name == c.normalized_name:
            reasons.append("name")
        found.append(DuplicateSuggestion(customer=CustomerSummary.model_validate(other), reasons=reasons))
    # A shared e-mail or phone is stronger evidence than a shared name.
    found.sort(key=lambda s: (-sum(_WEIGHT[r] for r in s.reasons), s.customer.created_at, s.customer.id))
    return found[:MAX_SUGGESTIONS]


def _move(kept: list[Any], taken: list[Any], key: Callable[[Any], Hashable]) -> list[Any]:
    """Move the duplicate's items the survivor lacks (the rest are deleted); returns the keys moved."""
    have = {key(x) for x in kept}
    moved = []
    for item in list(taken):
        taken.remove(item)  # an item left without a customer is deleted (delete-orphan)
        if key(item) in have:
            continue
        have.add(key(item))
        item.is_primary = False
        item.position = len(kept)
        kept.append(item)
        moved.append(key(item))
    if kept and not any(x.is_primary for x in kept):
        kept[0].is_primary = True
    return moved


def _address_key(a: Any) -> tuple[str, ...]:
    return tuple(normalize_text(v or "") for v in (a.line1, a.line2, a.city, a.region, a.postal_code, a.country))


async def _move_contacts(session: AsyncSession, survivor: Customer, dup: Customer) -> int:
    """Links to or from the duplicate now join the survivor; links it already has, or to itself, go."""
    links = (await session.scalars(select(CustomerContact).where(or_(
        CustomerContact.organization_id.in_((survivor.id, dup.id)),
        CustomerContact.person_id.in_((survivor.id, dup.id)))))).all()
    existing = {(x.organization_id, x.person_id) for x in links if dup.id not in (x.organization_id, x.person_id)}
    moved = 0
    for link in links:
        if dup.id not in (link.organization_id, link.person_id):
            continue
        org = survivor.id if link.organization_id == dup.id else link.organization_id
        person = survivor.id if link.person_id == dup.id else link.person_id
        if org == person or (org, person) in existing:
            await session.delete(link)
            continue
        existing.add((org, person))
        link.organization_id, link.person_id = org, person
        moved += 1
    return moved


def _when(entry: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(entry.get("at")))
    except (TypeError, ValueError, AttributeError):
        return None


def _consent(kept: dict[str, Any], taken: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Per channel, the most recent statement of consent wins, whoever holds it."""
    merged = dict(kept)
    changed = []
    for channel, entry in taken.items():
        mine = merged.get(channel)
        theirs_at, mine_at = _when(entry), _when(mine) if mine else None
        if mine is None or (theirs_at and (mine_at is None or theirs_at > mine_at)):
            merged[channel] = entry
            changed.append(channel)
    return merged, changed


def _union(kept: list[str], taken: list[str]) -> list[str]:
    seen = {normalize_text(x) for x in kept}
    out = list(kept)
    for x in taken:
        if normalize_text(x) not in seen:
            seen.add(normalize_text(x))
            out.append(x)
    return out


def _combine_fields(survivor: Customer, dup: Customer) -> dict[str, Any]:
    """Survivor wins, gaps are filled from the duplicate; lists are united, value adds up."""
    filled = [n for n in _FILL if getattr(survivor, n) is None and getattr(dup, n) is not None]
    for name in filled:
        setattr(survivor, name, getattr(dup, name))
    if survivor.referrer_id == dup.id:
        survivor.referrer_id = None
    if survivor.referrer_id is None and dup.referrer_id not in (None, survivor.id):
        survivor.referrer_id = dup.referrer_id
        filled.append("referrer_id")
    new_tags = sorted(set(dup.tags) - set(survivor.tags))
    survivor.tags = sorted({*survivor.tags, *dup.tags})
    preferences = _union(list(survivor.preferences), list(dup.preferences))
    new_preferences = preferences[len(survivor.preferences):]
    survivor.preferences = preferences
    new_keys = sorted(set(dup.custom_fields) - set(survivor.custom_fields))
    survivor.custom_fields = {**dup.custom_fields, **survivor.custom_fields}
    survivor.utm = {**dup.utm, **survivor.utm}
    survivor.consent, consent = _consent(dict(survivor.consent), dict(dup.consent))
    # Value: what both records bought is what the customer bought.
    survivor.lifetime_revenue = (survivor.lifetime_revenue or Decimal(0)) + (dup.lifetime_revenue or Decimal(0))
    survivor.purchase_count = (survivor.purchase_count or 0) + (dup.purchase_count or 0)
    firsts = [d for d in (survivor.first_purchase_at, dup.first_purchase_at) if d is not None]
    lasts = [d for d in (survivor.last_purchase_at, dup.last_purchase_at) if d is not None]
    survivor.first_purchase_at = min(firsts) if firsts else None
    survivor.last_purchase_at = max(lasts) if lasts else None
    survivor.is_key = survivor.is_key or dup.is_key
    merged_reasons = {*survivor.key_reasons, *dup.key_reasons}
    survivor.key_reasons = [r for r in value.KEY_REASONS if r in merged_reasons]
    return {"fields_filled": filled, "tags": new_tags, "preferences": new_preferences,
            "custom_fields": new_keys, "consent": sorted(consent)}


async def _climb(session: AsyncSession, principal: Principal, survivor: Customer, dup: Customer) -> None:
    """A survivor lower on the main ladder than its duplicate takes the duplicate's rung; side rungs
    (disqualified, lapsed) were decisions and stay."""
    rank = ladder.RANK
    if survivor.stage in rank and dup.stage in rank and rank[dup.stage] > rank[survivor.stage]:
        await ladder.move(session, principal, survivor, dup.stage, cause="merge", reason=str(dup.id))


async def _repoint(session: AsyncSession, model: Any, column: str, old: uuid.UUID, new: uuid.UUID) -> int:
    """Re-point one column from the duplicate to the survivor; audited tables get an entry per row and
    versioned ones a new version (so cached ETags go stale)."""
    col = getattr(model, column)
    values: dict[str, Any] = {column: new}
    if "version" in model.__table__.c:
        values["version"] = model.version + 1
    scope = {role: getattr(model, attr) for role, attr in (
        ("owner", getattr(model, "__owner_attr__", "owner_id")), ("team", getattr(model, "__team_attr__", "team_id")),
    ) if attr and attr in model.__table__.c}
    stmt = (update(model).where(col == old).values(values)
            .returning(model.id.label("id"), *(c.label(role) for role, c in scope.items()))
            .execution_options(synchronize_session=False))
    rows = (await session.execute(stmt)).mappings().all()
    if getattr(model, "__audit__", False):
        for row in rows:
            audit.record(session, "update", model.__tablename__, row["id"], {column: [old, new]},
                         owner_id=row.get("owner"), team_id=row.get("team"))
    return len(rows)


async def _lock_pair(session: AsyncSession, principal: Principal, survivor_id: uuid.UUID,
                     duplicate_id: uuid.UUID) -> tuple[Customer, Customer]:
    # Always lock in id order, so two merges of the same pair cannot deadlock.
    found: dict[uuid.UUID, Customer | None] = {}
    for cid in sorted((survivor_id, duplicate_id)):
        found[cid] = await repository.get_visible(session, principal, cid, for_update=True)
    survivor, dup = found[survivor_id], found[duplicate_id]
    if survivor is None:
        raise NotFound("No such customer.")
    if dup is None:
        raise NotFound("No such duplicate customer.")
    return survivor, dup


async def merge(session: AsyncSession, principal: Principal, survivor_id: uuid.UUID, duplicate_id: uuid.UUID,
                if_match: str | None) -> Customer:
    """Fold ``duplicate_id`` into ``survivor_id``: both must be live, visible and of the same kind;
    everything attached moves, the duplicate is deleted with ``merged_into_id`` set; audited."""
    if survivor_id == duplicate_id:
        raise ValidationFailed("A customer cannot be merged into itself.", errors=[
            field_error(["body", "duplicate_id"], "merge_same", "must differ from the survivor")])
    survivor, dup = await _lock_pair(session, principal, survivor_id, duplicate_id)
    check_if_match(if_match, survivor)
    if survivor.erased_at is not None or dup.erased_at is not None:
        raise Conflict("Erased customers cannot be merged.")
    if survivor.kind != dup.kind:
        raise ValidationFailed("Only customers of the same kind can be merged.", errors=[
            field_error(["body", "duplicate_id"], "merge_kind_mismatch",
                        f"a {dup.kind} cannot be merged into a {survivor.kind}",
                        duplicate_kind=dup.kind, survivor_kind=survivor.kind)])
    moved: dict[str, Any] = {
        "emails": _move(survivor.emails, dup.emails, lambda e: e.email),
        "phones": _move(survivor.phones, dup.phones, lambda p: p.e164),
        "addresses": len(_move(survivor.addresses, dup.addresses, _address_key)),
        "contacts": await _move_contacts(session, survivor, dup),
        **_combine_fields(survivor, dup),
    }
    dup.deleted_at = utcnow()
    dup.merged_into_id = survivor.id
    refresh_search(dup)
    refresh_search(survivor)
    await session.flush()
    await _climb(session, principal, survivor, dup)
    for model, column in REPOINT:
        count = await _repoint(session, model, column, dup.id, survivor.id)
        if count:
            moved[f"{model.__tablename__}.{column}"] = count
    audit.record(session, "merge", "customer", survivor.id, {"duplicate_id": dup.id, "moved": moved},
                 owner_id=survivor.owner_id, team_id=survivor.team_id)
    emit(session, events.CUSTOMER_MERGED, "customer", survivor.id,
         {"survivor_id": survivor.id, "duplicate_id": dup.id, "moved": moved})
    emit(session, events.CUSTOMER_UPDATED, "customer", survivor.id, payload(survivor))
    await session.flush()
    return survivor
