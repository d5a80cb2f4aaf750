"""``python -m bench.explain``: EXPLAIN (ANALYZE, BUFFERS) of every customer scenario's SQL on a kept
benchmark database (run the bench with ``--keep-db`` first), written to ``bench/results/`` as Markdown.

The statements are the baseline's (``bench/baseline_customers.py``), which are the API's; writes are
explained inside a transaction that is rolled back. ``--proposed`` adds the rewrites recommended for the
statements that scan the whole table, so before and after sit side by side."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from api.auth.service import SESSION_PREFIX
from api.core.access import Visibility
from api.core.db import connection_settings
from api.core.pagination import page_statement, parse_sort
from api.core.settings import Settings
from api.core.sql import Statement
from api.customers.models import Customer
from api.customers.params import SORTS
from api.customers.repository import (
    CONTACT_HOLDERS,
    READ_WITH_CALLER,
    WRITE_STATEMENTS,
    CustomerFilters,
    filter_shape,
    list_plan,
    search_terms,
)
from api.customers.service import customer_update
from bench import baseline_customers as B
from bench.customers_seed import WRITE_PREFIX
from bench.seed import plain_url, with_database
from bench.targets import REPO

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_PHONE_ANY = ("customer.id = ANY(ARRAY(SELECT customer_phone.customer_id \nFROM customer_phone \n"
              "WHERE customer_phone.e164 = ${}::VARCHAR))")


def _read_one(cid: Any, token_hash: str) -> tuple[str, list[Any]]:
    sql, names = READ_WITH_CALLER.statements[SESSION_PREFIX].text(B.ASYNCPG)
    return sql, [{"id": cid, "h": token_hash}[n] for n in names]


def _api_list(filters: CustomerFilters) -> tuple[str, list[Any]]:
    """The first page of the API's customer list for an admin, as the router builds it."""
    shape, values = filter_shape(filters)
    sort = parse_sort(None, SORTS, Customer.id, "-created_at")
    base, parts, rows = list_plan(Visibility.all, shape, sort)
    statement = page_statement(base, sort, parts=parts() if parts else None, rows=rows)
    return Statement(statement).args({**values, "page_limit": 51})


async def cases(db: asyncpg.Connection, proposed: bool) -> list[tuple[str, str, list[Any]]]:
    lst, order = B._LIST, B._ORDER
    deep = await db.fetchrow("SELECT created_at, id FROM customer WHERE deleted_at IS NULL "
                             "ORDER BY created_at DESC, id DESC OFFSET 499999 LIMIT 1")
    e164 = await db.fetchval("SELECT e164 FROM customer_phone ORDER BY id OFFSET 1234 LIMIT 1")
    typed = ("0" + e164[3:]).translate(_PERSIAN_DIGITS)
    ts_phone, phone = search_terms(typed)
    cid = await db.fetchval("SELECT id FROM customer ORDER BY id OFFSET 333 LIMIT 1")
    version = await db.fetchval("SELECT version FROM customer WHERE id = $1", cid)
    # A live login (the bench's own), so the caller's half of the read finds someone.
    token_hash = await db.fetchval("SELECT token_hash FROM auth_session WHERE revoked_at IS NULL "
                                   "AND expires_at > now() ORDER BY created_at DESC LIMIT 1") or "0" * 64
    out: list[tuple[str, str, list[Any]]] = [
        ("customers_first_page", f"{lst}{order}$1::INTEGER", [51]),
        ("customers_deep_page (after 500,000 rows)",
         f"{lst} AND {B._AFTER.format(1, 2)}{order}$3::INTEGER", [deep["created_at"], deep["id"], 51]),
    ]
    for stage, tag in [("client", "vip"), ("advocate", "وفادار"), ("suspect", "instagram"), ("partner", "seminar")]:
        out.append((f"customers_filtered stage={stage} tag={tag}: the page's ids, then its rows",
                    *_api_list(CustomerFilters(stage=[stage], tag=[tag]))))
    owner = await db.fetchval("SELECT owner_id FROM customer WHERE owner_id IS NOT NULL ORDER BY id OFFSET 777 LIMIT 1")
    teams = [r[0] for r in await db.fetch("SELECT id FROM team ORDER BY path LIMIT 3")]
    out += [
        ("customers_filtered two rungs (client, repeat) + tag=vip: a page of each rung, merged",
         *_api_list(CustomerFilters(stage=["client", "repeat"], tag=["vip"]))),
        ("customers_filtered tag=vip (tag only)", *_api_list(CustomerFilters(tag=["vip"]))),
        ("customers_filtered owner + two rungs (a rep's own list by rung)",
         *_api_list(CustomerFilters(owner_id=[owner], stage=["client", "repeat"]))),
        ("a sales rep's first page (scope: own)",
         lst.replace(" customer.deleted_at", " customer.owner_id = $1::UUID AND customer.deleted_at", 1)
         + f"{order}$2::INTEGER", [owner, 51]),
        ("a manager's first page (scope: own or team subtree)",
         lst.replace(" customer.deleted_at", " (customer.owner_id = $1::UUID OR customer.team_id = ANY ($2::UUID[])) "
                     "AND customer.deleted_at", 1) + f"{order}$3::INTEGER", [owner, teams, 51]),
        ("customers_filtered created in one month",
         f"{lst} AND customer.created_at >= $1::TIMESTAMP WITH TIME ZONE AND customer.created_at < "
         f"$2::TIMESTAMP WITH TIME ZONE{order}$3::INTEGER",
         [datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC), 51]),
        ("customers_filtered updated since a date, sorted by updated_at",
         f"{lst} AND customer.updated_at >= $1::TIMESTAMP WITH TIME ZONE ORDER BY customer.updated_at DESC, "
         "customer.id DESC \n LIMIT $2::INTEGER", [datetime(2026, 1, 1, tzinfo=UTC), 51]),
        ("sort=display_name, first page",
         f"{lst} ORDER BY customer.normalized_name ASC, customer.id ASC \n LIMIT $1::INTEGER", [51]),
        ("sort=display_name, a page deep (after a name starting with «م»)",
         f"{lst} AND (customer.normalized_name, customer.id) > ($1::VARCHAR, $2::UUID) "
         "ORDER BY customer.normalized_name ASC, customer.id ASC \n LIMIT $3::INTEGER",
         ["م", uuid.UUID(int=0), 51]),
    ]
    # The search box asks for 8 rows (9 with the one that says another page follows); Enter opens the
    # 50-row list (customers_search_page).
    for q in ["علی", "محم", "sara", "nova", "زهرا حس", "khoshnevis"]:
        tsquery, _ = search_terms(q)
        for scenario, rows in (("customers_search_name", 9), ("customers_search_page", 51)):
            out.append((f"{scenario} q={q} → {tsquery}", f"{lst} AND ({B._TS.format(1)}){order}$2::INTEGER",
                        [tsquery, rows]))
    out.append((f"customers_search_phone q={typed} → {ts_phone} or {phone}",
                f"{lst} AND ({B._TS.format(1)} OR {B._PHONE.format(2)}){order}$3::INTEGER", [ts_phone, phone, 9]))
    if proposed:
        out.append(("PROPOSED customers_search_phone: id = ANY(ARRAY(subquery)) instead of id IN (subquery)",
                    f"{lst} AND ({B._TS.format(1)} OR {_PHONE_ANY.format(2)}){order}$3::INTEGER",
                    [ts_phone, phone, 51]))
    out += [
        ("customers_get: the caller and the customer in one statement, children as JSON arrays",
         *_read_one(cid, token_hash)),
        ("customers_patch: the customer with its children as JSON arrays",
         *WRITE_STATEMENTS[Visibility.all].args({"id": cid})),
        ("customers_create: duplicate check", *CONTACT_HOLDERS[Visibility.all].args(
            {"emails": ["nobody.1@writes.example.com"], "phones": [f"{WRITE_PREFIX}0000001"], "exclude": None})),
        ("customers_patch: update", *customer_update(("display_name", "normalized_name", "search_text")).args(
            {"id": cid, "old_version": version, "updated_at": datetime.now(UTC), "version": version + 1,
             "v_display_name": "x", "v_normalized_name": "x", "v_search_text": "x"})),
    ]
    return out


async def explain(url: str, proposed: bool) -> str:
    # The API's connection settings, so the planner weighs the plans as it does for the API.
    db = await asyncpg.connect(url, server_settings=connection_settings(Settings(), "peyvand-bench-explain"))
    try:
        total = await db.fetchval("SELECT count(*) FROM customer")
        lines = [f"# Query plans of the customer scenarios — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
                 f"{total:,} customers; `EXPLAIN (ANALYZE, BUFFERS)` of the statements the API runs (the "
                 "baseline's copies), writes rolled back. Made by `python -m bench.explain`.", ""]
        for name, sql, args in await cases(db, proposed):
            tr = db.transaction()
            await tr.start()
            try:
                plan = "\n".join(r[0] for r in await db.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args))
            finally:
                await tr.rollback()
            lines += [f"## {name}", "", "```", plan, "```", ""]
        return "\n".join(lines)
    finally:
        await db.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__.split("\n\n")[0])
    p.add_argument("--database", default="peyvand_bench", help="the kept benchmark database (peyvand_bench)")
    p.add_argument("--proposed", action="store_true", help="also explain the recommended rewrites")
    p.add_argument("--out", type=Path, default=None, help="file to write (default bench/results/<date>-plans.md)")
    args = p.parse_args(argv)
    server = os.environ.get("DATABASE_URL") or os.environ.get("PEYVAND_DATABASE_URL")
    if not server:
        print("bench.explain: set DATABASE_URL to the server holding the kept database", file=sys.stderr)
        return 2
    text = asyncio.run(explain(plain_url(with_database(server, args.database)), args.proposed))
    out = args.out or REPO / "bench" / "results" / f"{datetime.now(UTC):%Y-%m-%d}-customers-plans.md"
    out.write_text(text + "\n", encoding="utf-8")
    print(f"Wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
