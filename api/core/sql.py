"""Hot statements run on an asyncpg connection, compiled by SQLAlchemy once.

The statements of the busiest reads (a customer by id, the principal behind a token) are still written
with SQLAlchemy Core, so columns and tables stay checked against the models; but instead of building,
cache-keying and ORM-loading them per request, each is compiled once per process and run on a driver
connection: the request's read connection (``api.core.deps.ReadConnection``) or the one underneath the
request's session (reads only: see ``driver``). The busiest writes run the same way, on the request's
write connection (``api.core.deps.WriteConnection``) or inside a session's transaction (``write_driver``).

Values go in by bind-parameter name; anything the statement binds itself (literals) keeps its value.
Rows come back as asyncpg records; json/jsonb are decoded by the codecs SQLAlchemy set on the connection.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeAlias

import asyncpg
from sqlalchemy import ARRAY, Dialect, Select, any_, bindparam, insert, literal
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement
from sqlalchemy.util import LRUCache

# The one dialect the API runs on; statements compiled for it run on any of its connections.
DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]
# Where a read runs: a driver connection, or a session whose connection is used.
Db: TypeAlias = AsyncSession | asyncpg.Connection


_Compiled = tuple[str, tuple[str, ...], dict[str, Any], frozenset[str], dict[str, Any]]


class Statement:
    """A Core statement with named ``bindparam``s, compiled once, on first use, for asyncpg (``DIALECT``)."""

    __slots__ = ("_compiled", "_stmt")

    def __init__(self, stmt: ClauseElement) -> None:
        self._stmt = stmt
        self._compiled: _Compiled | None = None

    def text(self, dialect: Dialect = DIALECT) -> tuple[str, tuple[str, ...]]:
        """The SQL and its parameter names in order (the bench's bare baseline runs the same text); compiled
        for ``dialect`` if this is its first use."""
        sql, names, _, _, _ = self._compile(dialect)
        return sql, names

    def _compile(self, dialect: Dialect) -> _Compiled:
        if self._compiled is None:
            compiled: Any = self._stmt.compile(dialect=dialect)
            required = frozenset(name for bind, name in compiled.bind_names.items() if bind.required)
            defaults = dict(compiled.construct_params(_check=False))
            # Types that convert values for the driver (JSONB serialises, for one), as SQLAlchemy would.
            processors = dict(compiled._bind_processors)
            self._compiled = (compiled.string, tuple(compiled.positiontup or ()), defaults, required, processors)
        return self._compiled

    def args(self, values: dict[str, Any]) -> tuple[str, list[Any]]:
        """The SQL text and its positional arguments (``KeyError`` when a required value is missing)."""
        sql, names, defaults, required, processors = self._compile(DIALECT)
        if missing := required - values.keys():
            raise KeyError(f"no value for bind parameter(s) {sorted(missing)}")
        args = [values[n] if n in values else defaults[n] for n in names]
        if processors:
            args = [processors[n](v) if n in processors else v for n, v in zip(names, args, strict=True)]
        return sql, args

    async def fetch(self, db: Db, **values: Any) -> list[asyncpg.Record]:
        sql, args = self.args(values)
        return await (await driver(db)).fetch(sql, *args)

    async def fetchrow(self, db: Db, **values: Any) -> asyncpg.Record | None:
        sql, args = self.args(values)
        return await (await driver(db)).fetchrow(sql, *args)

    async def execute(self, db: asyncpg.Connection, **values: Any) -> str:
        """Run a write on a connection in a transaction (``WriteConnection``, ``write_driver``); asyncpg's
        status, e.g. ``"UPDATE 1"``."""
        sql, args = self.args(values)
        status: str = await db.execute(sql, *args)
        return status

    async def executemany(self, db: asyncpg.Connection, rows: list[dict[str, Any]]) -> None:
        """The same write for each of ``rows``, pipelined by asyncpg in one round trip (a single row is a
        plain ``execute``: asyncpg's pipelining costs more than it saves there)."""
        if len(rows) == 1:
            await self.execute(db, **rows[0])
        elif rows:
            pairs = [self.args(values) for values in rows]
            await db.executemany(pairs[0][0], [args for _, args in pairs])


def insert_of(table: Any) -> Statement:
    """``INSERT`` of one row of ``table``, every column but the generated ones a bind parameter of its name."""
    return Statement(insert(table).values({c.key: bindparam(c.key, type_=c.type) for c in table.columns
                                          if c.computed is None}))


_COMPILED: Any = LRUCache(1000)
_SHAPED: Any = LRUCache(2000)


def shaped(key: Hashable, build: Callable[[], ClauseElement]) -> Statement:
    """The ``Statement`` for ``key``, built by ``build`` the first time it is asked for.

    For statements put together per request (a list with the filters someone picked) whose values are all
    bind parameters: ``key`` names everything that changes the SQL (which filters, the sort, the caller's
    visibility), so building, cache-keying and compiling happen once per shape, not per request."""
    statement: Statement | None = _SHAPED.get(key)
    if statement is None:
        statement = _SHAPED[key] = Statement(build())
    return statement


async def fetch_select(db: Db, stmt: Select[Any]) -> list[Any]:
    """Run a statement built per request (a filtered list) on the driver connection.

    SQLAlchemy still compiles it, once per shape of statement (its statement cache); what is skipped is
    its result machinery, about 1.2 ms for a page of 50 rows. Statements with expanding ``IN`` lists
    (compiled per call) go through a session as usual: write list filters as ``= ANY(array)``."""
    compiled: Any
    compiled, extracted, _, _ = stmt._compile_w_cache(
        DIALECT, compiled_cache=_COMPILED, column_keys=[])
    if compiled.post_compile_params:
        if not isinstance(db, AsyncSession):
            raise TypeError("a statement with expanding IN lists needs a session: use any_of()")
        return [row._mapping for row in (await db.execute(stmt)).all()]
    params = compiled.construct_params(extracted_parameters=extracted, escape_names=False)
    processors = compiled._bind_processors
    args = [processors[n](params[n]) if n in processors else params[n] for n in compiled.positiontup]
    return await (await driver(db)).fetch(compiled.string, *args)


def any_param(column: Any, name: str) -> Any:
    """``column = ANY(:name)``: ``any_of`` for statements compiled once (``Statement``, ``shaped``), the list
    of values given at execution as the bind parameter ``name``."""
    return column == any_(bindparam(name, type_=ARRAY(column.type)))


def any_of(column: Any, values: list[Any]) -> Any:
    """``column = ANY($1)`` with the list as one array parameter: unlike ``IN`` (one parameter per value,
    expanded at execution), the statement's shape does not depend on how many values were picked, so it
    is compiled once and can run through ``fetch_select``."""
    return column == any_(literal(values, ARRAY(column.type)))


async def write_driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under a write session, inside the session's transaction: what runs on it
    commits or rolls back with the session. (SQLAlchemy's asyncpg adapter issues BEGIN lazily, on its own
    first statement; this begins it now, as that statement would.)"""
    conn = await session.connection()
    adapter: Any = (await conn.get_raw_connection()).dbapi_connection
    if adapter._transaction is None:
        await adapter._start_transaction()
    driver_connection: asyncpg.Connection = adapter.driver_connection
    return driver_connection


async def driver(db: Db) -> asyncpg.Connection:
    """``db`` itself, or the asyncpg connection under a session.

    In a read session (autocommit) that is all there is. In a write session, SQLAlchemy issues BEGIN
    lazily on its first statement, so a driver statement run before any ORM statement runs outside the
    request's transaction: use it for reads that do not need to be part of it (the principal lookup)."""
    if not isinstance(db, AsyncSession):
        return db
    conn = await db.connection()
    raw = await conn.get_raw_connection()
    return raw.driver_connection
