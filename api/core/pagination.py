"""Keyset pagination with opaque cursors, and the ``sort=`` parameter, for every list endpoint.

A cursor carries the sort key of the last row returned; the next page starts strictly after it with a
row-value comparison the index can seek to, so every page costs the same at any depth."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Integer, Select, and_, bindparam, func, or_, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from api.core.errors import ValidationFailed, field_error
from api.core.memo import per_identity
from api.core.sql import Db, fetch_select, shaped

T = TypeVar("T")
Column = ColumnElement[Any] | QueryableAttribute[Any]
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="Pass as `cursor` to get the next page; null at the end")
    total: int | None = Field(None, description="Present when `include_total=true`")


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None
    include_total: bool


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = 50,
    cursor: Annotated[str | None, Query(max_length=1000, description="Opaque cursor from `next_cursor`")] = None,
    include_total: Annotated[bool, Query(description="Also count all matching rows")] = False,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor, include_total=include_total)


@dataclass(frozen=True)
class SortKey:
    """A sort order: columns (the last must be unique, usually the id) and their directions."""

    name: str
    columns: tuple[Column, ...]
    descending: bool


def parse_sort(value: str | None, allowed: Mapping[str, Column], tiebreak: Column, default: str) -> SortKey:
    """``sort=name`` or ``sort=-name`` from a documented set; the id breaks ties."""
    raw = value or default
    descending = raw.startswith("-")
    name = raw.removeprefix("-")
    if name not in allowed:
        raise ValidationFailed(
            f"Cannot sort by {name!r}.",
            errors=[field_error(["query", "sort"], "sort_unknown", f"use one of: {', '.join(sorted(allowed))}",
                                allowed=sorted(allowed))],
        )
    col = allowed[name]
    columns = (col,) if col is tiebreak else (col, tiebreak)
    return SortKey(name=raw, columns=columns, descending=descending)


def _encode_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return {"dt": v.isoformat()}
    if isinstance(v, date):
        return {"d": v.isoformat()}
    if isinstance(v, uuid.UUID):
        return {"u": str(v)}
    if isinstance(v, Decimal):
        return {"n": str(v)}
    return v


def _decode_value(v: Any) -> Any:
    if isinstance(v, dict) and len(v) == 1:
        (kind, raw), = v.items()
        if kind == "dt":
            return datetime.fromisoformat(raw)
        if kind == "d":
            return date.fromisoformat(raw)
        if kind == "u":
            return uuid.UUID(raw)
        if kind == "n":
            return Decimal(raw)
    return v


def encode_cursor(sort: SortKey, values: Sequence[Any]) -> str:
    raw = json.dumps({"s": sort.name, "v": [_encode_value(v) for v in values]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(sort: SortKey, cursor: str) -> list[Any]:
    bad = ValidationFailed(
        "The cursor is not valid for this list.",
        errors=[field_error(["query", "cursor"], "cursor_invalid", "invalid or stale cursor")],
    )
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values = [_decode_value(v) for v in data["v"]]
    except (ValueError, KeyError, TypeError, binascii.Error, json.JSONDecodeError):
        raise bad from None
    if data.get("s") != sort.name or len(values) != len(sort.columns):
        raise bad
    # A tampered value of the wrong type would reach PostgreSQL and fail there as a 500.
    for value, column in zip(values, sort.columns, strict=True):
        expected = _python_type(column)
        if value is not None and expected is not None and type(value) is not expected:
            raise bad
    return values


@per_identity  # ~11 µs through SQLAlchemy's attribute proxies, twice per request with a cursor
def _python_type(column: Any) -> type | None:
    try:
        python_type: type | None = column.type.python_type
    except NotImplementedError:
        return None
    return python_type


def _after(sort: SortKey, values: list[Any]) -> ColumnElement[bool]:
    cols = sort.columns
    if len(cols) == 1:
        return cols[0] < values[0] if sort.descending else cols[0] > values[0]
    if values[0] is None:
        # NULLs sort last ascending / first descending in PostgreSQL; compare the tiebreak within them.
        rest = cols[-1] < values[-1] if sort.descending else cols[-1] > values[-1]
        if sort.descending:
            return or_(and_(cols[0].is_(None), rest), cols[0].is_not(None))
        return and_(cols[0].is_(None), rest)
    row = tuple_(*cols)
    after = row < tuple_(*values) if sort.descending else row > tuple_(*values)
    if sort.descending or not _nullable(cols[0]):
        return after
    return or_(after, cols[0].is_(None))


def _nullable(column: Column) -> bool:
    return bool(getattr(getattr(column, "expression", column), "nullable", True))


async def paginate(
    db: Db,
    stmt: Select[Any],
    sort: SortKey,
    params: PageParams,
    *,
    scalars: bool = True,
) -> tuple[list[Any], str | None, int | None]:
    """Run ``stmt`` one page at a time. Returns rows, the next cursor and (on request) the total.

    ``scalars=False``: ``stmt`` selects columns, and the rows come back as mappings straight from the
    driver (``api.core.sql.fetch_select``), for lists where ORM objects would be the main cost; ``db`` may
    then be a driver connection (``api.core.deps.ReadConnection``). ORM objects need a session."""
    if scalars and not isinstance(db, AsyncSession):
        raise TypeError("ORM rows need a session; pass scalars=False to read columns on a connection")
    total = None
    if params.include_total:
        count = select(func.count().label("total")).select_from(stmt.order_by(None).subquery())
        total = (await fetch_select(db, count))[0]["total"]
    paged = stmt
    if params.cursor:
        paged = paged.where(_after(sort, decode_cursor(sort, params.cursor)))
    order = [c.desc() if sort.descending else c.asc() for c in sort.columns]
    paged = paged.order_by(*order).limit(params.limit + 1)
    rows: list[Any] = list((await db.execute(paged)).scalars().all()) if isinstance(db, AsyncSession) and scalars \
        else await fetch_select(db, paged)
    return *_cut(rows, sort, params.limit), total


async def paginate_shaped(db: Db, key: Hashable, base: Callable[[], Select[Any]], values: dict[str, Any],
                          sort: SortKey, params: PageParams,
                          parts: Callable[[], list[Select[Any]] | None] | None = None,
                          rows: Callable[[Select[Any]], Select[Any]] | None = None,
                          ) -> tuple[list[Any], str | None, int | None]:
    """``paginate`` for the busiest lists: ``base`` is built with bind parameters only (``values`` fill
    them), so the page statement is built and compiled once per ``key`` (everything that shapes the SQL:
    which filters, whose visibility, whether ``parts`` is given), sort and kind of cursor
    (``api.core.sql.shaped``). Rows are records.

    ``parts``: the rows of ``base`` as disjoint statements, each of which an index serves in ``sort``'s
    order, or None for ``base`` as it is; the page is then the first rows of every part, merged.

    ``rows``: the rows to answer for the page that ``base`` (or ``parts``) selected, when those select
    only keys (e.g. ids, found by an index-only scan); they are answered in ``sort``'s order."""
    total = None
    if params.include_total:
        count = shaped((key, "count"), lambda: select(func.count().label("total"))
                       .select_from(base().order_by(None).subquery()))
        total = (await count.fetch(db, **values))[0]["total"]
    after = decode_cursor(sort, params.cursor) if params.cursor else None
    # Where the cursor's first value is NULL the comparison differs (``_after``): a shape of its own.
    state = None if after is None else "null" if after[0] is None else "value"
    page = shaped((key, sort.name, sort.descending, state),
                  lambda: page_statement(base, sort, state, parts() if parts else None, rows))
    args = {**values, "page_limit": params.limit + 1}
    if after is not None:
        args.update({f"after_{i}": v for i, v in enumerate(after)})
    return *_cut(await page.fetch(db, **args), sort, params.limit), total


def _bound_page(stmt: Select[Any], sort: SortKey, state: str | None) -> Select[Any]:
    if state is not None:
        after: list[Any] = [bindparam(f"after_{i}", type_=c.type) for i, c in enumerate(sort.columns)]
        if state == "null":
            after[0] = None
        stmt = stmt.where(_after(sort, after))
    return stmt.order_by(*_order(sort.columns, sort.descending)).limit(bindparam("page_limit", type_=Integer))


def page_statement(base: Callable[[], Select[Any]], sort: SortKey, state: str | None = None,
                   parts: list[Select[Any]] | None = None,
                   rows: Callable[[Select[Any]], Select[Any]] | None = None) -> Select[Any]:
    """The statement of one page of ``paginate_shaped``: ``base`` after the cursor (``state``: None, "value"
    or "null"), in ``sort``'s order, limited; or, given ``parts``, a page of each part (cursor, order, limit)
    and the page of them all in the same order; then, given ``rows``, the rows it makes of that page, in
    ``sort``'s order."""
    if not parts:
        page = _bound_page(base(), sort, state)
    else:
        merged = union_all(*(_bound_page(part, sort, state) for part in parts)).subquery("parts")
        page = select(merged).order_by(*_order([merged.c[str(c.key)] for c in sort.columns], sort.descending))
        page = page.limit(bindparam("page_limit", type_=Integer))
    return page if rows is None else rows(page).order_by(*_order(sort.columns, sort.descending))


def _order(columns: Sequence[Any], descending: bool) -> list[Any]:
    return [c.desc() if descending else c.asc() for c in columns]


def _cut(rows: list[Any], sort: SortKey, limit: int) -> tuple[list[Any], str | None]:
    """The page (one row more was asked for, to know whether another page follows) and its next cursor."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(sort, [_value_of(rows[-1], c) for c in sort.columns])


def _value_of(row: Any, column: Column) -> Any:
    key = getattr(column, "key", None) or getattr(column, "name", None)
    if hasattr(row, "_mapping"):
        return row._mapping[key]
    if hasattr(row, "keys"):  # a mapping, or an asyncpg record
        return row[key]
    return getattr(row, str(key))
