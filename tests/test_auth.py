"""Logins, logout, lockout, rate limits and the caller's own profile, through the HTTP API."""

from __future__ import annotations

import asyncio
import time

import pytest
from conftest import PASSWORD
from helpers import assert_problem
from sqlalchemy import select

from api.core.access import Role
from api.users.models import User

TOKEN = "/api/v1/auth/token"




async def post_login(client, email: str, password: str):
    return await client.post(TOKEN, data={"username": email, "password": password})


async def failed_logins_of(db, user_id) -> int:
    return await db(lambda s: s.scalar(select(User.failed_logins).where(User.id == user_id)))


async def test_login_returns_bearer_token_with_expiry(client, make_user, app_settings):
    user = await make_user(Role.sales)
    r = await post_login(client, user.email, PASSWORD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["access_token"].startswith("pvt_")
    assert body["expires_in"] == app_settings.access_token_ttl_seconds
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == str(user.id)


async def test_login_email_is_case_insensitive(client, make_user):
    await make_user(email="Mixed.Case@Example.com")
    r = await post_login(client, "  MIXED.case@example.COM ", PASSWORD)
    assert r.status_code == 200, r.text


async def test_wrong_password_and_unknown_email_look_the_same(client, make_user):
    user = await make_user()
    wrong = assert_problem(await post_login(client, user.email, "not-the-password"), 401, "unauthorized")
    unknown = assert_problem(await post_login(client, "nobody@example.com", PASSWORD), 401, "unauthorized")
    assert wrong["detail"] == unknown["detail"]
    assert wrong["title"] == unknown["title"]


async def test_me_without_token_is_401_with_www_authenticate(client):
    r = await client.get("/api/v1/me")
    assert_problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"


async def test_me_with_unknown_token_is_401(client):
    r = await client.get("/api/v1/me", headers={"Authorization": "Bearer pvt_not-a-real-token"})
    assert_problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"


async def test_logout_revokes_the_token_and_login_works_again(client, make_user, login):
    user = await make_user()
    headers = await login(user)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200

    r = await client.post("/api/v1/auth/logout", headers=headers)
    assert r.status_code == 204, r.text
    assert_problem(await client.get("/api/v1/me", headers=headers), 401)
    assert_problem(await client.post("/api/v1/auth/logout", headers=headers), 401)

    again = await login(user)
    assert again != headers
    assert (await client.get("/api/v1/me", headers=again)).status_code == 200


async def test_logout_ends_only_the_session_it_was_sent_with(client, make_user, login):
    user = await make_user()
    first, second = await login(user), await login(user)
    assert (await client.post("/api/v1/auth/logout", headers=first)).status_code == 204
    assert (await client.get("/api/v1/me", headers=first)).status_code == 401
    assert (await client.get("/api/v1/me", headers=second)).status_code == 200


class TestLockout:
    @pytest.fixture
    def app_settings(self, settings):
        return settings.model_copy(update={"login_max_failures": 3, "login_lockout_seconds": 60})

    async def test_failures_lock_the_account_even_for_the_right_password(self, client, make_user, db):
        user = await make_user()
        for attempt in (1, 2):
            assert_problem(await post_login(client, user.email, "wrong-password"), 401)
            # The 401 rolls the request's transaction back; the count is kept anyway.
            assert await failed_logins_of(db, user.id) == attempt
        assert_problem(await post_login(client, user.email, "wrong-password"), 401)

        r = await post_login(client, user.email, PASSWORD)
        assert_problem(r, 429, "account-locked")
        assert 1 <= int(r.headers["retry-after"]) <= 61
        locked_until = await db(lambda s: s.scalar(select(User.locked_until).where(User.id == user.id)))
        assert locked_until is not None

    async def test_success_resets_the_failure_count(self, client, make_user, db):
        user = await make_user()
        for _ in range(2):
            assert_problem(await post_login(client, user.email, "wrong-password"), 401)
        assert (await post_login(client, user.email, PASSWORD)).status_code == 200
        assert await failed_logins_of(db, user.id) == 0
        for _ in range(2):
            assert_problem(await post_login(client, user.email, "wrong-password"), 401)
        assert (await post_login(client, user.email, PASSWORD)).status_code == 200

    async def test_lock_of_one_account_leaves_others_alone(self, client, make_user):
        victim, other = await make_user(), await make_user()
        for _ in range(3):
            await post_login(client, victim.email, "wrong-password")
        assert_problem(await post_login(client, victim.email, PASSWORD), 429, "account-locked")
        assert (await post_login(client, other.email, PASSWORD)).status_code == 200


class TestLoginRateLimit:
    @pytest.fixture
    def app_settings(self, settings):
        return settings.model_copy(update={"login_rate_per_minute": 3})

    async def test_fourth_login_in_a_minute_is_rate_limited(self, client, make_user):
        user = await make_user()
        # The limit counts per wall-clock minute; start well inside one so all four land in it.
        if 60 - time.time() % 60 < 3:
            await asyncio.sleep(60 - time.time() % 60 + 0.1)
        for _ in range(3):
            assert (await post_login(client, user.email, PASSWORD)).status_code == 200
        r = await post_login(client, user.email, PASSWORD)
        assert_problem(r, 429, "rate-limited")
        assert 1 <= int(r.headers["retry-after"]) <= 60


async def test_deactivated_user_cannot_log_in_and_their_token_stops_working(
    client, make_user, login, admin_headers
):
    user = await make_user()
    headers = await login(user)
    r = await client.patch(f"/api/v1/users/{user.id}", json={"is_active": False}, headers=admin_headers)
    assert r.status_code == 200, r.text
    assert r.json()["is_active"] is False

    assert_problem(await client.get("/api/v1/me", headers=headers), 401)
    body = assert_problem(await post_login(client, user.email, PASSWORD), 401, "unauthorized")
    assert body["detail"] == "Wrong e-mail or password."

    r = await client.patch(f"/api/v1/users/{user.id}", json={"is_active": True}, headers=admin_headers)
    assert r.status_code == 200, r.text
    assert (await post_login(client, user.email, PASSWORD)).status_code == 200
    # Reactivation does not bring back the tokens that deactivation ended.
    assert_problem(await client.get("/api/v1/me", headers=headers), 401)


async def test_password_change_by_admin_ends_the_users_sessions(client, make_user, login, admin_headers):
    user = await make_user()
    headers = await login(user)
    r = await client.patch(
        f"/api/v1/users/{user.id}", json={"password": "a-brand-new-password"}, headers=admin_headers
    )
    assert r.status_code == 200, r.text
    assert_problem(await client.get("/api/v1/me", headers=headers), 401)
    assert_problem(await post_login(client, user.email, PASSWORD), 401)
    assert (await post_login(client, user.email, "a-brand-new-password")).status_code == 200
    # The admin's own session is untouched.
    assert (await client.get("/api/v1/me", headers=admin_headers)).status_code == 200


async def test_me_describes_the_caller_with_their_scopes(client, make_user, login):
    user = await make_user(Role.sales, full_name="Sara Ahmadi")
    r = await client.get("/api/v1/me", headers=await login(user))
    assert r.status_code == 200
    body = r.json()
    assert body["email"] == user.email
    assert body["full_name"] == "Sara Ahmadi"
    assert body["role"] == "sales"
    assert body["scopes"] == ["customers:read", "customers:write", "me"]
    assert body["api_key_id"] is None
    assert "password_hash" not in body
    assert r.headers["etag"]


async def test_patch_me_changes_language_and_calendar(client, make_user, login):
    user = await make_user()
    headers = await login(user)
    r = await client.patch("/api/v1/me", json={"language": "fa", "calendar": "jalali"}, headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["language"], r.json()["calendar"]) == ("fa", "jalali")
    again = (await client.get("/api/v1/me", headers=headers)).json()
    assert (again["language"], again["calendar"]) == ("fa", "jalali")


async def test_patch_me_refuses_unknown_language_and_role_changes(client, make_user, login):
    user = await make_user()
    headers = await login(user)
    assert_problem(await client.patch("/api/v1/me", json={"language": "de"}, headers=headers), 422)
    body = assert_problem(await client.patch("/api/v1/me", json={"role": "admin"}, headers=headers), 422)
    assert any(e["loc"][-1] == "role" for e in body["errors"])
    assert (await client.get("/api/v1/me", headers=headers)).json()["role"] == "sales"


async def test_changing_my_password_needs_the_current_one(client, make_user, login):
    user = await make_user()
    headers = await login(user)
    other_device = await login(user)
    new = "my-new-long-password"

    for body in ({"password": new}, {"password": new, "current_password": "not-my-password"}):
        r = await client.patch("/api/v1/me", json=body, headers=headers)
        problem = assert_problem(r, 422, "validation-error")
        assert problem["errors"][0]["loc"] == ["body", "current_password"]
    assert_problem(await post_login(client, user.email, new), 401)
    # A wrong current password is not a dead session: the token still works.
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200

    change = {"password": new, "current_password": PASSWORD}
    r = await client.patch("/api/v1/me", json=change, headers=headers)
    assert r.status_code == 200, r.text
    assert_problem(await post_login(client, user.email, PASSWORD), 401)
    assert (await post_login(client, user.email, new)).status_code == 200
    # The device that changed the password stays logged in; every other login ends.
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert_problem(await client.get("/api/v1/me", headers=other_device), 401)
