"""Every SQL statement of the customers domain, starting from what the caller may see."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Uuid,
    and_,
    any_,
    bindparam,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from api.auth.service import WithCaller
from api.core.access import (
    Principal,
    Visibility,
    bound_scope_filter,
    effective_visibility,
    scope_values,
    sees,
    visible,
)
from api.core.pagination import SortKey
from api.core.sql import Db, Statement, any_param
from api.core.text import normalize_phone, normalize_text, to_ascii_digits
from api.customers.models import Customer, CustomerAddress, CustomerEmail, CustomerPhone
from api.customers.schemas import AddressRead, CustomerRead, CustomerSummary, EmailRead, PhoneRead

_TOKEN = re.compile(r"[^\w@.+-]+", re.UNICODE)
_SIMPLE: Any = literal_column("'simple'::regconfig")


@dataclass(frozen=True)
class CustomerFilters:
    q: str | None = None
    stage: list[str] | None = None
    owner_id: list[uuid.UUID] | None = None
    team_id: list[uuid.UUID] | None = None
    tag: list[str] | None = None
    source_channel: list[str] | None = None
    importance_tier: list[str] | None = None
    consent: list[str] | None = None
    kind: str | None = None
    is_key: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    custom: dict[str, Any] = field(default_factory=dict)


def visible_customers(principal: Principal) -> Select[Any]:
    """Live customers the caller may see: the start of every read."""
    return select(Customer).where(visible(principal, Customer), Customer.deleted_at.is_(None))


# The list's rows: what CustomerSummary shows plus every sort key (the cursor is read off the last row).
SUMMARY_COLUMNS = (*(Customer.__table__.c[name] for name in CustomerSummary.model_fields), Customer.normalized_name)


def filtered(level: Visibility, shape: FilterShape, *columns: Any) -> Select[Any]:
    """``columns`` of the live customers a caller of ``level`` may see, filtered (no ORM objects: the list
    and the export), with bind parameters only: ``scope_values`` and ``filter_shape``'s values fill them."""
    return apply_filters(select(*columns).where(
        bound_scope_filter(level, Customer.owner_id, Customer.team_id), Customer.deleted_at.is_(None)), shape)


def with_children(stmt: Select[Any]) -> Select[Any]:
    return stmt.options(
        selectinload(Customer.emails), selectinload(Customer.phones), selectinload(Customer.addresses)
    )


async def get_visible(session: AsyncSession, principal: Principal, customer_id: uuid.UUID,
                      *, children: bool = True, for_update: bool = False) -> Customer | None:
    stmt = visible_customers(principal).where(Customer.id == customer_id)
    if children:
        # One row's few children: joined into one statement, which costs less than half the CPU of
        # three selectin round trips. (Lists keep ``with_children``: joins would multiply their rows.)
        stmt = stmt.options(joinedload(Customer.emails), joinedload(Customer.phones), joinedload(Customer.addresses))
    if for_update:
        stmt = stmt.with_for_update(of=Customer)
    return (await session.scalars(stmt)).unique().first()


def _json_list(model: Any, fields: Iterable[str]) -> Any:
    """The customer's rows of a child table as a JSON array of ``fields``, in their order."""
    pairs = itertools.chain.from_iterable((literal_column(f"'{f}'"), getattr(model, f)) for f in fields)
    return (select(func.coalesce(func.json_agg(aggregate_order_by(func.json_build_object(*pairs), model.position)),
                                 literal_column("'[]'::json")))
            .where(model.customer_id == Customer.id).scalar_subquery())


def _read_select(level: Visibility, *extra: Any) -> Select[Any]:
    columns = [Customer.__table__.c[name] for name in CustomerRead.model_fields if name in Customer.__table__.c]
    return (select(*columns, *extra,
                   _json_list(CustomerEmail, EmailRead.model_fields).label("emails"),
                   _json_list(CustomerPhone, PhoneRead.model_fields).label("phones"),
                   _json_list(CustomerAddress, AddressRead.model_fields).label("addresses"))
            .where(bound_scope_filter(level, Customer.owner_id, Customer.team_id), Customer.deleted_at.is_(None),
                   Customer.id == bindparam("id", type_=Uuid)))


def _read_statement(level: Visibility, *extra: Any) -> Statement:
    return Statement(_read_select(level, *extra))


# GET /customers/{id}, the busiest read: one statement (children as JSON arrays), compiled once per
# visibility level, no ORM objects.
READ_STATEMENTS = {level: _read_statement(level) for level in Visibility}
# ... and the route's own: the same read in the caller lookup's round trip, for anyone (checked after).
READ_WITH_CALLER = WithCaller(_read_select(Visibility.all))


async def read_visible(db: Db, principal: Principal, customer_id: uuid.UUID) -> CustomerRead | None:
    """A live customer the caller may see, as the API shows it."""
    statement = READ_STATEMENTS[effective_visibility(principal)]
    row = await statement.fetchrow(db, id=customer_id, **scope_values(principal))
    return None if row is None else CustomerRead.model_validate(dict(row))


def visible_read(principal: Principal, found: dict[str, Any] | None) -> CustomerRead | None:
    """What ``READ_WITH_CALLER`` found, if the caller may see it (``read_visible``'s answer)."""
    if found is None or not sees(principal, found["owner_id"], found["team_id"]):
        return None
    return CustomerRead.model_validate(found)


# The search vector stores the first 1..PREFIX_CHARS characters of every word that is not all digits as
# lexemes of their own (``customer_search_vector``, migration 0009).
PREFIX_CHARS = 6


def _search_word(word: str) -> str:
    """One word of a search as a tsquery operand: a letter word of up to ``PREFIX_CHARS`` characters is one
    of the stored prefixes, looked up exactly (GIN then skips through its postings instead of expanding
    every lexeme it starts); any other word matches the words it starts (``:*``)."""
    word = word.replace("'", "")
    return f"'{word}'" if word.isalpha() and len(word) <= PREFIX_CHARS else f"'{word}':*"


def search_terms(q: str) -> tuple[str | None, str | None]:
    """The tsquery for ``q`` (every word matches the start of a word, all required) and, when ``q`` is a
    phone number, its E.164 form."""
    phone = None
    digits = to_ascii_digits(q)
    if sum(c.isdigit() for c in digits) >= 7:
        phone = normalize_phone(digits)
    words = [w for w in _TOKEN.split(normalize_text(q)) if w]
    # tsquery syntax characters never reach the query: only word characters and @ . + - remain, and
    # each word is quoted.
    tsquery = " & ".join(_search_word(w) for w in words[:8]) or None
    return tsquery, phone


def _id_in(ids: Select[Any]) -> ColumnElement[bool]:
    """``customer.id = ANY(ARRAY(subquery))``: unlike ``IN (subquery)`` under an OR, PostgreSQL turns it
    into primary-key lookups it can OR with other indexes, instead of filtering a scan of every customer
    (1.2 s → 1.5 ms for a phone search at a million customers)."""
    return Customer.id == any_(func.array(ids.scalar_subquery()))


# Which filters are set, and how (see ``filter_shape``): with the caller's visibility and the sort it
# decides the SQL of a list, whose values are all bind parameters.
FilterShape = tuple[Any, ...]
_LISTS = ("stage", "owner_id", "team_id", "source_channel", "importance_tier")
# List filters on a column that leads an index (column, created_at, id): with several values (up to as
# many as there are rungs), the newest-first list is read one value at a time (``created_parts``).
_SPLITTABLE = ("stage", "owner_id", "team_id")
_MAX_PARTS = 8
_RANGES = {"created_from": (Customer.created_at, ">="), "created_to": (Customer.created_at, "<"),
           "updated_from": (Customer.updated_at, ">="), "updated_to": (Customer.updated_at, "<")}


def filter_shape(f: CustomerFilters) -> tuple[FilterShape, dict[str, Any]]:
    """The filters as a shape (what ``apply_filters`` builds) and the values of its bind parameters."""
    shape: list[Any] = []
    values: dict[str, Any] = {}
    if f.q:
        tsquery, phone = search_terms(f.q)
        shape.append(("q", tsquery is not None, phone is not None))
        values.update(f_tsquery=tsquery, f_phone=phone)
    for name in _LISTS:
        if given := list(dict.fromkeys(getattr(f, name) or ())):
            # One value is compared with ``=``, not ``= ANY``: PostgreSQL then walks the index that starts
            # with the column, e.g. (stage, created_at, id), already in the list's order, instead of every
            # newest customer (a rung + tag filter: 15 ms → 1.5 ms at a million customers).
            if len(given) == 1:
                shape.append((name, "one"))
                values[f"f_{name}"] = given[0]
                continue
            values[f"f_{name}"] = given
            if name in _SPLITTABLE and len(given) <= _MAX_PARTS:  # also one at a time, for ``created_parts``
                shape.append((name, len(given)))
                values.update({f"f_{name}_{i}": value for i, value in enumerate(given)})
            else:
                shape.append(name)
    if f.tag:
        shape.append("tag")
        values["f_tag"] = [normalize_text(t) for t in f.tag]
    if f.consent:
        shape.append(("consent", tuple(sorted(set(f.consent)))))
    if f.kind:
        shape.append("kind")
        values["f_kind"] = f.kind
    if f.is_key is not None:
        shape.append(("is_key", f.is_key))
    for name in _RANGES:
        if (moment := getattr(f, name)) is not None:
            shape.append(name)
            values[f"f_{name}"] = moment
    if f.custom:
        keys = tuple(sorted(f.custom))
        shape.append(("custom", keys))
        values.update({f"f_cf_{i}": {key: f.custom[key]} for i, key in enumerate(keys)})
    return tuple(shape), values


def apply_filters(stmt: Select[Any], shape: FilterShape) -> Select[Any]:
    """``stmt`` narrowed by the filters of ``shape``, each value a bind parameter named in ``filter_shape``."""
    for part in shape:
        name = part[0] if isinstance(part, tuple) else part
        if name == "q":
            _, has_tsquery, has_phone = part
            matches: list[ColumnElement[bool]] = []
            if has_tsquery:
                matches.append(Customer.search_vector.op("@@")(
                    func.to_tsquery(_SIMPLE, bindparam("f_tsquery", type_=String))))
            if has_phone:
                matches.append(_id_in(select(CustomerPhone.customer_id)
                                      .where(CustomerPhone.e164 == bindparam("f_phone", type_=String))))
            stmt = stmt.where(or_(*matches)) if matches else stmt.where(literal(False))
        elif name in _LISTS:
            column = getattr(Customer, name)
            stmt = stmt.where(column == bindparam(f"f_{name}", type_=column.type) if part[1:] == ("one",)
                              else any_param(column, f"f_{name}"))
        elif name == "tag":
            stmt = stmt.where(Customer.tags.overlap(bindparam("f_tag", type_=Customer.tags.type)))
        elif name == "consent":
            stmt = stmt.where(and_(*[Customer.consent.contains({ch: {"granted": True}}) for ch in part[1]]))
        elif name == "kind":
            stmt = stmt.where(Customer.kind == bindparam("f_kind", type_=Customer.kind.type))
        elif name == "is_key":
            stmt = stmt.where(Customer.is_key.is_(part[1]))
        elif name in _RANGES:
            column, op = _RANGES[name]
            moment = bindparam(f"f_{name}", type_=column.type)
            stmt = stmt.where(column >= moment if op == ">=" else column < moment)
        elif name == "custom":
            for i in range(len(part[1])):
                stmt = stmt.where(Customer.custom_fields.contains(bindparam(f"f_cf_{i}", type_=JSONB)))
    return stmt


def created_parts(level: Visibility, shape: FilterShape, *columns: Any) -> list[Select[Any]] | None:
    """``filtered`` as one statement per value of its first several-valued filter on the rung, owner or
    team (the parts are disjoint), or None when there is none. Ordered by ``created_at``, each part walks its
    value's (column, created_at, id) index for a page's rows and the parts' first rows are merged
    (``api.core.pagination.paginate_shaped``); ``= ANY`` cannot use that order, so PostgreSQL walked every
    newest customer, the other rungs' included (two rungs + a tag: 24 ms → 2 ms at a million customers)."""
    for i, part in enumerate(shape):
        if isinstance(part, tuple) and part[0] in _SPLITTABLE and isinstance(part[1], int):
            name, count = part
            column = getattr(Customer, name)
            rest = shape[:i] + shape[i + 1:]
            return [filtered(level, rest, *columns).where(column == bindparam(f"f_{name}_{k}", type_=column.type))
                    for k in range(count)]
    return None


def ids_first(shape: FilterShape) -> bool:
    """Whether a newest-first list page is found as ids first, then read: when filtered by tags, the walks
    drop most rows they pass, and the (created_at, id) and (stage, created_at, id) indexes carry the tags
    and the deletion time (migration 0010), so the walk reads no row (an index-only scan) and only the
    page's rows are read, by id (a rung + tag page 0.80 → 0.41 ms of database time at a million
    customers). Other orders walk indexes without the tags: there it would only add the second step."""
    return "tag" in shape


ListPlan = tuple[Callable[[], Select[Any]], Callable[[], list[Select[Any]] | None] | None,
                 Callable[[Select[Any]], Select[Any]] | None]


def list_plan(level: Visibility, shape: FilterShape, order: SortKey) -> ListPlan:
    """How a page of the customer list is read (``paginate_shaped``'s ``base``, ``parts`` and ``rows``): in
    the newest-first order, several rungs, owners or teams one at a time (``created_parts``) and, filtered by
    tag, the page's ids first (``ids_first``)."""
    newest = order.columns[0] is Customer.created_at
    late = newest and ids_first(shape)
    columns = tuple(dict.fromkeys((Customer.id, *order.columns))) if late else SUMMARY_COLUMNS
    return ((lambda: filtered(level, shape, *columns)),
            (lambda: created_parts(level, shape, *columns)) if newest else None,
            (lambda keys: by_ids(keys, *SUMMARY_COLUMNS)) if late else None)


def by_ids(page: Select[Any], *columns: Any) -> Select[Any]:
    """``columns`` of the customers whose ids ``page`` selected (one statement: the ids as an array)."""
    return select(*columns).where(Customer.id == any_(func.array(select(page.subquery("page").c.id).scalar_subquery())))


def _holders(level: Visibility) -> Statement:
    return Statement(
        select(Customer.id, Customer.display_name,
               bound_scope_filter(level, Customer.owner_id, Customer.team_id).label("visible"))
        .where(Customer.deleted_at.is_(None),
               or_(_id_in(select(CustomerEmail.customer_id)
                          .where(any_param(CustomerEmail.email, "emails"))),
                   _id_in(select(CustomerPhone.customer_id)
                          .where(any_param(CustomerPhone.e164, "phones")))),
               Customer.id.is_distinct_from(bindparam("exclude", type_=Uuid)))
        .order_by(Customer.created_at).limit(20)
    )


# Checked on every customer write: live customers holding one of the normalised e-mails or E.164 phones,
# oldest first, and whether the caller may see each. One statement whatever the number of e-mails and
# phones (arrays), compiled once per visibility level.
CONTACT_HOLDERS = {level: _holders(level) for level in Visibility}


async def contact_holders(db: Db, principal: Principal, emails: list[str], phones: list[str],
                          exclude: uuid.UUID | None = None) -> list[asyncpg.Record]:
    """Rows of ``id``, ``display_name`` and ``visible`` (to the caller) of live customers holding one of
    these e-mails or phones."""
    if not emails and not phones:
        return []
    return await CONTACT_HOLDERS[effective_visibility(principal)].fetch(
        db, emails=emails, phones=phones, exclude=exclude, **scope_values(principal))


def _is_visible(level: Visibility) -> Statement:
    return Statement(select(Customer.id).where(
        bound_scope_filter(level, Customer.owner_id, Customer.team_id), Customer.deleted_at.is_(None),
        Customer.id == bindparam("id", type_=Uuid)))


_IS_VISIBLE = {level: _is_visible(level) for level in Visibility}


async def is_visible(db: Db, principal: Principal, customer_id: uuid.UUID) -> bool:
    """Whether a live customer with this id exists that the caller may see."""
    return await _IS_VISIBLE[effective_visibility(principal)].fetchrow(
        db, id=customer_id, **scope_values(principal)) is not None


# What a change starts from: the customer as the API shows it plus the columns a write also derives or
# checks, one statement (children as JSON arrays) per visibility level.
_WRITE_COLUMNS = (Customer.normalized_name, Customer.search_text, Customer.erased_at)
WRITE_STATEMENTS = {level: _read_statement(level, *_WRITE_COLUMNS) for level in Visibility}


async def to_change(db: Db, principal: Principal, customer_id: uuid.UUID) -> dict[str, Any] | None:
    """What a change starts from: a live customer the caller may see, as the API shows it plus its
    normalised name, search text and erasure time, e-mails, phones and addresses as lists of dicts. Not
    locked: the change's UPDATE checks the row version instead."""
    row = await WRITE_STATEMENTS[effective_visibility(principal)].fetchrow(
        db, id=customer_id, **scope_values(principal))
    return None if row is None else dict(row)
