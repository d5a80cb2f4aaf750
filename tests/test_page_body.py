"""A page written straight from database rows (api.core.responses.rows_page_body) is byte for byte what
pydantic writes for the same rows through the schema, on awkward values."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from api.core.access import Principal, Role, Visibility, scope_values
from api.core.pagination import Page, PageParams, paginate_shaped, parse_sort
from api.core.responses import rows_page_body
from api.core.sql import driver
from api.customers.models import Customer
from api.customers.repository import SUMMARY_COLUMNS
from api.customers.schemas import CustomerSummary
from api.users.models import User
from api.users.schemas import UserRead
from api.users.service import UserFilters, users_list, users_shape

AWKWARD = ['say "hi"', "back\\slash", "line\nbreak\ttab\rcr", "\x01\x1f\x7f control", "علی\u200cرضا «کریمی»",
           "emoji 🙂 and \u2028 separator", "'quoted'", "</script>"]


async def test_a_page_of_rows_is_written_as_pydantic_writes_the_schema(
        client: Any, admin_headers: dict[str, str], maker: Any) -> None:
    for i, name in enumerate(AWKWARD):
        body: dict[str, Any] = {"display_name": name, "tags": [name, f"t{i}"] if i % 2 else [],
                                "importance_tier": "A" if i % 3 else None}
        if i % 2:
            body |= {"kind": "organization", "organization_name": name, "emails": [{"email": f"x{i}@example.com"}]}
        r = await client.post("/api/v1/customers", json=body, headers=admin_headers)
        assert r.status_code == 201, r.text
    async with maker() as session:
        db = await driver(session)
        # Whole seconds, a whole-second fraction, revenue with cents and a large one: as pydantic writes them.
        await db.execute("UPDATE customer SET created_at = date_trunc('second', created_at), "
                         "lifetime_revenue = 123456789012345678.90 WHERE display_name = $1", AWKWARD[0])
        await db.execute("UPDATE customer SET updated_at = '2026-01-02T03:04:05.5+03:30', "
                         "lifetime_revenue = 0.05 WHERE display_name = $1", AWKWARD[1])
        sort = parse_sort(None, {"created_at": Customer.created_at}, Customer.id, "-created_at")
        cursor: str | None = None
        for limit in (3, 3, 3):
            rows, cursor, total = await paginate_shaped(
                db, ("page-body-test",), lambda: select(*SUMMARY_COLUMNS).where(Customer.deleted_at.is_(None)),
                {}, sort, PageParams(limit, cursor, include_total=True))
            expected = Page[CustomerSummary].model_validate(
                {"items": [dict(r) for r in rows], "next_cursor": cursor, "total": total}).model_dump_json()
            assert rows_page_body(rows, CustomerSummary, cursor, total) == expected.encode()
    assert cursor is None  # the three pages held all eight


def test_a_value_of_a_type_it_does_not_know_is_refused() -> None:
    with pytest.raises(TypeError):
        rows_page_body([{name: object() for name in CustomerSummary.model_fields}], CustomerSummary, None, None)



async def test_a_page_of_users_is_written_as_pydantic_writes_the_schema(
        make_user: Any, admin: Any, maker: Any) -> None:
    names = [AWKWARD[0], AWKWARD[1], AWKWARD[4], AWKWARD[5]]
    for i, name in enumerate(names):
        await make_user(email=f"awkward{i}@example.com", full_name=name, role=[Role.sales, Role.viewer][i % 2])
    sort = parse_sort(None, {"created_at": User.created_at}, User.id, "created_at")
    principal = Principal(user_id=admin.id, role=Role.admin, team_id=None, team_ids=())
    async with maker() as session:
        db = await driver(session)
        shape, values = users_shape(UserFilters(role=[Role.sales, Role.viewer]))
        rows, cursor, total = await paginate_shaped(
            db, ("page-body-users", shape), lambda: users_list(Visibility.all, shape),
            {**values, **scope_values(principal)}, sort, PageParams(3, None, include_total=True))
    assert len(rows) == 3 and cursor is not None and total == len(names)
    expected = Page[UserRead].model_validate({"items": [dict(r) for r in rows], "next_cursor": cursor, "total": total})
    assert rows_page_body(rows, UserRead, cursor, total) == expected.model_dump_json().encode()
