"""Custom fields: admins define typed fields; customer writes and cf.<key> filters obey their types."""

from __future__ import annotations

import pytest
from helpers import assert_problem
from sqlalchemy import select

from api.core.access import Role
from api.core.audit import AuditEntry

F = "/api/v1/custom-fields"
C = "/api/v1/customers"


@pytest.fixture
async def rep(make_user, make_team, login):
    team = await make_team("Sales")
    return await login(await make_user(Role.sales, team_id=team.id))


@pytest.fixture
async def fields(client, admin_headers):
    """One field of each type."""
    specs = [
        {"key": "shoe_size", "label": "Shoe size", "label_fa": "سایز کفش", "type": "number", "position": 1},
        {"key": "member_since", "label": "Member since", "type": "date", "position": 2},
        {"key": "city", "label": "City", "type": "choice", "choices": ["تهران", "Shiraz"], "position": 3},
        {"key": "vip", "label": "VIP", "type": "boolean", "position": 4},
        {"key": "nickname", "label": "Nickname", "type": "text", "position": 5},
    ]
    out = {}
    for spec in specs:
        r = await client.post(F, json=spec, headers=admin_headers)
        assert r.status_code == 201, r.text
        out[spec["key"]] = r
    return out


def loc_of(body):
    return [e["loc"] for e in body["errors"]]


async def test_admin_defines_a_field_and_everyone_who_reads_customers_lists_it(client, admin_headers, rep, db):
    r = await client.post(F, json={"key": "shoe_size", "label": "Shoe size", "label_fa": "سایز کفش",
                                   "type": "number"}, headers=admin_headers)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == f"{F}/{r.json()['id']}" and r.headers["etag"]
    listed = (await client.get(F, headers=rep)).json()["items"]
    assert [(f["key"], f["label_fa"], f["type"]) for f in listed] == [("shoe_size", "سایز کفش", "number")]
    got = await client.get(r.headers["location"], headers=rep)
    assert got.status_code == 200 and got.headers["etag"] == r.headers["etag"]
    entries = (await db(lambda s: s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "custom_field")))).all()
    assert [e.action for e in entries] == ["create"] and entries[0].changes["key"] == [None, "shoe_size"]


async def test_only_admins_change_field_definitions(client, fields, rep):
    url = fields["vip"].headers["location"]
    assert_problem(await client.post(F, json={"key": "x", "label": "X", "type": "text"}, headers=rep), 403)
    assert_problem(await client.patch(url, json={"label": "Very"}, headers=rep), 403)
    assert_problem(await client.delete(url, headers=rep), 403)


async def test_key_and_type_are_fixed_and_unique(client, fields, admin_headers):
    url = fields["vip"].headers["location"]
    assert_problem(await client.patch(url, json={"key": "other"}, headers=admin_headers), 422)
    assert_problem(await client.patch(url, json={"type": "text"}, headers=admin_headers), 422)
    again = {"key": "vip", "label": "Again", "type": "text"}
    assert_problem(await client.post(F, json=again, headers=admin_headers), 409)
    for bad in ({"key": "Bad Key", "label": "X", "type": "text"}, {"key": "x", "label": "X", "type": "colour"},
                {"key": "x", "label": "X", "type": "choice"}, {"key": "x", "label": "X", "type": "text",
                                                                "choices": ["a"]}):
        assert_problem(await client.post(F, json=bad, headers=admin_headers), 422)


async def test_patch_honours_if_match_and_is_audited(client, fields, admin_headers, db):
    r = fields["nickname"]
    url, etag = r.headers["location"], r.headers["etag"]
    ok = await client.patch(url, json={"label": "Called", "required": True},
                            headers={**admin_headers, "If-Match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.json()["label"] == "Called" and ok.json()["required"] is True and ok.headers["etag"] != etag
    assert_problem(await client.patch(url, json={"label": "Late"}, headers={**admin_headers, "If-Match": etag}), 412)
    entries = (await db(lambda s: s.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "custom_field", AuditEntry.action == "update")))).all()
    assert [e.changes["label"] for e in entries] == [["Nickname", "Called"]]


async def test_values_of_each_type_are_stored_normalised(client, fields, rep):
    body = {"first_name": "Sara", "custom_fields": {
        "shoe_size": "۴۲", "member_since": "۲۰۲۴-۰۳-۲۰", "city": "Shiraz", "vip": "yes", "nickname": "  Sari  "}}
    r = await client.post(C, json=body, headers=rep)
    assert r.status_code == 201, r.text
    assert r.json()["custom_fields"] == {"shoe_size": 42, "member_since": "2024-03-20", "city": "Shiraz",
                                         "vip": True, "nickname": "Sari"}
    r = await client.patch(r.headers["location"], json={"custom_fields": {"shoe_size": 41.5, "vip": False,
                                                                          "city": "تهران"}}, headers=rep)
    assert r.status_code == 200, r.text
    assert r.json()["custom_fields"] == {"shoe_size": 41.5, "member_since": "2024-03-20", "city": "تهران",
                                         "vip": False, "nickname": "Sari"}


async def test_a_choice_spelt_with_arabic_letters_is_stored_as_defined(client, fields, rep):
    r = await client.post(C, json={"first_name": "Ali", "custom_fields": {"city": "تهران"}}, headers=rep)
    assert r.json()["custom_fields"] == {"city": "تهران"}
    r = await client.post(C, json={"first_name": "Reza", "custom_fields": {"city": "SHIRAZ"}}, headers=rep)
    assert r.json()["custom_fields"] == {"city": "Shiraz"}


@pytest.mark.parametrize(("key", "value"), [
    ("shoe_size", "forty"), ("shoe_size", True), ("shoe_size", [42]), ("shoe_size", "NaN"),
    ("member_since", "2024-13-01"), ("member_since", "20 March"), ("member_since", 20240320),
    ("city", "Isfahan"), ("city", 3),
    ("vip", "maybe"), ("vip", 1),
    ("nickname", 7), ("nickname", {"a": 1}),
])
async def test_a_value_of_the_wrong_type_is_a_422_at_its_key(client, fields, rep, key, value):
    body = assert_problem(await client.post(C, json={"first_name": "X", "custom_fields": {key: value}},
                                            headers=rep), 422)
    assert loc_of(body) == [["body", "custom_fields", key]]
    created = await client.post(C, json={"first_name": "Y"}, headers=rep)
    body = assert_problem(await client.patch(created.headers["location"], json={"custom_fields": {key: value}},
                                             headers=rep), 422)
    assert loc_of(body) == [["body", "custom_fields", key]]


async def test_an_unknown_key_is_a_422(client, fields, rep):
    body = assert_problem(await client.post(C, json={"first_name": "X", "custom_fields": {"nope": 1}}, headers=rep),
                          422)
    assert loc_of(body) == [["body", "custom_fields", "nope"]]
    assert (await client.get(C, headers=rep)).json()["items"] == []


async def test_required_fields_must_be_given_on_create(client, fields, admin_headers, rep):
    await client.patch(fields["vip"].headers["location"], json={"required": True}, headers=admin_headers)
    body = assert_problem(await client.post(C, json={"first_name": "X"}, headers=rep), 422)
    assert loc_of(body) == [["body", "custom_fields", "vip"]]
    assert_problem(await client.post(C, json={"first_name": "X", "custom_fields": {"vip": None}}, headers=rep), 422)
    r = await client.post(C, json={"first_name": "X", "custom_fields": {"vip": False}}, headers=rep)
    assert r.status_code == 201, r.text
    # Other changes need not repeat it; clearing it is refused.
    assert (await client.patch(r.headers["location"], json={"last_name": "Y"}, headers=rep)).status_code == 200
    assert_problem(await client.patch(r.headers["location"], json={"custom_fields": {"vip": None}}, headers=rep), 422)


async def test_patch_changes_only_the_keys_sent_and_null_clears(client, fields, rep):
    r = await client.post(C, json={"first_name": "X", "custom_fields": {"vip": True, "nickname": "Ex"}}, headers=rep)
    r = await client.patch(r.headers["location"], json={"custom_fields": {"nickname": None, "shoe_size": 40}},
                           headers=rep)
    assert r.json()["custom_fields"] == {"vip": True, "shoe_size": 40}


async def test_cf_filter_reads_the_value_as_the_fields_type(client, fields, rep):
    a = (await client.post(C, json={"first_name": "A", "custom_fields": {
        "shoe_size": 42, "vip": True, "member_since": "2024-01-05", "city": "تهران"}}, headers=rep)).json()
    await client.post(C, json={"first_name": "B", "custom_fields": {
        "shoe_size": 40, "vip": False, "member_since": "2023-01-05", "city": "Shiraz"}}, headers=rep)
    for params in ({"cf.shoe_size": "42"}, {"cf.shoe_size": "۴۲"}, {"cf.shoe_size": "42.0"}, {"cf.vip": "true"},
                   {"cf.member_since": "2024-01-05"}, {"cf.city": "تهران"},
                   {"cf.vip": "1", "cf.shoe_size": "42"}):
        r = await client.get(C, params=params, headers=rep)
        assert r.status_code == 200, r.text
        assert [c["id"] for c in r.json()["items"]] == [a["id"]], params
    assert (await client.get(C, params={"cf.shoe_size": "41"}, headers=rep)).json()["items"] == []


async def test_a_cf_filter_value_that_does_not_fit_is_a_422(client, fields, rep):
    for name, value in (("cf.shoe_size", "big"), ("cf.vip", "perhaps"), ("cf.member_since", "yesterday"),
                        ("cf.city", "Paris"), ("cf.nope", "1")):
        body = assert_problem(await client.get(C, params={name: value}, headers=rep), 422)
        assert loc_of(body) == [["query", name]]


async def test_a_used_choice_stays_and_a_used_field_is_retired_not_deleted(client, fields, admin_headers, rep):
    await client.post(C, json={"first_name": "A", "custom_fields": {"city": "Shiraz"}}, headers=rep)
    city = fields["city"].headers["location"]
    assert_problem(await client.patch(city, json={"choices": ["تهران"]}, headers=admin_headers), 409)
    r = await client.patch(city, json={"choices": ["تهران", "Shiraz", "Tabriz"]}, headers=admin_headers)
    assert r.json()["choices"] == ["تهران", "Shiraz", "Tabriz"]
    assert_problem(await client.delete(city, headers=admin_headers), 409)
    assert (await client.delete(fields["nickname"].headers["location"], headers=admin_headers)).status_code == 204
    assert_problem(await client.get(fields["nickname"].headers["location"], headers=admin_headers), 404)


async def test_a_retired_field_takes_no_new_values_but_can_be_cleared(client, fields, admin_headers, rep):
    r = await client.post(C, json={"first_name": "A", "custom_fields": {"shoe_size": 42}}, headers=rep)
    await client.patch(fields["shoe_size"].headers["location"], json={"is_active": False}, headers=admin_headers)
    active = (await client.get(F, params={"is_active": "true"}, headers=rep)).json()["items"]
    assert "shoe_size" not in [f["key"] for f in active]
    url = r.headers["location"]
    assert_problem(await client.patch(url, json={"custom_fields": {"shoe_size": 43}}, headers=rep), 422)
    same = await client.patch(url, json={"custom_fields": {"shoe_size": 42}}, headers=rep)
    assert same.status_code == 200
    cleared = await client.patch(url, json={"custom_fields": {"shoe_size": None}}, headers=rep)
    assert cleared.json()["custom_fields"] == {}
