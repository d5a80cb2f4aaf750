"""API keys: created by admins, shown once, scoped, acting as a user, revocable."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from helpers import assert_problem
from sqlalchemy import select

from api.auth.models import ApiKey
from api.core.access import Role

KEYS = "/api/v1/api-keys"




def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def create_key(client, headers, scopes, **extra) -> dict:
    r = await client.post(KEYS, json={"name": "Accounting sync", "scopes": scopes, **extra}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def new_user(email: str = "new@example.com") -> dict:
    return {"email": email, "full_name": "New Person", "password": "long-enough-pw"}


async def test_admin_creates_a_key_whose_secret_is_shown_once(client, admin, admin_headers, db):
    r = await client.post(KEYS, json={"name": "Accounting sync", "scopes": ["users:read"]}, headers=admin_headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/api-keys/{body['id']}"
    secret = body["key"]
    assert secret.startswith("pvk_")
    assert len(secret) > 30
    assert body["prefix"] == secret[:12]
    assert (body["name"], body["scopes"], body["user_id"]) == ("Accounting sync", ["users:read"], str(admin.id))
    assert body["created_by_id"] == str(admin.id)
    assert body["revoked_at"] is None

    got = await client.get(r.headers["location"], headers=admin_headers)
    assert got.status_code == 200
    assert "key" not in got.json()
    assert secret not in got.text
    listed = await client.get(KEYS, headers=admin_headers)
    assert [k["id"] for k in listed.json()["items"]] == [body["id"]]
    assert secret not in listed.text

    # Only a hash is stored.
    stored = await db(lambda s: s.scalar(select(ApiKey.key_hash).where(ApiKey.id == body["id"])))
    assert stored == hashlib.sha256(secret.encode()).hexdigest()


async def test_key_authenticates_as_its_user_with_its_scopes(client, admin, admin_headers):
    key = await create_key(client, admin_headers, ["users:read", "me"])
    r = await client.get("/api/v1/me", headers=bearer(key["key"]))
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["id"] == str(admin.id)
    assert me["api_key_id"] == key["id"]
    assert me["scopes"] == ["me", "users:read"]


async def test_read_scoped_key_lists_users_but_cannot_create_one(client, admin_headers, make_user):
    other = await make_user()
    key = await create_key(client, admin_headers, ["users:read"])
    r = await client.get("/api/v1/users", headers=bearer(key["key"]))
    assert r.status_code == 200, r.text
    assert str(other.id) in {u["id"] for u in r.json()["items"]}

    assert_problem(await client.post("/api/v1/users", json=new_user(), headers=bearer(key["key"])), 403, "forbidden")
    # The key cannot give itself more either: creating keys needs a scope it lacks.
    r = await client.post(KEYS, json={"name": "escalate", "scopes": ["users:write"]}, headers=bearer(key["key"]))
    assert_problem(r, 403)
    emails = {u["email"] for u in (await client.get("/api/v1/users", headers=bearer(key["key"]))).json()["items"]}
    assert "new@example.com" not in emails


async def test_write_scoped_key_acting_as_admin_creates_users(client, admin_headers):
    key = await create_key(client, admin_headers, ["users:write"])
    r = await client.post("/api/v1/users", json=new_user(), headers=bearer(key["key"]))
    assert r.status_code == 201, r.text


async def test_key_scopes_never_exceed_the_acting_users_role(client, admin_headers, make_user):
    seller = await make_user(Role.sales)
    key = await create_key(client, admin_headers, ["users:write", "users:read"], user_id=str(seller.id))
    assert key["user_id"] == str(seller.id)

    assert_problem(await client.post("/api/v1/users", json=new_user(), headers=bearer(key["key"])), 403)
    assert_problem(await client.get("/api/v1/users", headers=bearer(key["key"])), 403)
    me = (await client.get("/api/v1/me", headers=bearer(key["key"]))).json()
    assert me["id"] == str(seller.id)
    assert me["scopes"] == []


async def test_unknown_scope_is_422(client, admin_headers):
    r = await client.post(KEYS, json={"name": "x", "scopes": ["users:read", "root"]}, headers=admin_headers)
    body = assert_problem(r, 422, "validation-error")
    assert body["errors"][0]["loc"] == ["body", "scopes"]
    assert "root" in body["errors"][0]["msg"]
    assert_problem(await client.post(KEYS, json={"name": "x", "scopes": []}, headers=admin_headers), 422)
    assert (await client.get(KEYS, headers=admin_headers)).json()["items"] == []


async def test_key_must_act_as_an_existing_active_user(client, admin_headers, make_user):
    missing = "01900000-0000-7000-8000-000000000000"
    r = await client.post(KEYS, json={"name": "x", "scopes": ["me"], "user_id": missing}, headers=admin_headers)
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "user_id"]

    user = await make_user()
    await client.patch(f"/api/v1/users/{user.id}", json={"is_active": False}, headers=admin_headers)
    r = await client.post(KEYS, json={"name": "x", "scopes": ["me"], "user_id": str(user.id)}, headers=admin_headers)
    assert_problem(r, 422)


async def test_revoked_key_is_refused(client, admin_headers):
    key = await create_key(client, admin_headers, ["users:read"])
    assert (await client.get("/api/v1/users", headers=bearer(key["key"]))).status_code == 200

    r = await client.delete(f"{KEYS}/{key['id']}", headers=admin_headers)
    assert r.status_code == 204, r.text
    r = await client.get("/api/v1/users", headers=bearer(key["key"]))
    assert_problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"
    assert (await client.get(f"{KEYS}/{key['id']}", headers=admin_headers)).json()["revoked_at"] is not None
    # Revoking again changes nothing; an unknown key is not found.
    assert (await client.delete(f"{KEYS}/{key['id']}", headers=admin_headers)).status_code == 204
    assert_problem(await client.delete(f"{KEYS}/01900000-0000-7000-8000-000000000000", headers=admin_headers), 404)


async def test_expired_key_is_refused(client, admin_headers, db):
    key = await create_key(client, admin_headers, ["me"])
    assert (await client.get("/api/v1/me", headers=bearer(key["key"]))).status_code == 200

    async def expire(s):
        row = await s.get(ApiKey, key["id"])
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)

    await db(expire)
    assert_problem(await client.get("/api/v1/me", headers=bearer(key["key"])), 401)


async def test_key_stops_working_when_its_user_is_deactivated(client, admin_headers, make_user):
    manager = await make_user(Role.manager)
    key = await create_key(client, admin_headers, ["users:read"], user_id=str(manager.id))
    assert (await client.get("/api/v1/users", headers=bearer(key["key"]))).status_code == 200
    r = await client.patch(f"/api/v1/users/{manager.id}", json={"is_active": False}, headers=admin_headers)
    assert r.status_code == 200, r.text
    assert_problem(await client.get("/api/v1/users", headers=bearer(key["key"])), 401)


async def test_using_a_key_sets_last_used_at(client, admin_headers):
    key = await create_key(client, admin_headers, ["me"])
    assert key["last_used_at"] is None
    before = datetime.now(UTC)
    assert (await client.get("/api/v1/me", headers=bearer(key["key"]))).status_code == 200
    used = (await client.get(f"{KEYS}/{key['id']}", headers=admin_headers)).json()["last_used_at"]
    assert used is not None
    assert datetime.fromisoformat(used) >= before - timedelta(seconds=1)


async def test_a_key_cannot_log_out(client, admin_headers):
    key = await create_key(client, admin_headers, ["me"])
    assert_problem(await client.post("/api/v1/auth/logout", headers=bearer(key["key"])), 422)
    assert (await client.get("/api/v1/me", headers=bearer(key["key"]))).status_code == 200


async def test_non_admins_cannot_manage_keys(client, admin_headers, make_user, login):
    key = await create_key(client, admin_headers, ["me"])
    for role in (Role.manager, Role.sales):
        headers = await login(await make_user(role))
        assert_problem(await client.post(KEYS, json={"name": "x", "scopes": ["me"]}, headers=headers), 403, "forbidden")
        assert_problem(await client.get(KEYS, headers=headers), 403)
        assert_problem(await client.delete(f"{KEYS}/{key['id']}", headers=headers), 403)
    assert (await client.get("/api/v1/me", headers=bearer(key["key"]))).status_code == 200


async def test_unknown_key_is_401(client):
    assert_problem(await client.get("/api/v1/me", headers=bearer("pvk_not-a-real-key")), 401)
