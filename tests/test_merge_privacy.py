"""Duplicate suggestions, merging, and privacy requests (export and erasure)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from helpers import assert_problem
from sqlalchemy import func, select, update

from api.core.access import Role
from api.core.audit import AuditEntry
from api.core.events import OutboxEvent
from api.customers.models import (
    Customer,
    CustomerAddress,
    CustomerContact,
    CustomerEmail,
    CustomerFact,
    CustomerPhone,
    StageChange,
)

C = "/api/v1/customers"


@pytest.fixture
async def teams(make_team):
    return {"a": await make_team("Team A"), "b": await make_team("Team B")}


@pytest.fixture
async def rep_a(make_user, teams, login):
    return await login(await make_user(Role.sales, team_id=teams["a"].id))


@pytest.fixture
async def rep_b(make_user, teams, login):
    return await login(await make_user(Role.sales, team_id=teams["b"].id))


async def create(client, headers, **body):
    r = await client.post(C, params={"on_duplicate": "create"}, json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def add_fact(db, customer_id, kind="purchase", amount="100.00", when=None):
    async def run(s):
        s.add(CustomerFact(customer_id=uuid.UUID(customer_id), kind=kind, ref=f"invoice:{uuid.uuid4()}",
                           amount=Decimal(amount), currency="IRR", occurred_at=when or datetime.now(UTC)))
    await db(run)


async def add_stage(db, customer_id, to_stage, reason="moved by hand"):
    async def run(s):
        s.add(StageChange(customer_id=uuid.UUID(customer_id), from_stage="suspect", to_stage=to_stage,
                          cause="manual", reason=reason, occurred_at=datetime.now(UTC)))
    await db(run)


async def rows(db, stmt):
    return (await db(lambda s: s.execute(stmt))).all()


# Duplicates

async def test_duplicates_are_suggested_by_email_phone_and_persian_normalised_name(client, rep_a, rep_b):
    me = await create(client, rep_a, first_name="علی", last_name="رضایی", emails=[{"email": "ali@example.com"}],
                      phones=[{"number": "09123456789"}])
    by_email = await create(client, rep_a, first_name="A.", last_name="Rezaei", emails=[{"email": "ALI@example.com"}])
    by_phone = await create(client, rep_a, first_name="Mr", last_name="R", phones=[{"number": "+98 912 345 6789"}])
    by_name = await create(client, rep_a, first_name="علي", last_name="رضايي")  # Arabic yeh
    twin = await create(client, rep_a, first_name="علی", last_name="رضایی", emails=[{"email": "ali@example.com"}])
    await create(client, rep_a, first_name="Sara", emails=[{"email": "sara@example.com"}])
    await create(client, rep_b, first_name="علی", last_name="رضایی", emails=[{"email": "ali@example.com"}])
    r = await client.get(f"{C}/{me['id']}/duplicates", headers=rep_a)
    assert r.status_code == 200, r.text
    got = {s["customer"]["id"]: s["reasons"] for s in r.json()}
    assert got == {by_email["id"]: ["email"], by_phone["id"]: ["phone"], by_name["id"]: ["name"],
                   twin["id"]: ["email", "name"]}
    assert r.json()[0]["customer"]["id"] == twin["id"]  # most reasons first
    assert_problem(await client.get(f"{C}/{me['id']}/duplicates", headers=rep_b), 404)


async def test_a_common_name_does_not_crowd_out_a_shared_email(client, rep_a):
    me = await create(client, rep_a, first_name="Ali", emails=[{"email": "ali@example.com"}])
    for _ in range(51):
        await create(client, rep_a, first_name="Ali")
    twin = await create(client, rep_a, first_name="A. R.", emails=[{"email": "ali@example.com"}])
    got = (await client.get(f"{C}/{me['id']}/duplicates", headers=rep_a)).json()
    assert len(got) == 50 and got[0]["customer"]["id"] == twin["id"] and got[0]["reasons"] == ["email"]


# Merge

@pytest.fixture
async def cf(client, admin_headers):
    for spec in ({"key": "size", "label": "Size", "type": "number"}, {"key": "city", "label": "City", "type": "text"}):
        assert (await client.post("/api/v1/custom-fields", json=spec, headers=admin_headers)).status_code == 201


async def test_merge_moves_everything_attached_and_the_duplicate_is_gone(client, rep_a, db, cf):
    survivor = await create(
        client, rep_a, first_name="Ali", last_name="Rezaei", emails=[{"email": "ali@example.com"}],
        addresses=[{"line1": "Valiasr 1", "city": "Tehran"}], tags=["vip"], preferences=["no sauce"],
        custom_fields={"size": 42}, consent={"email": {"granted": False, "source": "call",
                                                       "at": "2024-01-01T00:00:00Z"}})
    dup = await create(
        client, rep_a, first_name="Ali R.", job_title="Buyer", birthday="1990-03-21",
        emails=[{"email": "ali@example.com"}, {"email": "ali.work@example.com"}],
        phones=[{"number": "09123456789"}], addresses=[{"line1": "Valiasr 1", "city": "tehran"},
                                                       {"line1": "Enghelab 5", "city": "Tehran"}],
        tags=["tehran", "VIP"], preferences=["No sauce", "calls after 4pm"], custom_fields={"size": 40, "city": "Qom"},
        consent={"email": {"granted": True, "source": "webform", "at": "2025-06-01T00:00:00Z"},
                 "sms": {"granted": True, "source": "webform"}})
    org = await create(client, rep_a, kind="organization", organization_name="Peyvand Co")
    referred = await create(client, rep_a, first_name="Neda", referrer_id=dup["id"])
    assert (await client.post(f"{C}/{org['id']}/contacts", json={"person_id": dup["id"], "role": "Buyer"},
                              headers=rep_a)).status_code == 201
    await add_stage(db, dup["id"], "prospect")
    await add_fact(db, dup["id"], amount="250.00")
    first = datetime(2020, 1, 1, tzinfo=UTC)
    await db(lambda s: s.execute(update(Customer).where(Customer.id == uuid.UUID(dup["id"])).values(
        stage="prospect", lifetime_revenue=Decimal("250.00"), purchase_count=1, first_purchase_at=first,
        last_purchase_at=first)))
    await db(lambda s: s.execute(update(Customer).where(Customer.id == uuid.UUID(survivor["id"])).values(
        lifetime_revenue=Decimal("100.00"), purchase_count=2, first_purchase_at=datetime(2022, 1, 1, tzinfo=UTC),
        last_purchase_at=datetime(2024, 1, 1, tzinfo=UTC))))
    etag = (await client.get(f"{C}/{survivor['id']}", headers=rep_a)).headers["etag"]

    r = await client.post(f"{C}/{survivor['id']}/merge", json={"duplicate_id": dup["id"]},
                          headers={**rep_a, "If-Match": etag})
    assert r.status_code == 200, r.text
    s = r.json()
    assert r.headers["etag"] != etag
    assert [e["email"] for e in s["emails"]] == ["ali@example.com", "ali.work@example.com"]
    assert [e["is_primary"] for e in s["emails"]] == [True, False]
    assert [p["e164"] for p in s["phones"]] == ["+989123456789"] and s["phones"][0]["is_primary"]
    assert [a["line1"] for a in s["addresses"]] == ["Valiasr 1", "Enghelab 5"]
    assert s["display_name"] == "Ali Rezaei" and s["job_title"] == "Buyer" and s["birthday"] == "1990-03-21"
    assert s["tags"] == ["tehran", "vip"]
    assert s["preferences"] == ["no sauce", "calls after 4pm"]
    assert s["custom_fields"] == {"size": 42, "city": "Qom"}
    assert s["consent"]["email"]["granted"] is True and s["consent"]["sms"]["granted"] is True
    assert Decimal(s["lifetime_revenue"]) == Decimal("350.00") and s["purchase_count"] == 3
    assert s["first_purchase_at"].startswith("2020-01-01") and s["last_purchase_at"].startswith("2024-01-01")
    assert s["stage"] == "prospect"  # the duplicate stood higher on the ladder

    # The duplicate is gone and points at the survivor.
    assert_problem(await client.get(f"{C}/{dup['id']}", headers=rep_a), 404)
    assert dup["id"] not in [c["id"] for c in (await client.get(C, headers=rep_a)).json()["items"]]
    gone = await db(lambda s: s.get(Customer, uuid.UUID(dup["id"])))
    assert gone.deleted_at is not None and str(gone.merged_into_id) == survivor["id"]
    for model in (CustomerEmail, CustomerPhone, CustomerAddress, StageChange, CustomerFact):
        left = await db(lambda s, m=model: s.scalar(select(func.count()).select_from(m).where(
            m.customer_id == uuid.UUID(dup["id"]))))
        assert left == 0, model.__tablename__
    # History, facts, contacts and referrals now belong to the survivor.
    history = (await client.get(f"{C}/{survivor['id']}/stage-history", headers=rep_a)).json()
    assert [(h["to_stage"], h["cause"]) for h in history][:2] == [("prospect", "merge"), ("prospect", "manual")]
    facts = await db(lambda s: s.scalar(select(func.count()).select_from(CustomerFact).where(
        CustomerFact.customer_id == uuid.UUID(survivor["id"]))))
    assert facts == 1
    contacts = (await client.get(f"{C}/{org['id']}/contacts", headers=rep_a)).json()
    assert [(c["person_id"], c["role"]) for c in contacts] == [(survivor["id"], "Buyer")]
    assert (await client.get(f"{C}/{referred['id']}", headers=rep_a)).json()["referrer_id"] == survivor["id"]

    merges = (await db(lambda s: s.scalars(select(AuditEntry).where(AuditEntry.action == "merge")))).all()
    assert len(merges) == 1 and str(merges[0].entity_id) == survivor["id"]
    moved = merges[0].changes["moved"]
    assert moved["emails"] == ["ali.work@example.com"] and moved["contacts"] == 1
    assert moved["customer_stage_change.customer_id"] == 2 and moved["customer.referrer_id"] == 1
    types = (await db(lambda s: s.scalars(select(OutboxEvent.type).where(
        OutboxEvent.entity_id == uuid.UUID(survivor["id"])).order_by(OutboxEvent.occurred_at)))).all()
    assert {"customer.merged", "customer.updated", "customer.stage_changed"} <= set(types)


async def test_merging_organizations_joins_their_contacts_without_doubling(client, rep_a):
    keep = await create(client, rep_a, kind="organization", organization_name="Peyvand")
    twin = await create(client, rep_a, kind="organization", organization_name="Peyvand Ltd")
    p1 = await create(client, rep_a, first_name="P1")
    p2 = await create(client, rep_a, first_name="P2")
    for org, person in ((keep, p1), (twin, p1), (twin, p2)):
        await client.post(f"{C}/{org['id']}/contacts", json={"person_id": person["id"]}, headers=rep_a)
    r = await client.post(f"{C}/{keep['id']}/merge", json={"duplicate_id": twin["id"]}, headers=rep_a)
    assert r.status_code == 200, r.text
    contacts = (await client.get(f"{C}/{keep['id']}/contacts", headers=rep_a)).json()
    assert sorted(c["person_id"] for c in contacts) == sorted([p1["id"], p2["id"]])


async def test_a_merge_chain_points_every_merged_record_at_the_last_survivor(client, rep_a, db):
    a, b, c = [await create(client, rep_a, first_name=n) for n in "ABC"]
    assert (await client.post(f"{C}/{b['id']}/merge", json={"duplicate_id": c["id"]}, headers=rep_a)).status_code == 200
    assert (await client.post(f"{C}/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=rep_a)).status_code == 200
    merged = await rows(db, select(Customer.id).where(Customer.merged_into_id == uuid.UUID(a["id"])))
    assert {str(r.id) for r in merged} == {b["id"], c["id"]}


async def test_merge_across_scopes_is_404(client, rep_a, rep_b):
    mine = await create(client, rep_a, first_name="Mine")
    theirs = await create(client, rep_b, first_name="Theirs")
    assert_problem(await client.post(f"{C}/{mine['id']}/merge", json={"duplicate_id": theirs["id"]},
                                     headers=rep_a), 404)
    assert_problem(await client.post(f"{C}/{theirs['id']}/merge", json={"duplicate_id": mine["id"]},
                                     headers=rep_a), 404)
    assert (await client.get(f"{C}/{theirs['id']}", headers=rep_b)).status_code == 200


async def test_merge_refuses_stale_etags_itself_and_mixed_kinds(client, rep_a, make_user, login):
    a = await create(client, rep_a, first_name="A")
    b = await create(client, rep_a, first_name="B")
    org = await create(client, rep_a, kind="organization", organization_name="O")
    stale = (await client.get(f"{C}/{a['id']}", headers=rep_a)).headers["etag"]
    await client.patch(f"{C}/{a['id']}", json={"job_title": "x"}, headers=rep_a)
    assert_problem(await client.post(f"{C}/{a['id']}/merge", json={"duplicate_id": b["id"]},
                                     headers={**rep_a, "If-Match": stale}), 412)
    assert_problem(await client.post(f"{C}/{a['id']}/merge", json={"duplicate_id": a["id"]}, headers=rep_a), 422)
    assert_problem(await client.post(f"{C}/{a['id']}/merge", json={"duplicate_id": org["id"]}, headers=rep_a), 422)
    viewer = await login(await make_user(Role.viewer))
    assert_problem(await client.post(f"{C}/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=viewer), 403)
    assert (await client.get(f"{C}/{b['id']}", headers=rep_a)).status_code == 200


# Privacy

PERSONAL = ("Rezaei", "رضایی", "ali@example.com", "ali.old@example.com", "989123456789", "Valiasr", "1990-03-21",
            "no sauce", "Qom", "spring-sale", "Purchasing boss", "prefers mornings", "secret note")


async def personal_customer(client, headers, cf=None):
    return await create(
        client, headers, first_name="Ali", last_name="Rezaei", job_title="Purchasing boss", birthday="1990-03-21",
        emails=[{"email": "ali@example.com"}], phones=[{"number": "09123456789"}],
        addresses=[{"line1": "Valiasr 12", "city": "Tehran"}], tags=["رضایی"], preferences=["no sauce"],
        utm={"campaign": "spring-sale"}, desired_outcome="secret note", language="fa",
        consent={"email": {"granted": True, "source": "webform", "note": "prefers mornings"}},
        **({"custom_fields": cf} if cf else {}))


async def test_export_contains_everything_held_about_the_customer(client, rep_a, db, cf):
    me = await personal_customer(client, rep_a, cf={"city": "Qom"})
    old = await create(client, rep_a, first_name="Ali", last_name="Rezaei", emails=[{"email": "ali.old@example.com"}])
    await client.post(f"{C}/{me['id']}/merge", json={"duplicate_id": old["id"]}, headers=rep_a)
    org = await create(client, rep_a, kind="organization", organization_name="Peyvand")
    await client.post(f"{C}/{org['id']}/contacts", json={"person_id": me["id"], "role": "Buyer"}, headers=rep_a)
    await add_stage(db, me["id"], "prospect")
    await add_fact(db, me["id"])
    await client.patch(f"{C}/{me['id']}", json={"importance_tier": "A"}, headers=rep_a)

    r = await client.get(f"{C}/{me['id']}/export", headers=rep_a)
    assert r.status_code == 200, r.text
    x = r.json()
    assert x["customer"]["id"] == me["id"] and x["customer"]["birthday"] == "1990-03-21"
    assert [e["email"] for e in x["customer"]["emails"]] == ["ali@example.com", "ali.old@example.com"]
    assert x["customer"]["phones"][0]["e164"] == "+989123456789"
    assert x["customer"]["addresses"][0]["line1"] == "Valiasr 12"
    assert x["customer"]["custom_fields"] == {"city": "Qom"} and x["customer"]["preferences"] == ["no sauce"]
    assert [m["id"] for m in x["merged_records"]] == [old["id"]]
    assert [(c["organization_id"], c["role"]) for c in x["contacts"]] == [(org["id"], "Buyer")]
    assert {h["to_stage"] for h in x["stage_history"]} == {"suspect", "prospect"}
    assert [f["kind"] for f in x["facts"]] == ["purchase"]
    actions = [(a["entity_type"], a["action"]) for a in x["audit"]]
    assert ("customer", "create") in actions and ("customer", "merge") in actions
    assert ("customer_contact", "create") in actions
    assert any(a["changes"].get("importance_tier") == [None, "A"] for a in x["audit"])
    exports = await rows(db, select(AuditEntry.entity_id).where(AuditEntry.action == "export"))
    assert [str(e.entity_id) for e in exports] == [me["id"]]


async def test_export_of_someone_elses_customer_is_404(client, rep_a, rep_b):
    me = await personal_customer(client, rep_a)
    assert_problem(await client.get(f"{C}/{me['id']}/export", headers=rep_b), 404)


async def everything_about(db, ids):
    """Every row about these customers, as text: the customer, its children, history, audit and events."""
    uids = [uuid.UUID(i) for i in ids]
    parts = []
    for model, col in ((Customer, Customer.id), (CustomerEmail, CustomerEmail.customer_id),
                       (CustomerPhone, CustomerPhone.customer_id), (CustomerAddress, CustomerAddress.customer_id),
                       (StageChange, StageChange.customer_id), (CustomerFact, CustomerFact.customer_id),
                       (AuditEntry, AuditEntry.entity_id), (OutboxEvent, OutboxEvent.entity_id)):
        found = await rows(db, select(model.__table__).where(col.in_(uids)))
        parts += [json.dumps([str(v) for v in r], ensure_ascii=False) for r in found]
    contacts = await rows(db, select(CustomerContact.__table__).where(
        CustomerContact.person_id.in_(uids) | CustomerContact.organization_id.in_(uids)))
    parts += [str(tuple(r)) for r in contacts]
    audits = await rows(db, select(AuditEntry.changes).where(AuditEntry.entity_type == "customer_contact"))
    parts += [json.dumps(r.changes, ensure_ascii=False) for r in audits]
    return "\n".join(parts)


async def test_erase_leaves_no_personal_data_in_the_row_its_children_or_the_log(client, rep_a, admin_headers, db, cf):
    me = await personal_customer(client, rep_a, cf={"city": "Qom"})
    old = await create(client, rep_a, first_name="Ali", last_name="Rezaei", emails=[{"email": "ali.old@example.com"}])
    await client.post(f"{C}/{me['id']}/merge", json={"duplicate_id": old["id"]}, headers=rep_a)
    org = await create(client, rep_a, kind="organization", organization_name="Peyvand")
    await client.post(f"{C}/{org['id']}/contacts", json={"person_id": me["id"], "role": "Purchasing boss"},
                      headers=rep_a)
    await add_stage(db, me["id"], "prospect", reason="Rezaei asked for a quote")
    await add_fact(db, me["id"], amount="990.00")
    await client.patch(f"{C}/{me['id']}", json={"first_name": "Aliakbar", "importance_tier": "A"}, headers=rep_a)
    before = await everything_about(db, [me["id"], old["id"]])
    assert all(p in before for p in PERSONAL), [p for p in PERSONAL if p not in before]

    r = await client.post(f"{C}/{me['id']}/erase", headers=admin_headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["display_name"] == "Erased customer" and body["first_name"] is None and body["last_name"] is None
    assert body["emails"] == [] and body["phones"] == [] and body["addresses"] == []
    assert body["birthday"] is None and body["preferences"] == [] and body["custom_fields"] == {}
    assert body["utm"] == {} and body["tags"] == [] and body["primary_email"] is None
    assert body["consent"]["email"]["granted"] is False
    # What reports need stays: rung, tier, value, facts, ladder history.
    assert body["importance_tier"] == "A" and body["language"] == "fa"
    history = await rows(db, select(StageChange.to_stage, StageChange.reason).where(
        StageChange.customer_id == uuid.UUID(me["id"])))
    assert sorted(h.to_stage for h in history) == ["prospect", "suspect", "suspect"]
    assert {h.reason for h in history} == {None}
    assert await db(lambda s: s.scalar(select(func.count()).select_from(CustomerFact).where(
        CustomerFact.customer_id == uuid.UUID(me["id"])))) == 1

    after = await everything_about(db, [me["id"], old["id"]])
    assert [p for p in PERSONAL if p in after] == []
    erased = await db(lambda s: s.get(Customer, uuid.UUID(me["id"])))
    assert erased.erased_at is not None and erased.normalized_name == "erased customer"
    assert (await db(lambda s: s.get(Customer, uuid.UUID(old["id"])))).erased_at is not None
    entry = (await db(lambda s: s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")))).one()
    assert "first_name" in entry.changes["fields"] and entry.changes["emails"] == 2
    types = (await db(lambda s: s.scalars(select(OutboxEvent.type).where(OutboxEvent.type == "customer.erased")))).all()
    assert types == ["customer.erased"]
    created = (await db(lambda s: s.scalars(select(OutboxEvent.payload).where(
        OutboxEvent.type == "customer.created", OutboxEvent.entity_id == uuid.UUID(me["id"]))))).one()
    assert created["id"] == me["id"] and created["erased"] is True and created["stage"] == "suspect"
    assert "first_name" not in created and "emails" not in created
    # The record is still there, anonymous; searching the old name finds nothing.
    assert (await client.get(C, params={"q": "Rezaei"}, headers=admin_headers)).json()["items"] == []
    assert (await client.get(f"{C}/{me['id']}", headers=admin_headers)).status_code == 200


async def test_erasing_twice_changes_nothing_more(client, rep_a, admin_headers, db):
    me = await personal_customer(client, rep_a)
    first = await client.post(f"{C}/{me['id']}/erase", headers=admin_headers)
    again = await client.post(f"{C}/{me['id']}/erase", headers=admin_headers)
    assert again.status_code == 200 and again.headers["etag"] == first.headers["etag"]
    assert len(await rows(db, select(AuditEntry.id).where(AuditEntry.action == "erase"))) == 1


async def test_only_admins_may_erase(client, rep_a, make_user, login, teams):
    me = await personal_customer(client, rep_a)
    manager = await login(await make_user(Role.manager, team_id=teams["a"].id))
    for headers in (rep_a, manager):
        assert_problem(await client.post(f"{C}/{me['id']}/erase", headers=headers), 403)
    assert (await client.get(f"{C}/{me['id']}", headers=rep_a)).json()["last_name"] == "Rezaei"


async def test_an_erased_customer_cannot_be_merged(client, rep_a, admin_headers):
    a = await create(client, rep_a, first_name="A")
    b = await create(client, rep_a, first_name="B")
    await client.post(f"{C}/{b['id']}/erase", headers=admin_headers)
    assert_problem(await client.post(f"{C}/{a['id']}/merge", json={"duplicate_id": b["id"]}, headers=rep_a), 409)


async def test_an_erased_customer_cannot_be_given_personal_data_again(client, admin_headers):
    r = await client.post("/api/v1/customers", json={"first_name": "Ramin", "emails": [{"email": "r@example.com"}]},
                          headers=admin_headers)
    url = r.headers["location"]
    assert (await client.post(f"{url}/erase", headers=admin_headers)).status_code == 200
    r = await client.patch(url, json={"first_name": "Ramin", "emails": [{"email": "r@example.com"}]},
                           headers=admin_headers)
    assert r.status_code == 409, r.text
    assert (await client.get(url, headers=admin_headers)).json()["display_name"] == "Erased customer"
