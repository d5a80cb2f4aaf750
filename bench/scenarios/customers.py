"""Customers: list (first page, a page deep in the keyset order, filtered), search (name prefix in Persian
and Latin, phone typed in Persian digits), get by id, create and patch, on ``--customers`` seeded rows.

A search is what the SPA's search box sends as people type: ``q`` and ``limit=8`` (the suggestions under
the box, ``useCustomerSearch`` in frontend/src/features/customers/queries.ts); Enter opens the customer
list filtered by ``q``, a 50-row list page (``customers_search_page``).

Writes never collide: every create carries an e-mail and a phone no one else has (the +98 939 range is
kept free of seeded data), and every patch goes to the next customer of a shuffled list, so no two
requests in flight touch the same row."""

from __future__ import annotations

import itertools
import random
from urllib.parse import quote, urlencode

import asyncpg

from bench.customers_seed import WRITE_PREFIX, random_name, random_tags
from bench.driver import Context, Request, Scenario

DEEP_ROWS = 500_000  # the deep page starts after this many rows (or after 90 % of a smaller data set)
SAMPLE = 20_000
SEARCH_BOX_LIMIT = "8"  # the suggestions the search box shows as people type
FIRST_PAGE = Request("GET", "/api/v1/customers?limit=50")
# Stage + tag pairs the list filters on: common and rare ones.
FILTERS = [("client", "vip"), ("prospect", "newsletter"), ("repeat", "عمده\u200cفروش"), ("first_time", "b2b"),
           ("advocate", "وفادار"), ("suspect", "instagram")]
# Name prefixes as people type them: Persian (some with Arabic yeh/kaf, which must still match), Latin.
PERSIAN_PREFIXES = ["علی", "محم", "رضای", "حسین", "مری", "سار", "كريم", "علي", "فاطمه", "نیک\u200cن", "شرکت پا",
                    "زهرا حس", "اصفه"]
LATIN_PREFIXES = ["sara", "john", "ali", "reza", "pars", "mar", "david", "nova"]
# What legitimately differs between the two targets' answers in the pre-run check.
VOLATILE_CREATE = frozenset({"id", "created_at", "updated_at", "stage_changed_at", "emails", "phones",
                             "primary_email", "primary_phone"})
VOLATILE_PATCH = frozenset({"updated_at", "version"})  # both patch the same row: the second one's version is +1
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_writes = itertools.count(1)  # one sequence per driver process: unique values across loops and targets


def _list(params: list[tuple[str, str]]) -> Request:
    return Request("GET", "/api/v1/customers?" + urlencode(params, quote_via=quote))


async def prepare(db: asyncpg.Connection, ctx: Context) -> None:
    """Once per run: sample ids and phones, the deep cursor and the requests built from them."""
    if "customer_ids" in ctx.data:
        return
    global _writes
    # On a reused database, carry on after the writes of earlier runs (their e-mails and phones exist).
    last = await db.fetchval("SELECT max(e164) FROM customer_phone WHERE e164 >= $1 AND e164 < $2",
                             WRITE_PREFIX, WRITE_PREFIX[:-1] + chr(ord(WRITE_PREFIX[-1]) + 1))
    _writes = itertools.count(int(last[len(WRITE_PREFIX):]) + 1 if last else 1)
    from api.core.pagination import encode_cursor, parse_sort
    from api.customers.models import Customer
    from api.customers.router import SORTS  # type: ignore[attr-defined]

    total = await db.fetchval("SELECT count(*) FROM customer WHERE deleted_at IS NULL")
    if not total:
        raise RuntimeError("no customers seeded: run with --customers N")
    ids = [r["id"] for r in await db.fetch(
        "SELECT id FROM customer WHERE deleted_at IS NULL ORDER BY random() LIMIT $1", SAMPLE)]
    ctx.data["customer_ids"] = [str(i) for i in ids]
    phones = [r["e164"] for r in await db.fetch(
        "SELECT e164 FROM customer_phone ORDER BY random() LIMIT $1", 2_000)]
    # As typed in Persian digits, national form: ۰۹۱۲۳۴۵۶۷۸۹
    ctx.data["phone_searches"] = [_list([("limit", SEARCH_BOX_LIMIT), ("q", ("0" + p[3:]).translate(_PERSIAN_DIGITS))])
                                  for p in phones]
    depth = min(DEEP_ROWS, int(total * 0.9))
    sort = parse_sort(None, SORTS, Customer.id, "-created_at")  # the list's default order
    row = await db.fetchrow("SELECT created_at, id FROM customer WHERE deleted_at IS NULL "
                            "ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1", depth - 1)
    ctx.data["customers_deep_page"] = _list([("limit", "50"),
                                             ("cursor", encode_cursor(sort, [row["created_at"], row["id"]]))])
    ctx.data["filtered"] = [_list([("limit", "50"), ("stage", s), ("tag", t)]) for s, t in FILTERS]
    ctx.data["name_searches"] = [_list([("limit", SEARCH_BOX_LIMIT), ("q", q)])
                                 for q in PERSIAN_PREFIXES + LATIN_PREFIXES]
    ctx.data["search_pages"] = [_list([("limit", "50"), ("q", q)]) for q in PERSIAN_PREFIXES + LATIN_PREFIXES]
    ctx.data["gets"] = [Request("GET", f"/api/v1/customers/{i}") for i in ctx.data["customer_ids"]]


def first_page(rng: random.Random, ctx: Context) -> Request:
    return FIRST_PAGE


def deep_page(rng: random.Random, ctx: Context) -> Request:
    req: Request = ctx.data["customers_deep_page"]
    return req


def filtered(rng: random.Random, ctx: Context) -> Request:
    return rng.choice(ctx.data["filtered"])


def search_name(rng: random.Random, ctx: Context) -> Request:
    return rng.choice(ctx.data["name_searches"])


def search_page(rng: random.Random, ctx: Context) -> Request:
    return rng.choice(ctx.data["search_pages"])


def search_phone(rng: random.Random, ctx: Context) -> Request:
    return rng.choice(ctx.data["phone_searches"])


def get_by_id(rng: random.Random, ctx: Context) -> Request:
    return rng.choice(ctx.data["gets"])


def create(rng: random.Random, ctx: Context) -> Request:
    n = next(_writes)
    # Drawn like the seeded customers: writes heaping one name or tag on the newest rows would make every
    # newest-first list and search that skips them slower run after run on a kept database.
    kind, names, slug = random_name(rng)
    national = f"0{WRITE_PREFIX[3:]}{n:07d}"
    body = {
        "kind": kind, **names,
        "emails": [{"email": f"{slug}.{n}@writes.example.com", "label": "work"}],
        "phones": [{"number": national.translate(_PERSIAN_DIGITS) if n % 2 else national, "label": "mobile"}],
        "tags": random_tags(rng),
        "source_channel": "webform",
    }
    return Request("POST", "/api/v1/customers", body)


def patch(rng: random.Random, ctx: Context) -> Request:
    n = next(_writes)
    ids = ctx.data["customer_ids"]
    body = {"display_name": f"{rng.choice(['سارا', 'Sara', 'علی'])} {rng.choice(['کریمی', 'Novak'])} {n}"}
    return Request("PATCH", f"/api/v1/customers/{ids[n % len(ids)]}", body)


SCENARIOS = [
    Scenario("customers_first_page", first_page, "GET /api/v1/customers?limit=50 (newest first)", prepare),
    Scenario("customers_deep_page", deep_page,
             f"GET /api/v1/customers?limit=50&cursor=<after {DEEP_ROWS:,} rows>", prepare),
    Scenario("customers_filtered", filtered, "GET /api/v1/customers?limit=50&stage=S&tag=T", prepare),
    Scenario("customers_search_name", search_name,
             "GET /api/v1/customers?limit=8&q=<Persian or Latin name prefix> (the search box as people type)",
             prepare),
    Scenario("customers_search_phone", search_phone,
             "GET /api/v1/customers?limit=8&q=<mobile in Persian digits> (the search box)", prepare),
    Scenario("customers_search_page", search_page,
             "GET /api/v1/customers?limit=50&q=<name prefix> (the list after Enter in the search box)", prepare),
    Scenario("customers_get", get_by_id, "GET /api/v1/customers/{id}", prepare),
    Scenario("customers_create", create, "POST /api/v1/customers (unique e-mail and phone)", prepare,
             volatile=VOLATILE_CREATE, distinct_check=True),
    Scenario("customers_patch", patch, "PATCH /api/v1/customers/{id} {display_name}", prepare,
             volatile=VOLATILE_PATCH),
]
