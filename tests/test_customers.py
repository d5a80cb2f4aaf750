"""The customers API: create, read, change, delete, search, duplicates and scope."""

from __future__ import annotations

import uuid

from helpers import assert_problem
from sqlalchemy import func, select

from api.core.access import Role
from api.core.audit import AuditEntry
from api.core.events import OutboxEvent

C = "/api/v1/customers"


def persian(**extra):
    return {"first_name": "علی", "last_name": "رضایی", "birthday": "1990-03-21", "language": "fa",
            "emails": [{"email": "Ali.Rezaei@Example.com"}], "phones": [{"number": "۰۹۱۲۳۴۵۶۷۸۹"}],
            "tags": ["VIP", "تهران"], "preferences": ["بدون سس"], **extra}


async def test_create_a_persian_customer_and_read_it_back(client, rep_a):
    user, headers = rep_a
    r = await client.post(C, json=persian(), headers=headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"{C}/{body['id']}"
    assert body["display_name"] == "علی رضایی"
    assert body["primary_email"] == "ali.rezaei@example.com"
    assert body["primary_phone"] == "+989123456789"
    assert body["owner_id"] == str(user.id) and body["team_id"] == str(user.team_id)
    assert body["stage"] == "suspect" and body["tags"] == ["vip", "تهران"]
    got = await client.get(f"{C}/{body['id']}", headers=headers)
    assert got.status_code == 200 and got.headers["etag"] == r.headers["etag"]
    assert got.json()["preferences"] == ["بدون سس"]
    assert got.json() == body  # what the create answered is what is stored (money as "0.00", not "0")


async def test_arabic_spelling_finds_the_persian_name(client, rep_a):
    _, headers = rep_a
    created = (await client.post(C, json=persian(), headers=headers)).json()
    await client.post(C, json={"first_name": "Sara", "emails": [{"email": "sara@example.com"}]}, headers=headers)
    for q in ("علي", "علی", "رضا", "ALI.REZ", "ali.rezaei@example.com"):
        r = await client.get(C, params={"q": q}, headers=headers)
        assert [c["id"] for c in r.json()["items"]] == [created["id"]], q


async def test_persian_digits_find_the_e164_phone(client, rep_a):
    _, headers = rep_a
    created = (await client.post(C, json=persian(), headers=headers)).json()
    for q in ("۰۹۱۲۳۴۵۶۷۸۹", "+989123456789", "0912 345 6789", "0912345"):
        r = await client.get(C, params={"q": q}, headers=headers)
        assert [c["id"] for c in r.json()["items"]] == [created["id"]], q


async def test_the_same_person_entered_twice_is_caught(client, rep_a):
    _, headers = rep_a
    first = (await client.post(C, json=persian(), headers=headers)).json()
    again = {"first_name": "Ali", "phones": [{"number": "+98 912 345 6789"}]}
    body = assert_problem(await client.post(C, json=again, headers=headers), 409, "duplicate-customer")
    assert body["existing_ids"] == [first["id"]]
    assert body["existing"] == [{"id": first["id"], "display_name": first["display_name"]}]
    r = await client.post(C, params={"on_duplicate": "existing"}, json=again, headers=headers)
    assert r.status_code == 200 and r.json()["id"] == first["id"]
    r = await client.post(C, params={"on_duplicate": "create"}, json=again, headers=headers)
    assert r.status_code == 201 and r.json()["id"] != first["id"]


async def test_another_teams_rep_sees_nothing_of_mine(client, rep_a, rep_b):
    _, headers_a = rep_a
    _, headers_b = rep_b
    mine = (await client.post(C, json=persian(), headers=headers_a)).json()
    assert_problem(await client.get(f"{C}/{mine['id']}", headers=headers_b), 404)
    assert_problem(await client.patch(f"{C}/{mine['id']}", json={"first_name": "x"}, headers=headers_b), 404)
    assert_problem(await client.delete(f"{C}/{mine['id']}", headers=headers_b), 404)
    assert_problem(await client.get(f"{C}/{mine['id']}/stage-history", headers=headers_b), 404)
    assert (await client.get(C, headers=headers_b)).json()["items"] == []
    assert (await client.get(C, params={"q": "علی"}, headers=headers_b)).json()["items"] == []
    # The duplicate check still stops a second copy, without revealing whose or which record it is.
    body = assert_problem(await client.post(C, json=persian(), headers=headers_b), 409, "duplicate-customer")
    assert body["existing_ids"] == [] and body["existing"] == []


async def test_manager_sees_the_team_subtree(client, rep_a, rep_b, make_user, org, login):
    _, headers_a = rep_a
    _, headers_b = rep_b
    a = (await client.post(C, json={"first_name": "A"}, headers=headers_a)).json()
    b = (await client.post(C, json={"first_name": "B"}, headers=headers_b)).json()
    manager_a = await login(await make_user(Role.manager, team_id=org["a"].id))
    boss = await login(await make_user(Role.manager, team_id=org["root"].id))
    assert [c["id"] for c in (await client.get(C, headers=manager_a)).json()["items"]] == [a["id"]]
    assert {c["id"] for c in (await client.get(C, headers=boss)).json()["items"]} == {a["id"], b["id"]}


async def test_patch_with_if_match_and_stale_etag(client, rep_a):
    _, headers = rep_a
    r = await client.post(C, json=persian(), headers=headers)
    url, etag = r.headers["location"], r.headers["etag"]
    ok = await client.patch(url, json={"importance_tier": "A", "tags": ["gold"]},
                            headers={**headers, "If-Match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.json()["importance_tier"] == "A" and ok.json()["tags"] == ["gold"]
    assert ok.headers["etag"] != etag
    assert_problem(await client.patch(url, json={"importance_tier": "B"}, headers={**headers, "If-Match": etag}), 412)


async def test_bad_input_is_a_422_and_changes_nothing(client, rep_a, db):
    _, headers = rep_a
    for body in ({"phones": [{"number": "12"}], "first_name": "X"}, {"kind": "robot"}, {"first_name": "X", "nope": 1},
                 {}, {"stage": "advocate", "first_name": "X"}, {"first_name": "X", "target_value": "-5"}):
        assert_problem(await client.post(C, json=body, headers=headers), 422)
    count = await db(lambda s: s.scalar(select(func.count()).select_from(OutboxEvent)
                                        .where(OutboxEvent.entity_type == "customer")))
    assert count == 0


async def test_create_is_audited_and_emits_an_event(client, rep_a, db):
    user, headers = rep_a
    created = (await client.post(C, json=persian(), headers=headers)).json()
    entries = (await db(lambda s: s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "customer")))).all()
    assert len(entries) == 1 and entries[0].actor_user_id == user.id
    assert entries[0].changes["display_name"] == [None, "علی رضایی"]
    types = (await db(lambda s: s.scalars(select(OutboxEvent.type).where(OutboxEvent.entity_type == "customer")))).all()
    assert types == ["customer.created"]
    history = (await client.get(f"{C}/{created['id']}/stage-history", headers=headers)).json()
    assert history[0]["to_stage"] == "suspect" and history[0]["cause"] == "created"


async def test_delete_hides_the_customer(client, rep_a):
    _, headers = rep_a
    r = await client.post(C, json=persian(), headers=headers)
    assert (await client.delete(r.headers["location"], headers=headers)).status_code == 204
    assert_problem(await client.get(r.headers["location"], headers=headers), 404)
    assert (await client.get(C, headers=headers)).json()["items"] == []


async def test_filters_and_keyset_pages(client, rep_a):
    _, headers = rep_a
    for i in range(5):
        await client.post(C, json={"first_name": f"P{i}", "importance_tier": "A" if i % 2 else "B",
                                   "tags": ["even" if i % 2 == 0 else "odd"],
                                   "consent": {"email": {"granted": i < 2, "source": "webform"}}}, headers=headers)
    seen, cursor = [], None
    while True:
        page = (await client.get(C, params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                                 headers=headers)).json()
        seen += [c["display_name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["P4", "P3", "P2", "P1", "P0"]
    tier_a = (await client.get(C, params={"importance_tier": "A"}, headers=headers)).json()["items"]
    assert {c["display_name"] for c in tier_a} == {"P1", "P3"}
    # One value is compared with =, several with = ANY: both must select the same way.
    both = (await client.get(C, params=[("importance_tier", "A"), ("importance_tier", "B")], headers=headers)).json()
    assert len(both["items"]) == 5
    twice = (await client.get(C, params=[("importance_tier", "B"), ("importance_tier", "B")], headers=headers)).json()
    assert {c["display_name"] for c in twice["items"]} == {"P0", "P2", "P4"}
    odd = (await client.get(C, params={"tag": "ODD"}, headers=headers)).json()["items"]
    assert {c["display_name"] for c in odd} == {"P1", "P3"}
    consenting = (await client.get(C, params={"consent": "email"}, headers=headers)).json()["items"]
    assert {c["display_name"] for c in consenting} == {"P0", "P1"}
    by_name = (await client.get(C, params={"sort": "display_name"}, headers=headers)).json()["items"]
    assert [c["display_name"] for c in by_name] == ["P0", "P1", "P2", "P3", "P4"]


async def test_organization_contacts(client, rep_a, rep_b):
    _, headers = rep_a
    org = (await client.post(C, json={"kind": "organization", "organization_name": "شرکت پیوند"},
                             headers=headers)).json()
    person = (await client.post(C, json={"first_name": "Neda"}, headers=headers)).json()
    url = f"{C}/{org['id']}/contacts"
    r = await client.post(url, json={"person_id": person["id"], "role": "Buyer"}, headers=headers)
    assert r.status_code == 201, r.text
    assert_problem(await client.post(url, json={"person_id": person["id"]}, headers=headers), 409)
    listed = (await client.get(url, headers=headers)).json()
    assert [(c["person_id"], c["role"]) for c in listed] == [(person["id"], "Buyer")]
    assert_problem(await client.get(url, headers=rep_b[1]), 404)
    assert (await client.delete(f"{url}/{person['id']}", headers=headers)).status_code == 204
    assert (await client.get(url, headers=headers)).json() == []


async def test_rep_cannot_hand_customers_to_another_team(client, rep_a, rep_b):
    _, headers = rep_a
    other, _ = rep_b
    body = {"first_name": "X", "owner_id": str(other.id)}
    assert_problem(await client.post(C, json=body, headers=headers), 422)


async def test_patch_keeping_an_existing_email_and_phone_succeeds(client, rep_a):
    _, headers = rep_a
    r = await client.post(C, json=persian(), headers=headers)
    body = {"emails": [{"email": "ali.rezaei@example.com"}, {"email": "ali@work.example.com"}],
            "phones": [{"number": "+98 912 345 6789"}]}
    ok = await client.patch(r.headers["location"], json=body, headers=headers)
    assert ok.status_code == 200, ok.text
    assert [e["email"] for e in ok.json()["emails"]] == ["ali.rezaei@example.com", "ali@work.example.com"]
    assert [p["e164"] for p in ok.json()["phones"]] == ["+989123456789"]


async def test_stored_prefixes_match_exactly_what_prefix_queries_match(engine):
    # The search vector stores short prefixes as lexemes (migration 0009) and search_terms looks short
    # letter words up exactly: for every text and query, that must match what PostgreSQL's own prefix
    # query on the plain words matches. Texts mix Persian, Latin, digits, e-mails and hyphens.
    import random

    from sqlalchemy import text

    from api.core.text import normalize_text
    from api.customers.repository import PREFIX_CHARS, search_terms

    rng = random.Random(20261202)
    words = ["علی", "علیرضا", "زهرا", "حسینی", "حسن", "شرکت", "پارس", "sara", "saraj", "john", "nova", "a",
             "ab", "ali-reza", "o'brien", "back\\\\slash", "x.y@mail.com", "0912345678", "b2b", "abcdefghij",
             "نیک‌نام", "ع"]
    texts = [" ".join(rng.sample(words, rng.randint(0, 4))) for _ in range(150)]
    queries: set[str] = set()
    for w in words:
        norm = normalize_text(w)
        queries.update(norm[:n] for n in range(1, len(norm) + 1))
    queries.update(f"{a} {b}" for a, b in zip(rng.sample(sorted(queries), 40), rng.sample(sorted(queries), 40)))
    queries.update(["zz", "علیب", "sarah", "ab ع", "abcdefgh", "09"])
    pairs = []
    for q in sorted(queries):
        new, _ = search_terms(q)
        if new is None:
            continue
        old = " & ".join(w if w.endswith(":*") else w + ":*" for w in new.split(" & "))  # every word a prefix
        pairs.extend((normalize_text(t), new, old) for t in texts)
    assert any(len(w) <= PREFIX_CHARS and "':*" not in w for w in (p[1] for p in pairs))  # some looked up exactly
    async with engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT t AS doc, q AS query, customer_search_vector(t) @@ to_tsquery('simple', q) AS new, "
            "to_tsvector('simple', t) @@ to_tsquery('simple', o) AS old "
            "FROM unnest(CAST(:t AS text[]), CAST(:q AS text[]), CAST(:o AS text[])) AS x(t, q, o)"),
            {"t": [p[0] for p in pairs], "q": [p[1] for p in pairs], "o": [p[2] for p in pairs]})).all()
    assert sum(r.new for r in rows) > 100  # the corpus matches often enough to mean something
    assert [(r.doc, r.query, r.new) for r in rows if r.new != r.old] == []


async def test_a_first_name_and_the_start_of_a_last_name_find_the_customer(client, rep_a):
    _, headers = rep_a
    zahra = (await client.post(C, json={"first_name": "زهرا", "last_name": "حسینی"}, headers=headers)).json()
    await client.post(C, json={"first_name": "زهرا", "last_name": "کریمی"}, headers=headers)
    await client.post(C, json={"first_name": "حسن", "last_name": "زمانی"}, headers=headers)
    for q in ("زهرا حس", "زهرا ح", "ز حسینی", "زهرا حسینی", "حسيني زهرا"):
        r = await client.get(C, params={"q": q}, headers=headers)
        assert [c["id"] for c in r.json()["items"]] == [zahra["id"]], q
    assert len((await client.get(C, params={"q": "زه"}, headers=headers)).json()["items"]) == 2
    assert (await client.get(C, params={"q": "زهرا حسن"}, headers=headers)).json()["items"] == []


async def _walk(client, headers, params, limit=2):
    """Every item of a list, page by page."""
    items, cursor = [], None
    while True:
        page = (await client.get(C, params={**params, "limit": limit, **({"cursor": cursor} if cursor else {})},
                                 headers=headers)).json()
        items += page["items"]
        if not (cursor := page["next_cursor"]):
            return items


async def test_several_rungs_owners_or_teams_page_like_one_list(client, rep_a, rep_b, admin_headers, engine):
    # Several rungs (or owners, or teams) are read one at a time, newest first, and merged
    # (repository.created_parts): the pages must hold exactly the matching rows, in order, each once.
    from sqlalchemy import text

    (a, headers_a), (b, headers_b) = rep_a, rep_b
    rungs = ["suspect", "prospect", "client", "repeat"]
    for i in range(14):
        r = await client.post(C, json={"first_name": f"Mina{i}", "tags": ["vip"] if i % 3 else []},
                              headers=headers_a if i % 2 else headers_b)
        assert r.status_code == 201, r.text
        async with engine.begin() as conn:  # the rungs a customer reaches by purchases, set directly
            await conn.execute(text("UPDATE customer SET stage = :s WHERE id = :id"),
                               {"s": rungs[i % 4], "id": r.json()["id"]})
    everyone = (await client.get(C, params={"limit": 100}, headers=admin_headers)).json()["items"]
    assert len(everyone) == 14
    cases = [({"stage": ["prospect", "client"]}, lambda c: c["stage"] in ("prospect", "client")),
             ({"stage": ["repeat", "suspect", "client"], "tag": "vip"},
              lambda c: c["stage"] != "prospect" and "vip" in c["tags"]),
             ({"owner_id": [str(a.id), str(b.id)], "stage": "client"}, lambda c: c["stage"] == "client"),
             # by tag: the page's ids by an index-only walk, then its rows (repository.ids_first)
             ({"tag": "vip"}, lambda c: "vip" in c["tags"]),
             ({"stage": "repeat", "tag": ["vip", "nope"]}, lambda c: c["stage"] == "repeat" and "vip" in c["tags"]),
             ({"team_id": [str(a.team_id), str(b.team_id)]}, lambda c: True),
             # more values than rungs: one statement with = ANY
             ({"owner_id": [str(a.id), str(b.id), *(str(uuid.uuid4()) for _ in range(7))]}, lambda c: True)]
    for params, keep in cases:
        expected = [c["id"] for c in everyone if keep(c)]
        assert [c["id"] for c in await _walk(client, admin_headers, params)] == expected, params
        assert [c["id"] for c in await _walk(client, admin_headers, {**params, "sort": "created_at"}, limit=3)] \
            == expected[::-1], params
        by_name = sorted((c for c in everyone if keep(c)), key=lambda c: (c["display_name"].lower(), c["id"]))
        assert [c["id"] for c in await _walk(client, admin_headers, {**params, "sort": "display_name"})] \
            == [c["id"] for c in by_name], params
        total = (await client.get(C, params={**params, "include_total": "true"}, headers=admin_headers)).json()
        assert total["total"] == len(expected), params
    # Each part keeps the caller's scope: a rep sees only their own customers of those rungs.
    mine = [c["id"] for c in everyone if c["owner_id"] == str(a.id) and c["stage"] in ("prospect", "client")]
    assert mine and [c["id"] for c in await _walk(client, headers_a, {"stage": ["prospect", "client"]})] == mine
    mine = [c["id"] for c in everyone if c["owner_id"] == str(a.id) and "vip" in c["tags"]]
    assert mine and [c["id"] for c in await _walk(client, headers_a, {"tag": "vip"})] == mine
