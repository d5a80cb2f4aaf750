"""The migrations, run on a brand-new database, build exactly the schema the models describe, and
downgrade cleanly."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from api.core.db import async_url
from api.core.migrate import alembic_config, downgrade, upgrade
from api.models import metadata


def _plain(url: str) -> str:
    return make_url(async_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
async def empty_database(services: dict[str, str]) -> AsyncIterator[str]:
    """A fresh database on the test server, dropped afterwards; yields its URL."""
    name = f"peyvand_migrations_{uuid.uuid4().hex[:12]}"
    server = _plain(services["server_url"])
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        conn = await asyncpg.connect(server)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


async def _schema_diff(url: str) -> list[Any]:
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as conn:
            def compare(sync_conn: Any) -> list[Any]:
                ctx = MigrationContext.configure(
                    sync_conn, opts={"compare_type": True, "compare_server_default": True}
                )
                return list(compare_metadata(ctx, metadata))

            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(_plain(url))
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await conn.close()
    return {r["tablename"] for r in rows}


async def _version(url: str) -> str | None:
    conn = await asyncpg.connect(_plain(url))
    try:
        return await conn.fetchval("SELECT version_num FROM alembic_version")  # type: ignore[no-any-return]
    finally:
        await conn.close()


def _head() -> str:
    head = ScriptDirectory.from_config(alembic_config("postgresql://unused/unused")).get_current_head()
    assert head is not None
    return head


async def test_upgrade_head_on_empty_database_matches_the_models(empty_database):
    await asyncio.to_thread(upgrade, empty_database)
    assert await _version(empty_database) == _head()
    assert await _tables(empty_database) == {t.name for t in metadata.sorted_tables} | {"alembic_version"}
    assert await _schema_diff(empty_database) == []


async def test_index_storage_options_are_those_the_models_declare(empty_database):
    # compare_metadata does not compare WITH (...) options: every index that declares some has them.
    await asyncio.to_thread(upgrade, empty_database)
    declared = {index.name: {f"{k}={v}" for k, v in index.dialect_options["postgresql"]["with"].items()}
                for table in metadata.sorted_tables for index in table.indexes
                if index.dialect_options["postgresql"]["with"]}
    assert {"ix_customer_search_vector", "ix_customer_tags", "ix_customer_custom_fields"} <= declared.keys()
    conn = await asyncpg.connect(_plain(empty_database))
    try:
        rows = await conn.fetch("SELECT relname, reloptions FROM pg_class WHERE relname = ANY($1)", list(declared))
    finally:
        await conn.close()
    assert {r["relname"]: set(r["reloptions"] or ()) for r in rows} == declared


async def test_downgrade_base_leaves_only_alembic_version_and_upgrade_works_again(empty_database):
    await asyncio.to_thread(upgrade, empty_database)
    await asyncio.to_thread(downgrade, empty_database, "base")
    assert await _tables(empty_database) == {"alembic_version"}
    assert await _version(empty_database) is None
    await asyncio.to_thread(upgrade, empty_database)
    assert await _version(empty_database) == _head()
    assert await _schema_diff(empty_database) == []


async def test_downgrade_base_leaves_no_indexes_sequences_or_types_behind(empty_database):
    await asyncio.to_thread(upgrade, empty_database)
    await asyncio.to_thread(downgrade, empty_database, "base")
    conn = await asyncpg.connect(_plain(empty_database))
    try:
        leftovers = await conn.fetch(
            """
            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relname NOT LIKE 'alembic_version%'
            """
        )
        types = await conn.fetch(
            """
            SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = 'public' AND t.typtype = 'e'
            """
        )
    finally:
        await conn.close()
    assert [r["relname"] for r in leftovers] == []
    assert [r["typname"] for r in types] == []


async def test_upgrade_is_a_no_op_when_already_at_head(empty_database):
    await asyncio.to_thread(upgrade, empty_database)
    await asyncio.to_thread(upgrade, empty_database)
    assert await _version(empty_database) == _head()


async def test_every_revision_downgrades_and_upgrades_one_step_at_a_time(empty_database):
    revisions = list(reversed(list(
        ScriptDirectory.from_config(alembic_config("postgresql://unused/unused")).walk_revisions()
    )))
    for rev in revisions:
        await asyncio.to_thread(upgrade, empty_database, rev.revision)
        assert await _version(empty_database) == rev.revision
        await asyncio.to_thread(downgrade, empty_database, "-1")
        assert await _version(empty_database) == rev.down_revision
        await asyncio.to_thread(upgrade, empty_database, rev.revision)
    assert await _version(empty_database) == _head()


async def test_migrated_schema_accepts_the_app(empty_database):
    """Spot-check constraints the models rely on exist in the migrated database."""
    await asyncio.to_thread(upgrade, empty_database)
    engine = create_async_engine(async_url(empty_database))
    try:
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO \"user\" (id, email, full_name, password_hash, role) "
                "VALUES (gen_random_uuid(), 'A@x.io', 'A', 'h', 'admin')"
            ))
        with pytest.raises(Exception, match="uq_user_email"):
            async with engine.begin() as conn:
                await conn.execute(text(
                    "INSERT INTO \"user\" (id, email, full_name, password_hash, role) "
                    "VALUES (gen_random_uuid(), 'a@X.io', 'B', 'h', 'admin')"
                ))
        with pytest.raises(Exception, match="ck_user_role"):
            async with engine.begin() as conn:
                await conn.execute(text(
                    "INSERT INTO \"user\" (id, email, full_name, password_hash, role) "
                    "VALUES (gen_random_uuid(), 'c@x.io', 'C', 'h', 'emperor')"
                ))
    finally:
        await engine.dispose()


async def test_schema_comparison_notices_drift(empty_database):
    """The comparison above is live: a database that drifted from the models is reported."""
    await asyncio.to_thread(upgrade, empty_database)
    conn = await asyncpg.connect(_plain(empty_database))
    try:
        await conn.execute('DROP INDEX ix_team_parent_id')
        await conn.execute('ALTER TABLE "user" ALTER COLUMN full_name TYPE varchar(50)')
        await conn.execute("ALTER TABLE team ADD COLUMN colour text")
    finally:
        await conn.close()
    diff = [str(d) for d in await _schema_diff(empty_database)]
    assert any("ix_team_parent_id" in d for d in diff), diff
    assert any("full_name" in d for d in diff), diff
    assert any("colour" in d for d in diff), diff


async def test_customer_list_indexes_cover_the_tag_walks_and_vacuum_keeps_them_index_only(empty_database):
    # repository.ids_first relies on both: the walk reads tags and deleted_at from the index, and the
    # visibility map stays fresh enough for it not to read the rows.
    await asyncio.to_thread(upgrade, empty_database)
    conn = await asyncpg.connect(_plain(empty_database))
    try:
        defs = {r["indexname"]: r["indexdef"] for r in await conn.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'customer'")}
        options = await conn.fetchval("SELECT reloptions FROM pg_class WHERE relname = 'customer'")
    finally:
        await conn.close()
    for name in ("ix_customer_created_at_id", "ix_customer_stage_created"):
        assert defs[name].endswith("INCLUDE (tags, deleted_at)"), defs[name]
    assert set(options) == {"autovacuum_vacuum_scale_factor=0.02", "autovacuum_vacuum_insert_scale_factor=0.02"}


async def test_customer_rebuild_keeps_rows_constraints_and_references(empty_database):
    """0011 copies the customers into a table whose search walk's columns lead: every value, constraint,
    index, storage parameter and foreign key (both ways) is there afterwards, and they still act."""
    await asyncio.to_thread(upgrade, empty_database, "0010")
    conn = await asyncpg.connect(_plain(empty_database))
    role = f"peyvand_reader_{uuid.uuid4().hex[:8]}"  # roles are the server's: dropped at the end
    catalog = """
        SELECT (SELECT array_agg(conname || ' ' || contype::text ORDER BY conname) FROM pg_constraint
                WHERE conrelid = 'customer'::regclass OR confrelid = 'customer'::regclass) AS constraints,
               (SELECT array_agg(pg_get_indexdef(indexrelid) ORDER BY 1) FROM pg_index
                WHERE indrelid = 'customer'::regclass) AS indexes,
               (SELECT reloptions FROM pg_class WHERE oid = 'customer'::regclass) AS options,
               (SELECT array_agg(grantee::regrole::text || ' ' || privilege_type ORDER BY 1) FROM pg_class,
                       aclexplode(relacl) WHERE oid = 'customer'::regclass AND grantee <> relowner) AS grants"""
    rows = "SELECT * FROM customer ORDER BY id"
    try:
        await conn.execute("""
            INSERT INTO customer (id, kind, display_name, normalized_name, search_text, tags, custom_fields,
                                  consent, preferences, stage, lifetime_revenue, purchase_count, key_reasons,
                                  utm, created_at, updated_at, version)
            VALUES ('00000000-0000-0000-0000-000000000001', 'person', 'زهرا حسینی', 'زهرا حسینی',
                    'زهرا حسینی zahra@example.com', '{vip}', '{"size": 3}', '{}', '{}', 'client', 12.50, 2,
                    '{}', '{}', now(), now(), 1)""")
        await conn.execute("""
            INSERT INTO customer (id, kind, display_name, normalized_name, search_text, tags, custom_fields,
                                  consent, preferences, stage, lifetime_revenue, purchase_count, key_reasons,
                                  utm, created_at, updated_at, version, referrer_id)
            SELECT '00000000-0000-0000-0000-000000000002', kind, 'Sara', 'sara', 'sara', tags, custom_fields,
                   consent, preferences, 'prospect', 0, 0, key_reasons, utm, now(), now(), 1, id FROM customer""")
        await conn.execute(f"CREATE ROLE {role}")
        await conn.execute(f"GRANT SELECT, UPDATE ON customer TO {role}")
        await conn.execute("INSERT INTO customer_email (id, customer_id, email, label, is_primary) VALUES "
                           "(gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'zahra@example.com', "
                           "'work', true)")
        before = (dict(await conn.fetchrow(catalog)), [dict(r) for r in await conn.fetch(rows)])
        await asyncio.to_thread(upgrade, empty_database, "0011")
        after = (dict(await conn.fetchrow(catalog)), [dict(r) for r in await conn.fetch(rows)])
        order = await conn.fetch("SELECT attname FROM pg_attribute WHERE attrelid = 'customer'::regclass "
                                 "AND attnum > 0 AND NOT attisdropped ORDER BY attnum")
        assert [r["attname"] for r in order[:4]] == ["id", "created_at", "deleted_at", "search_vector"]
        assert after == before
        assert len(before[0]["grants"]) == 2
        assert before[1][0]["search_vector"]  # generated again from the copied text, not left empty
        # The foreign keys act: to the customer (cascade, set null), from it (a referrer that must exist).
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await conn.execute("UPDATE customer SET referrer_id = gen_random_uuid()")
        await conn.execute("DELETE FROM customer WHERE id = '00000000-0000-0000-0000-000000000001'")
        assert await conn.fetchval("SELECT count(*) FROM customer_email") == 0
        assert await conn.fetchval("SELECT referrer_id FROM customer") is None
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute("UPDATE customer SET stage = 'emperor'")
    finally:
        if await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
            await conn.execute(f"DROP OWNED BY {role}; DROP ROLE {role}")
        await conn.close()
    assert await _schema_diff(empty_database) == []
