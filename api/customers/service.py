"""Customers: create, change and delete them within the caller's scope; duplicates are reported, never
silently doubled; every write keeps the normalised search fields in step."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, Literal, cast

import asyncpg
from sqlalchemy import Integer, Table, Uuid, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from api.core.access import Principal, Visibility
from api.core.audit import record_on
from api.core.db import utcnow
from api.core.errors import Conflict, NotFound, ValidationFailed, field_error
from api.core.etag import check_if_match
from api.core.events import emit, emit_on
from api.core.ids import new_id
from api.core.jsonable import to_json
from api.core.sql import Db, Statement, insert_of, shaped
from api.core.text import normalize_email, normalize_phone, normalize_text
from api.customers import custom_fields, events, repository
from api.customers.models import Customer, CustomerAddress, CustomerEmail, CustomerPhone, StageChange
from api.customers.schemas import (
    AddressIn,
    AddressRead,
    ConsentIn,
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    EmailIn,
    PhoneIn,
)
from api.users.models import User

OnDuplicate = Literal["reject", "existing", "create"]
SCALAR_FIELDS = (
    "first_name", "last_name", "organization_name", "job_title", "birthday", "language", "preferred_channel",
    "source_channel", "source_ref", "referrer_id", "importance_tier", "desired_outcome", "target_value",
    "target_currency", "strategy_override",
)

# A new customer's lifetime revenue as stored (numeric(20, 2)) and answered by GET: "0.00", not "0".
NO_REVENUE = Decimal("0.00")


class DuplicateCustomer(Conflict):
    type, title = "duplicate-customer", "Likely duplicate customer"


def _field_error(loc: list[Any], code: str, msg: str, **ctx: Any) -> ValidationFailed:
    return ValidationFailed(msg, errors=[field_error(["body", *loc], code, msg, **ctx)])


def normalized_phones(items: list[PhoneIn], region: str) -> list[Any]:
    """The phones to store (``customer_phone`` rows but ``customer_id``, as plain objects), E.164, each once."""
    out: list[Any] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        e164 = normalize_phone(item.number, region)
        if e164 is None:
            raise _field_error(["phones", i, "number"], "phone_invalid", f"not a valid phone number: {item.number!r}",
                               value=item.number)
        if e164 in seen:
            continue
        seen.add(e164)
        out.append(_Row(id=new_id(), e164=e164, raw=item.number.strip(), label=item.label,
                        is_primary=item.is_primary, position=len(out)))
    _one_primary(out)
    return out


def normalized_emails(items: list[EmailIn]) -> list[Any]:
    """The e-mails to store (``customer_email`` rows but ``customer_id``, as plain objects), each once."""
    out: list[Any] = []
    seen: set[str] = set()
    for item in items:
        email = normalize_email(str(item.email))
        if email in seen:
            continue
        seen.add(email)
        out.append(_Row(id=new_id(), email=email, label=item.label, is_primary=item.is_primary,
                        position=len(out)))
    _one_primary(out)
    return out


def _addresses(items: list[AddressIn]) -> list[Any]:
    out = [_Row(id=new_id(), position=i, **item.model_dump(exclude={"country"}),
                country=item.country.upper() if item.country else None) for i, item in enumerate(items)]
    _one_primary(out)
    return out


def _one_primary(items: list[Any]) -> None:
    """Exactly one primary per list: the first marked one, else the first."""
    primary = next((x for x in items if x.is_primary), items[0] if items else None)
    for x in items:
        x.is_primary = x is primary


def merged_consent(current: dict[str, Any], given: Mapping[Any, ConsentIn]) -> dict[str, Any]:
    merged = dict(current)
    for channel, c in given.items():
        merged[channel] = to_json({"granted": c.granted, "source": c.source, "note": c.note,
                                   "at": c.at or utcnow()})
    return merged


def default_display_name(c: Customer) -> str:
    if c.kind == "organization":
        return (c.organization_name or "").strip()
    return " ".join(p for p in (c.first_name, c.last_name) if p and p.strip()).strip()


def refresh_search(c: Customer) -> None:
    """Derived fields: primary contact points, the normalised name and the full-text search text."""
    primary_email = next((e.email for e in c.emails if e.is_primary), None)
    primary_phone = next((p.e164 for p in c.phones if p.is_primary), None)
    c.primary_email, c.primary_phone = primary_email, primary_phone
    c.normalized_name = normalize_text(c.display_name)
    parts = [c.display_name, c.first_name or "", c.last_name or "", c.organization_name or "", *c.tags]
    for e in c.emails:
        parts += [e.email, e.email.split("@")[0]]
    for p in c.phones:
        digits = p.e164.lstrip("+")
        national = "0" + digits[2:] if digits.startswith("98") else ""
        parts += [digits, national, digits[2:] if national else ""]
    c.search_text = normalize_text(" ".join(x for x in parts if x))


_OWNER = Statement(select(User.id, User.is_active, User.team_id).where(User.id == bindparam("id", type_=Uuid)))


async def owner_and_team(db: Db, principal: Principal, owner_id: uuid.UUID | None,
                         team_id: uuid.UUID | None) -> tuple[uuid.UUID, uuid.UUID | None]:
    """Who may own the record: anyone for admins, their team subtree for managers, else only the caller."""
    if owner_id is None or owner_id == principal.user_id:
        # The caller: active with this team, as the token lookup just checked; no second query.
        if team_id is not None and principal.visibility is not Visibility.all and team_id not in principal.team_ids:
            raise _field_error(["team_id"], "team_outside_scope", "outside your teams")
        return principal.user_id, team_id if team_id is not None else principal.team_id
    owner = await _OWNER.fetchrow(db, id=owner_id)
    if owner is None or not owner["is_active"]:
        raise _field_error(["owner_id"], "user_not_found", "no such active user")
    level = principal.visibility
    owner_team = owner["team_id"]
    allowed = (
        level is Visibility.all
        or owner_id == principal.user_id
        or (level is Visibility.team and owner_team is not None and owner_team in principal.team_ids)
    )
    if not allowed:
        raise _field_error(["owner_id"], "owner_not_allowed", "you cannot give customers to this user")
    team = team_id if team_id is not None else owner_team
    if team_id is not None and level is not Visibility.all and team_id not in principal.team_ids:
        raise _field_error(["team_id"], "team_outside_scope", "outside your teams")
    return owner_id, team


async def _check_referrer(db: Db, principal: Principal, referrer_id: uuid.UUID | None) -> None:
    if referrer_id is not None and not await repository.is_visible(db, principal, referrer_id):
        raise _field_error(["referrer_id"], "customer_not_found", "no such customer")


async def duplicates_of(db: Db, principal: Principal, emails: list[str], phones: list[str],
                        exclude: uuid.UUID | None = None) -> tuple[dict[uuid.UUID, str], bool]:
    """Existing customers sharing an e-mail or phone: those the caller may see (id → display name), and
    whether any others (outside their scope) exist too."""
    rows = await repository.contact_holders(db, principal, emails, phones, exclude)
    return {r["id"]: r["display_name"] for r in rows if r["visible"]}, any(not r["visible"] for r in rows)


def _duplicate_extra(visible: dict[uuid.UUID, str]) -> dict[str, Any]:
    # The ids alone made clients fetch each twin to name it; the names the caller may see come along.
    return {"existing_ids": [str(i) for i in visible],
            "existing": [{"id": str(i), "display_name": name} for i, name in visible.items()]}


async def create_customer(db: asyncpg.Connection, principal: Principal, data: CustomerCreate, *,
                          on_duplicate: OnDuplicate = "reject", region: str = "IR") -> tuple[CustomerRead, bool]:
    """A new customer on the first rung, written on ``db`` in its transaction (the request's write
    connection, or ``write_driver`` of a session) with its audit entry and ``customer.created`` event. A
    likely duplicate (same e-mail or phone) is refused with 409 naming the existing record, returned
    instead (``existing``), or created anyway (``create``). Returns the customer as the API shows it and
    whether it was created."""
    emails = normalized_emails(data.emails or [])
    phones = normalized_phones(data.phones or [], region)
    if on_duplicate != "create":
        visible_ids, hidden = await duplicates_of(db, principal, [e.email for e in emails], [p.e164 for p in phones])
        if visible_ids and on_duplicate == "existing":
            found = await repository.read_visible(db, principal, next(iter(visible_ids)))
            assert found is not None
            return found, False
        if visible_ids or hidden:
            raise DuplicateCustomer(
                "A customer with this e-mail or phone already exists."
                + ("" if visible_ids else " It belongs to someone outside your scope."),
                extra=_duplicate_extra(visible_ids),
            )
    owner_id, team_id = await owner_and_team(db, principal, data.owner_id, data.team_id)
    await _check_referrer(db, principal, data.referrer_id)
    now = utcnow()
    c = _Row(id=new_id(), kind=data.kind, owner_id=owner_id, team_id=team_id, stage=data.stage,
             tags=sorted({normalize_text(t) for t in data.tags or [] if normalize_text(t)}),
             custom_fields=await custom_fields.values_for_create(db, data.custom_fields or {}),
             utm=data.utm.model_dump(exclude_none=True) if data.utm else {},
             consent=merged_consent({}, data.consent or {}),
             preferences=[p.strip() for p in data.preferences or []],
             emails=emails, phones=phones, addresses=_addresses(data.addresses or []),
             stage_changed_at=now, lifetime_revenue=NO_REVENUE, purchase_count=0, is_key=False, key_reasons=[],
             lapsed_from=None, rfm_recency=None, rfm_frequency=None, rfm_monetary=None,
             first_purchase_at=None, last_purchase_at=None, deleted_at=None, erased_at=None, merged_into_id=None,
             created_at=now, updated_at=now, version=1, **{name: getattr(data, name) for name in SCALAR_FIELDS})
    c.display_name = (data.display_name or default_display_name(cast(Customer, c))).strip()
    if not c.display_name:
        raise _field_error(["display_name"], "display_name_required",
                           "give a display name, a first or last name, or an organization name")
    refresh_search(cast(Customer, c))
    row = {k: getattr(c, k) for k in _COLUMNS}
    read = _read(row, c)
    await CUSTOMER_INSERT.execute(db, **row)
    await _write_children(db, c, emails=True, phones=True, addresses=True)
    await STAGE_INSERT.execute(db, id=new_id(), customer_id=c.id, from_stage=None, to_stage=c.stage,
                                cause="created", reason=None, actor_user_id=principal.user_id, occurred_at=now)
    await record_on(db, principal, "create", "customer", c.id,
                    {k: [None, v] for k, v in row.items() if v is not None and k not in _NOT_AUDITED},
                    owner_id=owner_id, team_id=team_id)
    await emit_on(db, events.CUSTOMER_CREATED, "customer", c.id, read.model_dump(mode="json"))
    return read, True


async def get_customer(session: AsyncSession, principal: Principal, customer_id: uuid.UUID) -> Customer:
    """A live customer the caller may see; any other id is simply not found."""
    c = await repository.get_visible(session, principal, customer_id)
    if c is None:
        raise NotFound("No such customer.")
    return c


async def update_customer(db: asyncpg.Connection, principal: Principal, customer_id: uuid.UUID,
                          data: CustomerUpdate, if_match: str | None, *, region: str = "IR") -> CustomerRead:
    """Change the fields sent of a customer the caller may see, on ``db`` in its transaction, with the
    audit entry of what changed and a ``customer.updated`` event. A new e-mail or phone that another
    customer holds is a 409, like on create; a concurrent change in between is refused (StaleDataError)."""
    current = await repository.to_change(db, principal, customer_id)
    if current is None:
        raise NotFound("No such customer.")
    c = _Row(**current)
    check_if_match(if_match, c)
    if c.erased_at is not None:
        raise Conflict("This customer was erased; personal data cannot be added back to the record.")
    c.emails = [_Row(**e) for e in c.emails]
    c.phones = [_Row(**p) for p in c.phones]
    changes = data.model_dump(exclude_unset=True)
    if "emails" in changes or "phones" in changes:
        if "emails" in changes:
            c.emails = normalized_emails(data.emails or [])
        if "phones" in changes:
            c.phones = normalized_phones(data.phones or [], region)
        visible_ids, hidden = await duplicates_of(
            db, principal, [e.email for e in c.emails] if "emails" in changes else [],
            [p.e164 for p in c.phones] if "phones" in changes else [], exclude=c.id)
        if visible_ids or hidden:
            raise DuplicateCustomer("Another customer already has this e-mail or phone.",
                                    extra=_duplicate_extra(visible_ids))
    if "addresses" in changes:
        c.addresses = _addresses(data.addresses or [])
    if "owner_id" in changes or "team_id" in changes:
        c.owner_id, c.team_id = await owner_and_team(
            db, principal, changes.get("owner_id", c.owner_id), changes.get("team_id"))
    if "referrer_id" in changes:
        if changes["referrer_id"] == c.id:
            raise _field_error(["referrer_id"], "self_referral", "a customer cannot refer themselves")
        await _check_referrer(db, principal, changes["referrer_id"])
    for name in SCALAR_FIELDS:
        if name in changes:
            setattr(c, name, getattr(data, name))
    if "tags" in changes:
        c.tags = sorted({normalize_text(t) for t in data.tags or [] if normalize_text(t)})
    if "custom_fields" in changes:
        c.custom_fields = await custom_fields.values_for_update(db, c.custom_fields, data.custom_fields or {})
    if "utm" in changes:
        c.utm = data.utm.model_dump(exclude_none=True) if data.utm else {}
    if "consent" in changes:
        c.consent = merged_consent(c.consent, data.consent or {})
    if "preferences" in changes:
        c.preferences = [p.strip() for p in data.preferences or []]
    if "display_name" in changes:
        if not data.display_name:
            raise _field_error(["display_name"], "null_not_allowed", "may not be empty")
        c.display_name = data.display_name.strip()
    elif {"first_name", "last_name", "organization_name"} & changes.keys():
        c.display_name = default_display_name(cast(Customer, c)) or c.display_name
    refresh_search(cast(Customer, c))
    new = {k: getattr(c, k) for k in _CHANGEABLE if k in current}
    changed = {k: [current[k], v] for k, v in new.items() if v != current[k]}
    children = {"emails": "emails" in changes, "phones": "phones" in changes, "addresses": "addresses" in changes}
    if changed or any(children.values()):
        c.updated_at, c.version = utcnow(), current["version"] + 1
        keys = tuple(sorted(changed))
        status = await customer_update(keys).execute(
            db, id=c.id, old_version=current["version"], updated_at=c.updated_at, version=c.version,
            **{f"v_{k}": new[k] for k in keys})
        if status != "UPDATE 1":
            raise StaleDataError("customer changed meanwhile")
        await _write_children(db, c, replace=True, **children)
        audited = {k: v for k, v in changed.items() if k not in _NOT_AUDITED}
        if audited:
            await record_on(db, principal, "update", "customer", c.id, audited, owner_id=c.owner_id,
                            team_id=c.team_id)
    read = _read({k: getattr(c, k) for k in CustomerRead.model_fields if k in current}, c)
    await emit_on(db, events.CUSTOMER_UPDATED, "customer", c.id, read.model_dump(mode="json"))
    return read


class _Row(SimpleNamespace):
    """A customer (or one of its e-mails, phones) as plain attributes: what the helpers above read, without
    the ORM's per-attribute bookkeeping."""


_TABLE = cast(Table, Customer.__table__)
_COLUMNS = tuple(c.key for c in _TABLE.columns if c.computed is None)
# The columns a change may touch (the rest are kept by the database or by their own services).
_CHANGEABLE = tuple(k for k in _COLUMNS if k not in {"id", "created_at", "updated_at", "version"})
# As the flush listener of api.core.audit: derived search text and row bookkeeping are not audited.
_NOT_AUDITED = frozenset({"id", "created_at", "updated_at", "version", "search_text"})
CUSTOMER_INSERT = insert_of(_TABLE)
STAGE_INSERT = insert_of(StageChange.__table__)
# Per kind of child row: the columns taken from each prepared item, its INSERT and the DELETE of a
# customer's rows, worked out once.
CHILD_STATEMENTS: dict[str, tuple[tuple[str, ...], Statement, Statement]] = {
    name: (tuple(c.key for c in model.__table__.columns if c.key != "customer_id"), insert_of(model.__table__),
           Statement(delete(model).where(model.customer_id == bindparam("customer_id", type_=Uuid))))
    for name, model in (("emails", CustomerEmail), ("phones", CustomerPhone), ("addresses", CustomerAddress))
}


def customer_update(keys: tuple[str, ...]) -> Statement:
    """``UPDATE customer`` of the columns ``keys`` (bind parameters ``v_<column>``) with ``updated_at`` and
    ``version``, where ``id`` and ``old_version`` still match: compiled once per set of columns."""
    return shaped(("customer:update", keys), lambda: _update_statement(keys))


def _update_statement(keys: tuple[str, ...]) -> Any:
    return (update(_TABLE)
            .where(_TABLE.c.id == bindparam("id", type_=Uuid),
                   _TABLE.c.version == bindparam("old_version", type_=Integer))
            .values({**{k: bindparam(f"v_{k}", type_=_TABLE.c[k].type) for k in keys},
                     "updated_at": bindparam("updated_at", type_=_TABLE.c.updated_at.type),
                     "version": bindparam("version", type_=Integer)}))


async def _write_children(db: asyncpg.Connection, c: Any, *, replace: bool = False, **which: bool) -> None:
    """The customer's e-mails, phones and addresses named in ``which``, inserted (after deleting the old
    ones when ``replace``)."""
    for name, wanted in which.items():
        if not wanted:
            continue
        columns, insert_rows, delete_rows = CHILD_STATEMENTS[name]
        if replace:
            await delete_rows.execute(db, customer_id=c.id)
        await insert_rows.executemany(db, [{"customer_id": c.id, **{k: getattr(x, k) for k in columns}}
                                           for x in getattr(c, name)])


def _read(row: dict[str, Any], c: Any) -> CustomerRead:
    return CustomerRead.model_validate({
        **row,
        "emails": [{"email": e.email, "label": e.label, "is_primary": e.is_primary} for e in c.emails],
        "phones": [{"e164": p.e164, "raw": p.raw, "label": p.label, "is_primary": p.is_primary} for p in c.phones],
        "addresses": [a if isinstance(a, dict) else {k: getattr(a, k) for k in AddressRead.model_fields}
                      for a in c.addresses],
    })


async def delete_customer(session: AsyncSession, c: Customer, if_match: str | None) -> None:
    """Soft delete: the customer disappears from lists and lookups; history stays for reports."""
    check_if_match(if_match, c)
    c.deleted_at = utcnow()
    await session.flush()
    emit(session, events.CUSTOMER_DELETED, "customer", c.id, {"id": str(c.id)})


def payload(c: Customer) -> dict[str, Any]:
    return CustomerRead.model_validate(c).model_dump(mode="json")


async def stage_history(session: AsyncSession, customer_id: uuid.UUID) -> list[StageChange]:
    rows = await session.scalars(
        select(StageChange).where(StageChange.customer_id == customer_id)
        .order_by(StageChange.occurred_at.desc(), StageChange.id.desc()).limit(500)
    )
    return list(rows.all())


