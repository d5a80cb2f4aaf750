"""The customer ladder: moves by hand under rules, moves on facts, lapsing and win-back, all recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from helpers import assert_problem
from sqlalchemy import select, update

from api.core.access import Role
from api.core.audit import AuditEntry
from api.core.events import OutboxEvent
from api.core.events.relay import relay_batch
from api.core.queue import transaction
from api.customers import jobs, ladder
from api.customers.models import Customer, CustomerFact, StageChange

C = "/api/v1/customers"


def ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


async def new_customer(client, headers, stage="prospect", **body):
    r = await client.post(C, json={"first_name": "Sara", "stage": stage, **body}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def move(client, headers, customer_id, stage, reason=None, **extra_headers):
    body = {"stage": stage, **({"reason": reason} if reason else {})}
    return await client.post(f"{C}/{customer_id}/stage", json=body, headers={**headers, **extra_headers})


async def purchase(client, headers, customer_id, ref, amount="1000000.00", days_ago=0.0, **extra):
    body = {"kind": "purchase", "ref": ref, "amount": amount, "occurred_at": ago(days_ago).isoformat(), **extra}
    return await client.post(f"{C}/{customer_id}/facts", json=body, headers=headers)


async def fact(db, settings, customer_id, kind, ref, days_ago=0.0, amount=None, **cfg):
    """Feed a fact through the service, as other domains (invoices, contracts, feedback) will."""
    amount = Decimal(amount) if amount is not None else (Decimal("500000") if kind == "purchase" else None)
    return await db(lambda s: ladder.record_fact(
        s, customer_id, kind, ref, amount=amount, occurred_at=ago(days_ago),
        settings=settings.model_copy(update=cfg) if cfg else settings))


async def stage_of(db, customer_id) -> tuple[str, str | None]:
    c = await db(lambda s: s.get(Customer, customer_id))
    return c.stage, c.lapsed_from


async def history(client, headers, customer_id):
    return (await client.get(f"{C}/{customer_id}/stage-history", headers=headers)).json()


# --- Facts move customers up ---------------------------------------------------------------------------

async def test_first_paid_invoice_moves_prospect_to_first_time(client, rep_a):
    user, headers = rep_a
    c = await new_customer(client, headers)
    r = await purchase(client, headers, c["id"], "invoice:1", amount="2500000.00")
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "purchase" and r.json()["amount"] == "2500000.00" and r.json()["currency"] == "IRR"
    got = (await client.get(f"{C}/{c['id']}", headers=headers)).json()
    assert got["stage"] == "first_time"
    assert got["purchase_count"] == 1 and got["lifetime_revenue"] == "2500000.00"
    latest = (await history(client, headers, c["id"]))[0]
    assert (latest["from_stage"], latest["to_stage"], latest["cause"]) == ("prospect", "first_time", "purchase")
    assert latest["actor_user_id"] == str(user.id) and "invoice:1" in latest["reason"]


async def test_second_paid_invoice_moves_customer_to_repeat(client, rep_a, db, settings):
    _, headers = rep_a
    c = await new_customer(client, headers)
    await fact(db, settings, c["id"], "purchase", "invoice:1", days_ago=10)
    assert (await stage_of(db, c["id"]))[0] == "first_time"
    result = await fact(db, settings, c["id"], "purchase", "invoice:2")
    assert result.recorded and result.customer.stage == "repeat" and result.customer.purchase_count == 2
    assert [h["to_stage"] for h in await history(client, headers, c["id"])] == ["repeat", "first_time", "prospect"]


async def test_regular_purchases_within_the_window_make_a_client(client, rep_a, db, settings):
    _, headers = rep_a
    regular = await new_customer(client, headers)
    occasional = await new_customer(client, headers, first_name="Reza")
    cfg = {"ladder_client_purchases": 3, "ladder_client_window_days": 90}
    for i, days in enumerate((60, 30, 1)):
        await fact(db, settings, regular["id"], "purchase", f"r:{i}", days_ago=days, **cfg)
    for i, days in enumerate((300, 200, 1)):  # three purchases, but not within 90 days
        await fact(db, settings, occasional["id"], "purchase", f"o:{i}", days_ago=days, **cfg)
    assert (await stage_of(db, regular["id"]))[0] == "client"
    assert (await stage_of(db, occasional["id"]))[0] == "repeat"


async def test_an_active_contract_makes_a_client_and_praise_an_advocate(client, rep_a, db, settings):
    _, headers = rep_a
    c = await new_customer(client, headers)
    await fact(db, settings, c["id"], "contract_activated", "contract:7")
    assert (await stage_of(db, c["id"]))[0] == "client"
    await fact(db, settings, c["id"], "praise", "feedback:3")
    assert (await stage_of(db, c["id"]))[0] == "advocate"
    referrer = await new_customer(client, headers, first_name="Neda", stage="suspect")
    await fact(db, settings, referrer["id"], "referral", "customer:abc")
    assert (await stage_of(db, referrer["id"]))[0] == "advocate"


async def test_automatic_moves_never_move_a_customer_down(client, rep_a, db, settings):
    _, headers = rep_a
    c = await new_customer(client, headers)
    assert (await move(client, headers, c["id"], "partner", "Joint venture signed")).status_code == 200
    await fact(db, settings, c["id"], "purchase", "invoice:1")
    await fact(db, settings, c["id"], "referral", "customer:1")
    await fact(db, settings, c["id"], "contract_activated", "contract:1")
    assert (await stage_of(db, c["id"]))[0] == "partner"
    assert [h["cause"] for h in await history(client, headers, c["id"])] == ["manual", "created"]


async def test_a_fact_delivered_twice_counts_once(client, rep_a, rep_b):
    _, headers = rep_a
    c = await new_customer(client, headers)
    first = await purchase(client, headers, c["id"], "shop-order:42", amount="700.00")
    again = await purchase(client, headers, c["id"], "shop-order:42", amount="700.00")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    got = (await client.get(f"{C}/{c['id']}", headers=headers)).json()
    assert got["purchase_count"] == 1 and got["lifetime_revenue"] == "700.00" and got["stage"] == "first_time"
    # The same reference for someone else is a mistake in the sending system, not a second purchase.
    other = await new_customer(client, headers, first_name="Other")
    assert_problem(await purchase(client, headers, other["id"], "shop-order:42"), 409)


async def test_a_purchase_requalifies_a_disqualified_customer_but_praise_does_not(client, rep_a, db, settings):
    _, headers = rep_a
    c = await new_customer(client, headers)
    assert (await move(client, headers, c["id"], "disqualified", "Low credit")).status_code == 200
    await fact(db, settings, c["id"], "praise", "feedback:1")
    assert (await stage_of(db, c["id"]))[0] == "disqualified"
    await fact(db, settings, c["id"], "purchase", "invoice:1")
    assert (await stage_of(db, c["id"]))[0] == "first_time"
    latest = (await history(client, headers, c["id"]))[0]
    assert (latest["from_stage"], latest["cause"], latest["reason"]) == ("disqualified", "purchase", "invoice:1")


async def test_bad_facts_are_refused_and_record_nothing(client, rep_a, db):
    _, headers = rep_a
    c = await new_customer(client, headers)
    url = f"{C}/{c['id']}/facts"
    now = datetime.now(UTC).isoformat()
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    for body in (
        {"kind": "purchase", "ref": "x", "occurred_at": now},                                   # no amount
        {"kind": "purchase", "ref": "x", "amount": "5", "currency": "EUR", "occurred_at": now},  # other currency
        {"kind": "purchase", "ref": "x", "amount": "5", "occurred_at": "2026-01-01T10:00:00"},   # no time zone
        {"kind": "purchase", "ref": "x", "amount": "5", "occurred_at": later},                    # in the future
        {"kind": "gift", "ref": "x", "occurred_at": now},
        {"kind": "purchase", "ref": "x", "amount": "-5", "occurred_at": now},
    ):
        assert_problem(await client.post(url, json=body, headers=headers), 422)
    assert (await db(lambda s: s.scalars(select(CustomerFact)))).all() == []


# --- Moves by hand -------------------------------------------------------------------------------------

async def test_one_rung_up_by_hand_returns_the_customer_with_a_new_etag(client, rep_a, db):
    _, headers = rep_a
    c = await new_customer(client, headers, stage="suspect")
    before = (await client.get(f"{C}/{c['id']}", headers=headers)).headers["etag"]
    r = await move(client, headers, c["id"], "prospect", **{"If-Match": before})
    assert r.status_code == 200, r.text
    assert r.json()["stage"] == "prospect" and r.headers["etag"] != before
    assert_problem(await move(client, headers, c["id"], "first_time", **{"If-Match": before}), 412)
    # Moving to the rung it is on changes nothing.
    same = await move(client, headers, c["id"], "prospect")
    assert same.status_code == 200 and same.headers["etag"] == r.headers["etag"]


@pytest.mark.parametrize(("start", "to", "reason", "field"), [
    ("prospect", "disqualified", None, "reason"),         # disqualifying needs a reason
    ("first_time", "disqualified", "Unprofitable", "stage"),  # only suspects and prospects
    ("suspect", "advocate", None, "reason"),              # skipping rungs needs a reason
    ("repeat", "prospect", None, "reason"),               # moving down needs a reason
    ("prospect", "lapsed", None, "stage"),                # only buyers lapse
    ("disqualified", "prospect", None, "reason"),         # requalifying needs a reason
])
async def test_manual_moves_that_break_the_rules_are_refused(client, rep_a, start, to, reason, field):
    _, headers = rep_a
    c = await new_customer(client, headers, stage="prospect" if start != "suspect" else "suspect")
    if start not in ("prospect", "suspect"):
        assert (await move(client, headers, c["id"], start, "setting up the test")).status_code == 200
    body = assert_problem(await move(client, headers, c["id"], to, reason), 422, "invalid-stage-move")
    assert body["errors"][0]["loc"] == ["body", field]
    assert (await client.get(f"{C}/{c['id']}", headers=headers)).json()["stage"] == start


async def test_rule_breaking_moves_pass_with_a_reason(client, rep_a):
    _, headers = rep_a
    c = await new_customer(client, headers, stage="suspect")
    assert (await move(client, headers, c["id"], "advocate", "Referred three friends before buying")).status_code == 200
    assert (await move(client, headers, c["id"], "repeat", "Entered by mistake")).status_code == 200


async def test_manual_lapse_remembers_the_rung_and_win_back_returns_to_it(client, rep_a):
    _, headers = rep_a
    c = await new_customer(client, headers)
    await move(client, headers, c["id"], "client", "Long-standing buyer entered late")
    lapsed = (await move(client, headers, c["id"], "lapsed")).json()
    assert lapsed["stage"] == "lapsed" and lapsed["lapsed_from"] == "client"
    assert_problem(await move(client, headers, c["id"], "advocate"), 422, "invalid-stage-move")
    back = (await move(client, headers, c["id"], "client")).json()
    assert back["stage"] == "client" and back["lapsed_from"] is None
    await move(client, headers, c["id"], "lapsed")
    elsewhere = await move(client, headers, c["id"], "first_time", "Starting over after a long break")
    assert elsewhere.status_code == 200 and elsewhere.json()["stage"] == "first_time"


async def test_a_manual_move_is_audited_and_emits_stage_changed(client, rep_a, db):
    user, headers = rep_a
    c = await new_customer(client, headers)
    await move(client, headers, c["id"], "disqualified", "Low credit")
    entries = (await db(lambda s: s.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == c["id"], AuditEntry.action == "update")))).all()
    assert [e.changes["stage"] for e in entries] == [["prospect", "disqualified"]]
    assert entries[0].actor_user_id == user.id
    events = (await db(lambda s: s.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "customer.stage_changed")))).all()
    assert len(events) == 1
    payload = events[0].payload
    assert (payload["from_stage"], payload["to_stage"], payload["cause"]) == ("prospect", "disqualified", "manual")
    assert payload["id"] == c["id"] and payload["stage"] == "disqualified" and payload["reason"] == "Low credit"
    assert payload["display_name"] == "Sara" and "emails" in payload


async def test_another_teams_rep_cannot_move_or_feed_my_customer(client, rep_a, rep_b, db):
    _, headers_a = rep_a
    _, headers_b = rep_b
    c = await new_customer(client, headers_a)
    assert_problem(await move(client, headers_b, c["id"], "first_time"), 404)
    assert_problem(await purchase(client, headers_b, c["id"], "invoice:1"), 404)
    assert_problem(await client.get(f"{C}/{c['id']}/value", headers=headers_b), 404)
    assert_problem(await client.get(f"{C}/{c['id']}/strategy", headers=headers_b), 404)
    assert await stage_of(db, c["id"]) == ("prospect", None)
    assert (await db(lambda s: s.scalars(select(CustomerFact)))).all() == []


async def test_a_viewer_may_not_move_customers(client, rep_a, make_user, org, login):
    _, headers = rep_a
    c = await new_customer(client, headers)
    viewer = await login(await make_user(Role.viewer, team_id=org["a"].id))
    assert_problem(await move(client, viewer, c["id"], "first_time"), 403)
    assert_problem(await purchase(client, viewer, c["id"], "invoice:1"), 403)


# --- Lapsing and win-back ------------------------------------------------------------------------------

async def run_lapse(maker, settings, **cfg):
    return await jobs.lapse_customers({"sessionmaker": maker, "redis": None,
                                       "settings": settings.model_copy(update=cfg)})


async def test_lapse_job_moves_only_stale_buyers_and_is_idempotent(client, rep_a, db, maker, settings):
    _, headers = rep_a
    stale = [await new_customer(client, headers, first_name=f"Stale{i}") for i in range(3)]
    fresh = await new_customer(client, headers, first_name="Fresh")
    never = await new_customer(client, headers, first_name="Never", stage="suspect")
    for i, c in enumerate(stale):
        await fact(db, settings, c["id"], "purchase", f"old:{i}", days_ago=400)
    await fact(db, settings, stale[1]["id"], "purchase", "old:1b", days_ago=390)  # now repeat
    await fact(db, settings, fresh["id"], "purchase", "new:1", days_ago=5)
    assert await run_lapse(maker, settings, ladder_lapse_days=365, ladder_batch_size=2) == 3
    assert await run_lapse(maker, settings, ladder_lapse_days=365, ladder_batch_size=2) == 0
    assert await stage_of(db, stale[0]["id"]) == ("lapsed", "first_time")
    assert await stage_of(db, stale[1]["id"]) == ("lapsed", "repeat")
    assert (await stage_of(db, fresh["id"]))[0] == "first_time"
    assert (await stage_of(db, never["id"]))[0] == "suspect"
    moves = (await db(lambda s: s.scalars(select(StageChange).where(StageChange.cause == "lapse")))).all()
    assert sorted(str(m.customer_id) for m in moves) == sorted(c["id"] for c in stale)
    assert all(m.actor_user_id is None and m.reason is None for m in moves)  # the cause says why
    audited = (await db(lambda s: s.scalars(select(AuditEntry).where(AuditEntry.changes.has_key("lapsed_from"))))).all()
    assert {str(a.entity_id) for a in audited} == {c["id"] for c in stale}
    lapsed_events = (await db(lambda s: s.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "customer.lapsed")))).all()
    assert len(lapsed_events) == 3 and {e.payload["stage"] for e in lapsed_events} == {"lapsed"}
    # The bulk UPDATE bumped the row version, so an ETag read before the lapse is stale.
    got = await client.get(f"{C}/{stale[0]['id']}", headers=headers)
    assert got.json()["stage"] == "lapsed" and got.json()["version"] > 1


async def test_a_purchase_by_a_lapsed_customer_wins_them_back_to_their_rung(client, rep_a, db, maker, settings):
    _, headers = rep_a
    c = await new_customer(client, headers)
    await move(client, headers, c["id"], "advocate", "Recommended us on the radio")
    await move(client, headers, c["id"], "lapsed")
    # An old invoice delivered late says nothing about today.
    await fact(db, settings, c["id"], "purchase", "invoice:old", days_ago=500, ladder_lapse_days=180)
    assert await stage_of(db, c["id"]) == ("lapsed", "advocate")
    await fact(db, settings, c["id"], "purchase", "invoice:new")
    assert await stage_of(db, c["id"]) == ("advocate", None)
    latest = (await history(client, headers, c["id"]))[0]
    assert (latest["from_stage"], latest["cause"]) == ("lapsed", "win_back")


async def test_win_back_goes_higher_when_the_purchase_earns_more(client, rep_a, db, settings):
    _, headers = rep_a
    c = await new_customer(client, headers)
    await fact(db, settings, c["id"], "purchase", "invoice:1", days_ago=30)
    await move(client, headers, c["id"], "lapsed")
    await fact(db, settings, c["id"], "purchase", "invoice:2")
    assert await stage_of(db, c["id"]) == ("repeat", None)


async def test_other_domains_can_move_a_customer_loaded_without_its_children(client, rep_a, db):
    _, headers = rep_a
    c = await new_customer(client, headers, emails=[{"email": "sara@example.com"}])

    async def promote(s):
        customer = await s.get(Customer, c["id"])  # as another domain would load it
        return await ladder.move(s, None, customer, "first_time", cause="test", reason="by another domain")

    change = await db(promote)
    assert change.actor_user_id is None and change.from_stage == "prospect"

    async def again(s):
        return await ladder.move(s, None, await s.get(Customer, c["id"]), "first_time", cause="test")

    assert await db(again) is None  # already there: nothing recorded, nothing emitted
    event = (await db(lambda s: s.scalars(
        select(OutboxEvent).where(OutboxEvent.type == "customer.stage_changed")))).one()
    assert event.payload["emails"][0]["email"] == "sara@example.com" and event.payload["cause"] == "test"


async def test_recorded_facts_can_be_listed_and_read(client, rep_a, rep_b):
    _, headers = rep_a
    c = await new_customer(client, headers)
    first = await purchase(client, headers, c["id"], "invoice:1", days_ago=2)
    assert first.headers["location"] == f"{C}/{c['id']}/facts/{first.json()['id']}"
    await client.post(f"{C}/{c['id']}/facts", json={"kind": "praise", "ref": "feedback:1",
                                                    "occurred_at": ago(1).isoformat()}, headers=headers)
    listed = (await client.get(f"{C}/{c['id']}/facts", headers=headers)).json()
    assert [f["kind"] for f in listed["items"]] == ["praise", "purchase"] and listed["next_cursor"] is None
    only = (await client.get(f"{C}/{c['id']}/facts", params={"kind": "purchase"}, headers=headers)).json()
    assert [f["ref"] for f in only["items"]] == ["invoice:1"]
    got = await client.get(first.headers["location"], headers=headers)
    assert got.status_code == 200 and got.json() == first.json()
    assert_problem(await client.get(first.headers["location"], headers=rep_b[1]), 404)
    assert_problem(await client.get(f"{C}/{c['id']}/facts", headers=rep_b[1]), 404)


async def test_naming_a_referrer_counts_as_their_referral(client, rep_a, db, maker):
    _, headers = rep_a
    referrer = await new_customer(client, headers, first_name="Neda", stage="suspect")
    await new_customer(client, headers, first_name="Friend", referrer_id=referrer["id"])
    for _ in range(2):  # a replayed event counts once
        async with transaction(maker, None) as s:
            await relay_batch(s)
        async with transaction(maker, None) as s:
            await s.execute(update(OutboxEvent).values(dispatched_at=None))
    assert (await stage_of(db, referrer["id"]))[0] == "advocate"
    facts = (await db(lambda s: s.scalars(select(CustomerFact)))).all()
    assert [(f.kind, str(f.customer_id)) for f in facts] == [("referral", referrer["id"])]
