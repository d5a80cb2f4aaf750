"""The audit log: every change through the API is recorded field by field, in the change's transaction."""

from __future__ import annotations

from helpers import assert_problem
from sqlalchemy import func, select

from api.core.access import Role
from api.core.audit import AuditEntry

AUDIT = "/api/v1/audit-log"
USERS = "/api/v1/users"




def new_user(email: str = "sara@example.com", **extra) -> dict:
    return {"email": email, "full_name": "Sara Ahmadi", "password": "long-enough-pw", "role": "sales", **extra}


async def entries_for(client, headers, entity_id, **params) -> list[dict]:
    r = await client.get(AUDIT, params={"entity_id": str(entity_id), **params}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def audit_count(db) -> int:
    return await db(lambda s: s.scalar(select(func.count()).select_from(AuditEntry)))


async def test_creating_a_user_records_who_created_what(client, admin, admin_headers, make_team):
    team = await make_team()
    r = await client.post(USERS, json=new_user(team_id=str(team.id)), headers=admin_headers)
    assert r.status_code == 201, r.text
    user_id = r.json()["id"]

    [entry] = await entries_for(client, admin_headers, user_id)
    assert entry["action"] == "create"
    assert entry["entity_type"] == "user"
    assert entry["actor_user_id"] == str(admin.id)
    assert entry["actor_api_key_id"] is None
    changes = entry["changes"]
    assert changes["email"] == [None, "sara@example.com"]
    assert changes["role"] == [None, "sales"]
    assert changes["team_id"] == [None, str(team.id)]
    for secret in ("password_hash", "password", "failed_logins"):
        assert secret not in changes
    assert "argon2" not in str(changes)


async def test_patch_records_old_and_new_values_of_changed_fields_only(client, admin_headers, make_user):
    user = await make_user(Role.sales, full_name="Old Name", language="en")
    r = await client.patch(
        f"{USERS}/{user.id}",
        json={"full_name": "New Name", "role": "finance", "language": "en", "email": user.email},
        headers=admin_headers,
    )
    assert r.status_code == 200, r.text

    entries = await entries_for(client, admin_headers, user.id, action="update")
    assert len(entries) == 1
    assert entries[0]["changes"] == {"full_name": ["Old Name", "New Name"], "role": ["sales", "finance"]}


async def test_password_reset_is_audited_without_the_hash(client, admin, admin_headers, make_user, db):
    user = await make_user()
    before = await audit_count(db)
    r = await client.patch(f"{USERS}/{user.id}", json={"password": "another-long-password"}, headers=admin_headers)
    assert r.status_code == 200, r.text
    rows = (await db(lambda s: s.scalars(select(AuditEntry).where(AuditEntry.entity_id == user.id,
                                                                   AuditEntry.occurred_at.is_not(None))))).all()
    assert all("password_hash" not in e.changes and "argon2" not in str(e.changes) for e in rows)
    # One entry says who reset the password; no empty "update" entry beside it.
    assert await audit_count(db) == before + 1
    reset = [e for e in rows if e.action == "password_reset"]
    assert len(reset) == 1 and reset[0].actor_user_id == admin.id and reset[0].changes == {}


async def test_failed_requests_leave_no_audit_entry(client, admin, admin_headers, db):
    assert (await client.post(USERS, json=new_user(), headers=admin_headers)).status_code == 201
    before = await audit_count(db)

    assert_problem(await client.post(USERS, json=new_user(email="SARA@example.com"), headers=admin_headers), 409)
    # The last admin may not step down: refused after the rest of the change was accepted.
    r = await client.patch(f"{USERS}/{admin.id}", json={"full_name": "Renamed", "role": "sales"}, headers=admin_headers)
    assert_problem(r, 409)
    r = await client.patch(f"{USERS}/{admin.id}", json={"full_name": "Renamed"},
                           headers={**admin_headers, "If-Match": '"stale"'})
    assert_problem(r, 412)

    assert await audit_count(db) == before
    assert (await client.get("/api/v1/me", headers=admin_headers)).json()["full_name"] == "Admin"


async def test_entry_carries_the_request_id_of_the_change(client, admin_headers):
    r = await client.post(USERS, json=new_user(), headers={**admin_headers, "X-Request-ID": "req-create.42"})
    assert r.status_code == 201, r.text
    assert r.headers["x-request-id"] == "req-create.42"
    user_id = r.json()["id"]

    r = await client.patch(f"{USERS}/{user_id}", json={"full_name": "Someone"}, headers=admin_headers)
    generated = r.headers["x-request-id"]
    assert generated

    by_action = {e["action"]: e for e in await entries_for(client, admin_headers, user_id)}
    assert by_action["create"]["request_id"] == "req-create.42"
    assert by_action["update"]["request_id"] == generated


async def test_audit_log_filters_by_entity_type_and_id(client, admin_headers, make_user, make_team):
    team = await make_team("Filtered")
    user = await make_user(team_id=team.id)
    r = await client.patch(f"/api/v1/teams/{team.id}", json={"name": "Renamed"}, headers=admin_headers)
    assert r.status_code == 200, r.text

    teams = (await client.get(AUDIT, params={"entity_type": "team"}, headers=admin_headers)).json()["items"]
    assert {e["entity_type"] for e in teams} == {"team"}
    assert [e["action"] for e in teams] == ["update", "create"]  # newest first
    assert teams[0]["changes"] == {"name": ["Filtered", "Renamed"]}

    only_user = await entries_for(client, admin_headers, user.id)
    assert [(e["entity_type"], e["entity_id"]) for e in only_user] == [("user", str(user.id))]
    both = await client.get(AUDIT, params=[("entity_id", str(user.id)), ("entity_id", str(team.id))],
                            headers=admin_headers)
    assert {e["entity_id"] for e in both.json()["items"]} == {str(user.id), str(team.id)}
    assert await entries_for(client, admin_headers, user.id, entity_type="team") == []


async def test_manager_reads_the_log_of_their_team_subtree_only(client, admin_headers, make_team, make_user, login):
    head = await make_team("Head office")
    a, b = await make_team("Team A", head.id), await make_team("Team B", head.id)
    a1 = await make_team("Team A1", a.id)
    manager = await make_user(Role.manager, team_id=a.id)
    created = {}
    for name, team in (("a1", a1), ("b", b)):
        r = await client.post(USERS, json=new_user(f"{name}@example.com", team_id=str(team.id)), headers=admin_headers)
        assert r.status_code == 201, r.text
        created[name] = r.json()["id"]

    headers = await login(manager)
    assert len(await entries_for(client, headers, created["a1"])) == 1
    assert await entries_for(client, headers, created["b"]) == []
    everything = (await client.get(AUDIT, params={"limit": 200}, headers=headers)).json()["items"]
    seen = {e["entity_id"] for e in everything}
    assert created["a1"] in seen
    assert created["b"] not in seen
    assert str(b.id) not in seen
    assert str(head.id) not in seen


async def test_sales_user_cannot_read_the_audit_log(client, make_user, login):
    headers = await login(await make_user(Role.sales))
    assert_problem(await client.get(AUDIT, headers=headers), 403, "forbidden")


async def test_changes_made_with_an_api_key_record_the_key(client, admin, admin_headers):
    body = {"name": "HR sync", "scopes": ["users:write"]}
    r = await client.post("/api/v1/api-keys", json=body, headers=admin_headers)
    assert r.status_code == 201, r.text
    key = r.json()
    r = await client.post(USERS, json=new_user(), headers={"Authorization": f"Bearer {key['key']}"})
    assert r.status_code == 201, r.text

    [entry] = await entries_for(client, admin_headers, r.json()["id"])
    assert entry["actor_api_key_id"] == key["id"]
    assert entry["actor_user_id"] == str(admin.id)
    # Creating the key was audited too, without its secret or hash.
    [key_entry] = await entries_for(client, admin_headers, key["id"])
    assert key_entry["entity_type"] == "api_key"
    assert key_entry["actor_api_key_id"] is None
    assert key_entry["changes"]["scopes"] == [None, ["users:write"]]
    assert "key_hash" not in key_entry["changes"]
    assert key["key"] not in str(key_entry["changes"])
