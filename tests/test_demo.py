"""``peyvand seed-demo``: a coherent demo company with customers on every rung, loaded once."""

from __future__ import annotations

from sqlalchemy import func, select

from api.core.audit import AuditEntry
from api.core.events import OutboxEvent
from api.customers.models import Customer, StageChange
from api.demo import DEMO_CUSTOMERS, seed_demo, seed_if_empty


async def test_seed_demo_loads_customers_on_every_rung_once(db, maker):
    first = await db(seed_demo)
    assert f"{DEMO_CUSTOMERS} new customers" in first
    async with maker() as s:
        stages = dict((await s.execute(select(Customer.stage, func.count()).group_by(Customer.stage))).all())
        assert set(stages) == {"suspect", "prospect", "first_time", "repeat", "client", "advocate", "partner",
                               "disqualified", "lapsed"}
        assert sum(stages.values()) == DEMO_CUSTOMERS
        owners = await s.scalar(select(func.count(func.distinct(Customer.owner_id))))
        assert owners >= 4
        persian = await s.scalar(select(func.count()).where(Customer.language == "fa"))
        assert 0 < persian < DEMO_CUSTOMERS
        assert await s.scalar(select(func.count()).where(Customer.lifetime_revenue > 0)) > 0
        assert await s.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.entity_type == "customer")) >= DEMO_CUSTOMERS
        assert await s.scalar(select(func.count()).select_from(OutboxEvent)
                              .where(OutboxEvent.type == "customer.created")) == DEMO_CUSTOMERS
        moves = await s.scalar(select(func.count()).select_from(StageChange))
    second = await db(seed_demo)
    assert "0 new users" in second and "0 new customers" in second
    async with maker() as s:
        assert await s.scalar(select(func.count()).select_from(Customer)) == DEMO_CUSTOMERS
        assert await s.scalar(select(func.count()).select_from(StageChange)) == moves


async def test_demo_customers_are_searchable_in_persian(client, db, login):
    await db(seed_demo)
    headers = await login("manager@demo.example.com", "peyvand-demo-1234")
    r = await client.get("/api/v1/customers", params={"q": "علي"}, headers=headers)
    assert r.status_code == 200 and r.json()["items"]


async def test_run_offers_the_demo_only_on_an_empty_database(db, maker):
    hint = await db(lambda s: seed_if_empty(s, False))
    assert "peyvand seed-demo" in hint
    async with maker() as s:
        assert await s.scalar(select(func.count()).select_from(Customer)) == 0
    loaded = await db(lambda s: seed_if_empty(s, True))
    assert "Demo data ready" in loaded
    assert await db(lambda s: seed_if_empty(s, True)) == ""
