"""Keyset pagination against the real database: every row exactly once, in order, stable under inserts."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from api.core.errors import ValidationFailed
from api.core.ids import new_id
from api.core.pagination import PageParams, encode_cursor, paginate, parse_sort
from api.users.models import User

SORTS = {"created_at": User.created_at, "email": User.email, "last_login_at": User.last_login_at}
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def _sort(value: str | None) -> Any:
    return parse_sort(value, SORTS, User.id, "created_at")


async def _walk(maker: Any, sort: str, limit: int = 2, stmt: Any = None) -> list[User]:
    """Every page of ``stmt`` in ``sort`` order, following next_cursor to the end."""
    key = _sort(sort)
    stmt = stmt if stmt is not None else select(User)
    seen: list[User] = []
    cursor = None
    for _ in range(1000):
        async with maker() as session:
            rows, cursor, _total = await paginate(session, stmt, key, PageParams(limit, cursor, False))
        assert len(rows) <= limit
        seen.extend(rows)
        if cursor is None:
            return seen
    raise AssertionError("pagination did not end")


async def _set(db: Any, user_id: uuid.UUID, **values: Any) -> None:
    await db(lambda s: s.execute(update(User).where(User.id == user_id).values(**values)))


def _expected(users: list[tuple[Any, uuid.UUID]], descending: bool) -> list[uuid.UUID]:
    """Rows in PostgreSQL's order: NULLs last ascending and first descending, the id breaking ties."""
    nulls = sorted((u for u in users if u[0] is None), key=lambda u: u[1], reverse=descending)
    values = sorted((u for u in users if u[0] is not None), key=lambda u: (u[0], u[1]), reverse=descending)
    ordered = nulls + values if descending else values + nulls
    return [u[1] for u in ordered]


@pytest.fixture
def add_user(db: Any) -> Any:
    """A user row straight into the table (no password hashing: these tests only list rows)."""

    async def factory(email: str | None = None) -> User:
        user = User(id=new_id(), email=email or f"u{uuid.uuid4().hex[:10]}@example.com", full_name="Pager",
                    password_hash="not-a-hash", role="sales", is_active=True, failed_logins=0)

        async def add(s: Any) -> User:
            s.add(user)
            await s.flush()
            return user

        return await db(add)

    return factory


@pytest.fixture
async def users(add_user: Any, db: Any) -> list[User]:
    """Seven users; created_at has ties (three share one instant) so the id must break them."""
    made = [await add_user(email=f"p{i}@example.com") for i in range(7)]
    stamps = [BASE, BASE + timedelta(minutes=1), BASE + timedelta(minutes=1), BASE + timedelta(minutes=1),
              BASE + timedelta(minutes=2), BASE + timedelta(minutes=3), BASE + timedelta(minutes=4)]
    for user, stamp in zip(made, stamps, strict=True):
        await _set(db, user.id, created_at=stamp)
        user.created_at = stamp
    return made


@pytest.mark.parametrize("sort", ["created_at", "-created_at", "email", "-email"])
async def test_walking_pages_of_two_returns_every_row_once_in_order(maker, users, sort):
    seen = await _walk(maker, sort)
    field = sort.lstrip("-")
    expected = _expected([(getattr(u, field), u.id) for u in users], sort.startswith("-"))
    assert [u.id for u in seen] == expected
    assert len(set(expected)) == len(users)


async def test_page_size_larger_than_the_table_has_no_next_cursor(maker, users):
    async with maker() as session:
        rows, cursor, total = await paginate(session, select(User), _sort(None), PageParams(50, None, False))
    assert len(rows) == len(users)
    assert cursor is None
    assert total is None


async def test_exactly_full_last_page_has_no_next_cursor(maker, add_user):
    for _ in range(4):
        await add_user()
    async with maker() as session:
        rows, cursor, _ = await paginate(session, select(User), _sort(None), PageParams(4, None, False))
    assert len(rows) == 4
    assert cursor is None


async def test_empty_table_gives_an_empty_page(maker):
    async with maker() as session:
        rows, cursor, total = await paginate(session, select(User), _sort(None), PageParams(2, None, True))
    assert rows == []
    assert cursor is None
    assert total == 0


async def test_rows_inserted_after_the_first_page_cause_no_duplicates(maker, users, add_user, db):
    key = _sort("created_at")
    async with maker() as session:
        first, cursor, _ = await paginate(session, select(User), key, PageParams(2, None, False))
    assert cursor is not None
    # One lands before the cursor (already passed, must not reappear), one after it (must be seen).
    early = await add_user(email="early@example.com")
    await _set(db, early.id, created_at=BASE - timedelta(days=1))
    late = await add_user(email="late@example.com")
    await _set(db, late.id, created_at=BASE + timedelta(days=1))
    seen = list(first)
    while cursor is not None:
        async with maker() as session:
            rows, cursor, _ = await paginate(session, select(User), key, PageParams(2, cursor, False))
        seen.extend(rows)
    ids = [u.id for u in seen]
    assert len(ids) == len(set(ids))
    assert set(ids) == {u.id for u in users} | {late.id}
    assert ids[-1] == late.id


async def test_include_total_counts_every_matching_row(maker, users):
    stmt = select(User).where(User.email.like("p%"))
    async with maker() as session:
        rows, cursor, total = await paginate(session, stmt, _sort(None), PageParams(2, None, True))
    assert total == len(users)
    assert len(rows) == 2
    assert cursor is not None


async def test_include_total_respects_filters(maker, users):
    stmt = select(User).where(User.email.in_(["p0@example.com", "p1@example.com", "p2@example.com"]))
    async with maker() as session:
        _, cursor, total = await paginate(session, stmt, _sort(None), PageParams(2, None, True))
        _, _, later_total = await paginate(session, stmt, _sort(None), PageParams(2, cursor, True))
    # The total is of the whole list, not what remains after the cursor.
    assert total == later_total == 3


def _craft(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "garbage",
    "!!!!",
    base64.urlsafe_b64encode(b"\xff\xfe\x00binary").decode(),
    _craft([1, 2]),
    _craft("just a string"),
    _craft({"s": "created_at"}),
    _craft({"s": "created_at", "v": 5}),
    _craft({"s": "created_at", "v": [{"dt": "not a date"}, {"u": str(uuid.uuid4())}]}),
    _craft({"s": "created_at", "v": [{"dt": "2026-01-01T00:00:00+00:00"}, {"u": "not-a-uuid"}]}),
    _craft({"s": "created_at", "v": [{"dt": "2026-01-01T00:00:00+00:00"}]}),
    _craft({"s": "created_at", "v": ["2026-01-01", "abc"]}),
    _craft({"s": "created_at", "v": [12345, {"u": str(uuid.uuid4())}]}),
    _craft({"s": "created_at", "v": [{"u": str(uuid.uuid4())}, {"u": str(uuid.uuid4())}]}),
    _craft({"s": "created_at", "v": [{"dt": "2026-01-01T00:00:00+00:00"}, {"n": "1.5"}]}),
    _craft({"s": "created_at", "v": [[1], {"u": str(uuid.uuid4())}]}),
])
async def test_tampered_or_garbage_cursor_is_a_422(maker, users, cursor):
    async with maker() as session:
        with pytest.raises(ValidationFailed) as caught:
            await paginate(session, select(User), _sort("created_at"), PageParams(2, cursor, False))
    assert caught.value.status == 422
    assert caught.value.extra["errors"][0]["loc"] == ["query", "cursor"]


async def test_cursor_from_another_sort_is_a_422(maker, users):
    async with maker() as session:
        _, cursor, _ = await paginate(session, select(User), _sort("email"), PageParams(2, None, False))
        assert cursor is not None
        for other in ("created_at", "-email"):
            with pytest.raises(ValidationFailed):
                await paginate(session, select(User), _sort(other), PageParams(2, cursor, False))


async def test_cursor_survives_the_round_trip_of_its_own_encoding(maker, users):
    key = _sort("created_at")
    target = sorted(users, key=lambda u: (u.created_at, u.id))[2]
    cursor = encode_cursor(key, [target.created_at, target.id])
    async with maker() as session:
        rows, _, _ = await paginate(session, select(User), key, PageParams(50, cursor, False))
    expected = [u.id for u in sorted(users, key=lambda u: (u.created_at, u.id))][3:]
    assert [u.id for u in rows] == expected


async def test_garbage_cursor_over_http_is_a_422_problem(client, admin_headers):
    r = await client.get("/api/v1/users", headers=admin_headers, params={"cursor": _craft({"s": "x", "v": []})})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["loc"] == ["query", "cursor"]


async def test_http_list_walks_every_user_once(client, admin_headers, users):
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2, "sort": "-created_at"}
    while True:
        r = await client.get("/api/v1/users", headers=admin_headers, params=params)
        assert r.status_code == 200, r.text
        seen.extend(item["id"] for item in r.json()["items"])
        if r.json()["next_cursor"] is None:
            break
        params["cursor"] = r.json()["next_cursor"]
    assert len(seen) == len(set(seen)) == len(users) + 1  # and the admin


# sort= -------------------------------------------------------------------------------------------

def test_parse_sort_rejects_unknown_fields_with_422():
    for bad in ("password_hash", "-password_hash", "created_at;drop", "--created_at", "+email"):
        with pytest.raises(ValidationFailed) as caught:
            _sort(bad)
        assert caught.value.status == 422
        err = caught.value.extra["errors"][0]
        assert err["loc"] == ["query", "sort"]
        assert "created_at" in err["msg"]


def test_parse_sort_reads_direction_and_adds_the_tiebreak():
    asc = _sort("email")
    assert not asc.descending
    assert [c.key for c in asc.columns] == ["email", "id"]
    desc = _sort("-email")
    assert desc.descending
    assert _sort(None).name == "created_at"
    assert _sort("").name == "created_at"


async def test_unknown_sort_over_http_is_a_422_problem(client, admin_headers):
    r = await client.get("/api/v1/users", headers=admin_headers, params={"sort": "password_hash"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "sort"]


# Nullable sort columns ---------------------------------------------------------------------------

@pytest.fixture
async def logins(users: list[User], db: Any) -> list[tuple[Any, uuid.UUID]]:
    """last_login_at for the seven users: three never logged in (NULL), two share an instant."""
    stamps = [None, BASE + timedelta(hours=1), None, BASE + timedelta(hours=1), BASE, None,
              BASE + timedelta(hours=2)]
    for user, stamp in zip(users, stamps, strict=True):
        await _set(db, user.id, last_login_at=stamp)
    return [(stamp, user.id) for user, stamp in zip(users, stamps, strict=True)]


@pytest.mark.parametrize("sort", ["last_login_at", "-last_login_at"])
@pytest.mark.parametrize("limit", [1, 2, 3])
async def test_nullable_sort_column_pages_through_every_row_once(maker, logins, sort, limit):
    seen = await _walk(maker, sort, limit=limit)
    assert [u.id for u in seen] == _expected(logins, sort.startswith("-"))


@pytest.mark.parametrize("sort", ["last_login_at", "-last_login_at"])
async def test_nullable_sort_column_when_every_value_is_null(maker, users, sort):
    seen = await _walk(maker, sort)
    assert [u.id for u in seen] == _expected([(None, u.id) for u in users], sort.startswith("-"))
