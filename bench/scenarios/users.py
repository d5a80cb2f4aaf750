"""Users: the caller's profile and the user list, first page and a page deep in the keyset order."""

from __future__ import annotations

import random
from urllib.parse import urlencode

import asyncpg

from bench.driver import Context, Request, Scenario

DEEP_FRACTION = 0.9  # the deep page starts after 90 % of the users


ME = Request("GET", "/api/v1/me")
FIRST_PAGE = Request("GET", "/api/v1/users?limit=50")


def me(rng: random.Random, ctx: Context) -> Request:
    return ME


def users_first_page(rng: random.Random, ctx: Context) -> Request:
    return FIRST_PAGE


async def prepare_deep_cursor(db: asyncpg.Connection, ctx: Context) -> None:
    # The cursor the API itself would hand out after the row at that depth, made by the API's own codec.
    from api.core.pagination import encode_cursor, parse_sort
    from api.users.models import User
    from api.users.router import USER_SORTS

    depth = max(0, int(ctx.users * DEEP_FRACTION) - 1)
    row = await db.fetchrow('SELECT created_at, id FROM "user" ORDER BY created_at, id OFFSET $1 LIMIT 1', depth)
    if row is None:
        raise RuntimeError("no users to page through")
    sort = parse_sort(None, USER_SORTS, User.id, "created_at")
    cursor = encode_cursor(sort, [row["created_at"], row["id"]])
    ctx.data["users_deep_page"] = Request("GET", f"/api/v1/users?{urlencode({'limit': 50, 'cursor': cursor})}")


def users_deep_page(rng: random.Random, ctx: Context) -> Request:
    req: Request = ctx.data["users_deep_page"]
    return req


SCENARIOS = [
    Scenario("me", me, "GET /api/v1/me"),
    Scenario("users_first_page", users_first_page, "GET /api/v1/users?limit=50"),
    Scenario("users_deep_page", users_deep_page, f"GET /api/v1/users?limit=50&cursor=<after {DEEP_FRACTION:.0%}>",
             prepare=prepare_deep_cursor),
]
