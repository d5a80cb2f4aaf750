"""Customer value: revenue as facts arrive, RFM and key customers ranked against the base, and the
relationship strategy Kotler's matrix recommends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from api.core.access import Role
from api.core.audit import AuditEntry
from api.customers import jobs, ladder, value
from api.customers.models import Customer

C = "/api/v1/customers"


@pytest.fixture
async def rep(make_user, make_team, login):
    user = await make_user(Role.sales, team_id=(await make_team("Sales")).id)
    return user, await login(user)


def ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


async def new_customer(client, headers, name="Sara", **body):
    r = await client.post(C, json={"first_name": name, "stage": "prospect", **body}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def buy(db, settings, customer_id, ref, amount, margin=None, days_ago=0.0):
    return await db(lambda s: ladder.record_fact(
        s, customer_id, "purchase", ref, amount=Decimal(amount), margin=None if margin is None else Decimal(margin),
        occurred_at=ago(days_ago), settings=settings))


async def rank(maker, settings, **cfg):
    return await jobs.rank_customers({"sessionmaker": maker, "redis": None,
                                      "settings": settings.model_copy(update=cfg)})


async def scores(db, customer_id):
    c = await db(lambda s: s.get(Customer, customer_id))
    return (c.rfm_recency, c.rfm_frequency, c.rfm_monetary), c.is_key, c.key_reasons


# --- Kotler's matrix: one test per cell ------------------------------------------------------------------

@pytest.mark.parametrize(("customers", "margin", "expected"), [
    ("many", "high", "reactive"),
    ("many", "medium", "reactive"),
    ("many", "low", "basic"),
    ("medium", "high", "accountable"),
    ("medium", "medium", "reactive"),
    ("medium", "low", "reactive"),
    ("few", "high", "partnership"),
    ("few", "medium", "proactive"),
    ("few", "low", "accountable"),
])
def test_strategy_matrix_cell(customers, margin, expected):
    assert value.recommend_strategy(margin, customers) == expected


def test_margin_and_count_levels_follow_the_settings(settings):
    cfg = settings.model_copy(update={"strategy_high_margin_pct": 30, "strategy_low_margin_pct": 10,
                                      "strategy_many_customers": 1000, "strategy_few_customers": 100})
    assert [value.margin_level(Decimal(p), cfg) for p in ("30", "29.99", "10", "9.99")] == \
        ["high", "medium", "medium", "low"]
    assert value.margin_level(None, cfg) == "medium"
    assert [value.count_level(n, cfg) for n in (1000, 999, 100, 99)] == ["many", "medium", "medium", "few"]


# --- Value as facts arrive -----------------------------------------------------------------------------

async def test_purchases_add_up_to_lifetime_value_and_average_order(client, rep, db, settings):
    _, headers = rep
    cid = await new_customer(client, headers)
    await buy(db, settings, cid, "invoice:2", "3000000", margin="600000", days_ago=3)
    await buy(db, settings, cid, "invoice:1", "1000000", days_ago=40)  # delivered late, no margin given
    body = (await client.get(f"{C}/{cid}/value", headers=headers)).json()
    assert body["lifetime_revenue"] == "4000000.00" and body["purchase_count"] == 2
    assert body["average_order"] == "2000000.00" and body["margin"] == "600000.00" and body["currency"] == "IRR"
    assert body["first_purchase_at"] < body["last_purchase_at"]
    assert body["last_purchase_at"].startswith(ago(3).date().isoformat())
    # Just bought: nobody in the base bought more recently; frequency and monetary wait for the ranking.
    assert body["rfm_recency"] == 5 and body["rfm_frequency"] is None


async def test_no_purchases_no_average(client, rep):
    _, headers = rep
    cid = await new_customer(client, headers)
    body = (await client.get(f"{C}/{cid}/value", headers=headers)).json()
    assert body["purchase_count"] == 0 and body["average_order"] is None and body["lifetime_revenue"] == "0.00"


async def test_referrals_and_suggestions_make_an_ideas_key_customer_at_once(client, rep, db, settings):
    _, headers = rep
    cid = await new_customer(client, headers)
    for kind, ref in (("referral", "customer:1"), ("suggestion", "feedback:1")):
        await db(lambda s, k=kind, r=ref: ladder.record_fact(s, cid, k, r, occurred_at=ago(1), settings=settings))
    assert (await scores(db, cid))[1:] == (False, [])
    await db(lambda s: ladder.record_fact(s, cid, "referral", "customer:2", occurred_at=ago(0), settings=settings))
    assert (await scores(db, cid))[1:] == (True, ["ideas"])


async def test_a_long_active_relationship_makes_a_loyal_key_customer(client, rep, db, settings, maker):
    _, headers = rep
    loyal = await new_customer(client, headers)
    await buy(db, settings, loyal, "invoice:1", "100", days_ago=4 * 365)
    assert (await scores(db, loyal))[2] == []  # bought once, long ago: lapsed in spirit, not loyal
    await buy(db, settings, loyal, "invoice:2", "100", days_ago=1)
    assert (await scores(db, loyal))[1:] == (True, ["loyalty"])
    # Once lapsed, the nightly ranking takes the flag away.
    await jobs.lapse_customers({"sessionmaker": maker, "redis": None,
                                "settings": settings.model_copy(update={"ladder_lapse_days": 0})})
    await rank(maker, settings)
    # (The only buyer of the base is still its most profitable one.)
    assert (await scores(db, loyal))[2] == ["profitability"]


# --- The nightly ranking -------------------------------------------------------------------------------

async def test_rfm_scores_and_the_80_20_rule_on_a_small_base(client, rep, db, settings, maker):
    _, headers = rep
    # Five buyers: the later in the list, the more recent, frequent and valuable; margins 5/5/10/30/50.
    ids = [await new_customer(client, headers, name=f"C{i}") for i in range(5)]
    margins = ["5", "5", "10", "30", "50"]
    for i, cid in enumerate(ids):
        for n in range(i + 1):
            await buy(db, settings, cid, f"{i}:{n}", str(100 * (i + 1)), margin=margins[i] if n == 0 else "0",
                      days_ago=50 - 10 * i + n * 0.01)
    never = await new_customer(client, headers, name="Never")
    assert await rank(maker, settings) >= 5
    got = [await scores(db, cid) for cid in ids]
    assert [g[0] for g in got] == [(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4), (5, 5, 5)]
    # 50 + 30 = 80 of 100: the two best customers make 80 % of the margin.
    assert [g[2] for g in got] == [[], [], [], ["profitability"], ["profitability"]]
    assert await scores(db, never) == ((None, None, None), False, [])
    # Nothing changed since: a second run touches no row and writes no audit entry.
    audits = await db(lambda s: s.scalars(
        select(AuditEntry).where(AuditEntry.action == "update", AuditEntry.changes.has_key("is_key"))))
    assert {str(a.entity_id) for a in audits.all()} == set(ids[3:])
    assert await rank(maker, settings) == 0


async def test_equal_customers_share_an_rfm_score(client, rep, db, settings, maker):
    _, headers = rep
    same = [await new_customer(client, headers, name=f"S{i}") for i in range(4)]
    for i, cid in enumerate(same):
        await buy(db, settings, cid, f"s:{i}", "100", days_ago=10)
    big = await new_customer(client, headers, name="Big")
    for n in range(3):
        await buy(db, settings, big, f"b:{n}", "1000", days_ago=10 - n)
    await rank(maker, settings)
    assert {(await scores(db, cid))[0][1:] for cid in same} == {(1, 1)}
    assert (await scores(db, big))[0][1:] == (5, 5)


async def test_the_ranking_with_nobody_buying_changes_nothing(client, rep, maker, settings, db):
    _, headers = rep
    cid = await new_customer(client, headers)
    assert await rank(maker, settings) == 0
    assert await scores(db, cid) == ((None, None, None), False, [])


# --- Strategy ------------------------------------------------------------------------------------------

async def test_strategy_for_a_few_high_margin_customers_is_partnership(client, rep, db, settings):
    _, headers = rep
    cid = await new_customer(client, headers, importance_tier="A")
    await buy(db, settings, cid, "invoice:1", "1000", margin="400")
    body = (await client.get(f"{C}/{cid}/strategy", headers=headers)).json()
    assert body["margin_rate_pct"] == "40.00" and body["margin_level"] == "high"
    assert body["segment_size"] == 1 and body["customer_count_level"] == "few"
    assert body["recommended"] == "partnership" and body["effective"] == "partnership" and body["override"] is None


async def test_an_override_wins_over_the_recommendation(client, rep, db, settings):
    _, headers = rep
    cid = await new_customer(client, headers, strategy_override="basic")
    await buy(db, settings, cid, "invoice:1", "1000", margin="50")
    body = (await client.get(f"{C}/{cid}/strategy", headers=headers)).json()
    assert body["margin_level"] == "low" and body["recommended"] == "accountable"
    assert body["effective"] == "basic" and body["override"] == "basic"
