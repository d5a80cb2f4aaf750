"""CSV export of a filtered customer list, streamed: keyset batches from one read transaction, so an
export of any size holds at most one batch in memory. UTF-8 with a BOM so Excel shows Persian; the
columns are the import's field names, so an export can be edited and imported back."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from api.core.access import Principal, Visibility, effective_visibility, scope_values
from api.core.pagination import PageParams, SortKey, paginate_shaped
from api.customers import custom_fields, repository
from api.customers.models import CHANNELS, Customer, CustomerEmail, CustomerPhone
from api.customers.repository import CustomerFilters, FilterShape
from api.users.models import User

BOM = "\ufeff"
BATCH = 1000
COLUMNS = [
    "id", "kind", "display_name", "first_name", "last_name", "organization_name", "job_title", "email", "phone",
    "stage", "importance_tier", "tags", "preferences", "birthday", "language", "preferred_channel",
    "source_channel", "source_ref", *[f"consent.{ch}" for ch in CHANNELS], "owner_email", "lifetime_revenue",
    "purchase_count", "is_key", "created_at", "updated_at",
]
# A cell starting like a formula runs as one when the file is opened in a spreadsheet (CSV injection).
_FORMULA = ("=", "@", "\t", "\r")


def _safe(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA) or (text.startswith(("+", "-")) and not text[1:].replace(" ", "").isdigit()):
        return "'" + text
    return text


def _row(c: Any, custom_keys: list[str]) -> list[str]:
    consent = [(c["consent"].get(ch) or {}).get("granted") for ch in CHANNELS]
    values: list[Any] = [
        c["id"], c["kind"], c["display_name"], c["first_name"], c["last_name"], c["organization_name"],
        c["job_title"], c["emails"], c["phones"], c["stage"], c["importance_tier"], ";".join(c["tags"]),
        ";".join(c["preferences"]), c["birthday"], c["language"], c["preferred_channel"], c["source_channel"],
        c["source_ref"], *consent, c["owner_email"], c["lifetime_revenue"], c["purchase_count"], c["is_key"],
        c["created_at"].isoformat(), c["updated_at"].isoformat(),
    ]
    values += [c["custom_fields"].get(k) for k in custom_keys]
    return [_safe(v) for v in values]


def _joined(column: Any, position: Any, where: Any) -> Any:
    """The customer's values of a child table joined by ';' in their order, as one column."""
    return (select(func.string_agg(column, aggregate_order_by(literal_column("';'"), position)))
            .where(where).scalar_subquery())


def export_statement(level: Visibility, shape: FilterShape) -> Select[Any]:
    """One row per customer with everything the CSV needs (children and the owner's e-mail as columns):
    a batch of 1,000 is one statement, with no ORM objects."""
    return repository.filtered(
        level, shape,
        *[Customer.__table__.c[name] for name in _CUSTOMER_COLUMNS],
        _joined(CustomerEmail.email, CustomerEmail.position, CustomerEmail.customer_id == Customer.id)
        .label("emails"),
        _joined(CustomerPhone.e164, CustomerPhone.position, CustomerPhone.customer_id == Customer.id)
        .label("phones"),
        select(User.email).where(User.id == Customer.owner_id).scalar_subquery().label("owner_email"),
    )


_CUSTOMER_COLUMNS = (
    "id", "kind", "display_name", "first_name", "last_name", "organization_name", "job_title", "stage",
    "importance_tier", "tags", "preferences", "birthday", "language", "preferred_channel", "source_channel",
    "source_ref", "consent", "lifetime_revenue", "purchase_count", "is_key", "created_at", "updated_at",
    "custom_fields", "normalized_name",  # the last two: custom-field cells and the name sort's key
)


async def started(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Run the export's first query now, in the route, so its errors are still ordinary problems."""
    first = await anext(chunks)

    async def rest() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    return rest()


async def stream_csv(db: asyncpg.Connection, principal: Principal, filters: CustomerFilters,
                     sort: SortKey) -> AsyncIterator[bytes]:
    """Every chunk is one batch of rows (the first also carries the BOM and the header). ``db`` is the
    request's read connection, which stays the request's until the last chunk is sent; each batch is a
    keyset page, so rows changed meanwhile are neither skipped nor repeated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    keys = sorted(k for k, f in (await custom_fields.definitions(db)).items() if f.is_active)
    writer.writerow([*COLUMNS, *[f"cf.{k}" for k in keys]])
    head = BOM + buffer.getvalue()
    level = effective_visibility(principal)
    shape, values = repository.filter_shape(filters)
    values.update(scope_values(principal))
    cursor: str | None = None
    while True:
        rows, cursor, _ = await paginate_shaped(
            db, ("customers:export", level, shape), lambda: export_statement(level, shape), values, sort,
            PageParams(limit=BATCH, cursor=cursor, include_total=False))
        buffer.seek(0)
        buffer.truncate()
        for c in rows:
            writer.writerow(_row(c, keys))
        # The header goes out with the first batch: a query that fails (bad input reaching the
        # database) fails before the response has started, as a problem the route can still send.
        yield (head + buffer.getvalue()).encode()
        head = ""
        if cursor is None:
            return
