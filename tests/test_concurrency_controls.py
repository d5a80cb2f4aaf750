"""Optimistic concurrency with ETag / If-Match, and the Redis rate limiter."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from helpers import assert_problem
from sqlalchemy import text

from api.core.errors import RateLimited
from api.core.ratelimit import hit

TEAMS = "/api/v1/teams"


@pytest.fixture
def app_settings(settings: Any, request: pytest.FixtureRequest) -> Any:
    """The session settings, changed by ``@pytest.mark.parametrize("app_settings", [{...}], indirect=True)``."""
    return settings.model_copy(update=getattr(request, "param", {}))


@pytest.fixture
async def team(client: Any, admin_headers: dict[str, str]) -> dict[str, Any]:
    r = await client.post(TEAMS, headers=admin_headers, json={"name": "Tehran"})
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"], "etag": r.headers["etag"], "url": f"{TEAMS}/{r.json()['id']}"}




# ETags -------------------------------------------------------------------------------------------

async def test_read_and_create_carry_the_same_etag(client, admin_headers, team):
    r = await client.get(team["url"], headers=admin_headers)
    assert r.status_code == 200
    assert r.headers["etag"] == team["etag"]
    assert r.headers["etag"].startswith('"')
    assert r.headers["etag"].endswith('"')


async def test_patch_with_matching_etag_succeeds_and_changes_the_etag(client, admin_headers, team):
    r = await client.patch(team["url"], headers={**admin_headers, "If-Match": team["etag"]}, json={"name": "Shiraz"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Shiraz"
    assert r.headers["etag"] != team["etag"]
    fresh = await client.get(team["url"], headers=admin_headers)
    assert fresh.headers["etag"] == r.headers["etag"]


async def test_patch_with_stale_etag_is_a_412_carrying_the_current_etag(client, admin_headers, team):
    first = await client.patch(team["url"], headers={**admin_headers, "If-Match": team["etag"]},
                               json={"name": "Shiraz"})
    assert first.status_code == 200
    stale = await client.patch(team["url"], headers={**admin_headers, "If-Match": team["etag"]},
                               json={"name": "Tabriz"})
    body = assert_problem(stale, 412)
    assert body["type"].endswith("precondition-failed")
    assert stale.headers["etag"] == first.headers["etag"]
    current = await client.get(team["url"], headers=admin_headers)
    assert current.json()["name"] == "Shiraz"
    # Retrying with the ETag the 412 handed back succeeds.
    retry = await client.patch(team["url"], headers={**admin_headers, "If-Match": stale.headers["etag"]},
                               json={"name": "Tabriz"})
    assert retry.status_code == 200
    assert retry.json()["name"] == "Tabriz"


async def test_patch_with_star_matches_any_version(client, admin_headers, team):
    await client.patch(team["url"], headers=admin_headers, json={"name": "Shiraz"})
    r = await client.patch(team["url"], headers={**admin_headers, "If-Match": "*"}, json={"name": "Tabriz"})
    assert r.status_code == 200
    assert r.json()["name"] == "Tabriz"


async def test_patch_without_if_match_is_unconditional(client, admin_headers, team):
    await client.patch(team["url"], headers=admin_headers, json={"name": "Shiraz"})
    r = await client.patch(team["url"], headers=admin_headers, json={"name": "Tabriz"})
    assert r.status_code == 200


async def test_if_match_accepts_a_list_and_weak_form(client, admin_headers, team):
    listed = f'"{uuid.uuid4()}.1", {team["etag"]}'
    r = await client.patch(team["url"], headers={**admin_headers, "If-Match": listed}, json={"name": "Shiraz"})
    assert r.status_code == 200
    weak = "W/" + r.headers["etag"]
    r2 = await client.patch(team["url"], headers={**admin_headers, "If-Match": weak}, json={"name": "Tabriz"})
    assert r2.status_code == 200


async def test_etag_of_another_record_does_not_match(client, admin_headers, team):
    other = await client.post(TEAMS, headers=admin_headers, json={"name": "Other"})
    r = await client.patch(team["url"], headers={**admin_headers, "If-Match": other.headers["etag"]},
                           json={"name": "Shiraz"})
    assert_problem(r, 412)


async def test_delete_with_matching_etag_deletes(client, admin_headers, team):
    r = await client.delete(team["url"], headers={**admin_headers, "If-Match": team["etag"]})
    assert r.status_code == 204
    assert r.content == b""
    assert (await client.get(team["url"], headers=admin_headers)).status_code == 404


async def test_delete_with_stale_etag_is_a_412_and_keeps_the_record(client, admin_headers, team):
    changed = await client.patch(team["url"], headers=admin_headers, json={"name": "Shiraz"})
    r = await client.delete(team["url"], headers={**admin_headers, "If-Match": team["etag"]})
    assert_problem(r, 412)
    assert r.headers["etag"] == changed.headers["etag"]
    assert (await client.get(team["url"], headers=admin_headers)).status_code == 200


async def test_delete_with_star_deletes(client, admin_headers, team):
    r = await client.delete(team["url"], headers={**admin_headers, "If-Match": "*"})
    assert r.status_code == 204
    assert (await client.get(team["url"], headers=admin_headers)).status_code == 404


async def test_stale_write_changes_nothing(client, admin_headers, team, db):
    await client.patch(team["url"], headers=admin_headers, json={"name": "Shiraz"})
    before = await db(lambda s: s.execute(text("SELECT name, version FROM team")))
    before_rows = before.all()
    await client.patch(team["url"], headers={**admin_headers, "If-Match": team["etag"]}, json={"name": "Tabriz"})
    after = (await db(lambda s: s.execute(text("SELECT name, version FROM team")))).all()
    assert after == before_rows == [("Shiraz", 2)]


# Rate limiting -----------------------------------------------------------------------------------

WINDOW = 3600  # long, so the three calls below cannot straddle two windows


async def test_third_hit_over_a_limit_of_two_is_rate_limited(redis):
    bucket, client = f"test-{uuid.uuid4().hex}", "203.0.113.7"
    await hit(redis, bucket, client, limit=2, window_seconds=WINDOW)
    await hit(redis, bucket, client, limit=2, window_seconds=WINDOW)
    before = int(time.time())
    with pytest.raises(RateLimited) as caught:
        await hit(redis, bucket, client, limit=2, window_seconds=WINDOW)
    after = int(time.time())
    err = caught.value
    assert err.status == 429
    retry_after = int(err.headers["Retry-After"])
    assert 1 <= retry_after <= WINDOW
    # Retry-After points at the start of the next window.
    next_window = (before // WINDOW + 1) * WINDOW
    assert next_window - after <= retry_after <= next_window - before
    assert str(retry_after) in err.detail


@pytest.mark.parametrize("app_settings", [{"login_rate_per_minute": 2}], indirect=True)
async def test_login_over_its_rate_is_a_429_problem_with_retry_after(client):
    form = {"username": "nobody@example.com", "password": "wrong-password"}
    if time.time() % 60 > 55:  # the three logins must fall in one minute window
        await _sleep_until(int(time.time()) // 60 * 60 + 60)
    for _ in range(2):
        assert (await client.post("/api/v1/auth/token", data=form)).status_code == 401
    r = await client.post("/api/v1/auth/token", data=form)
    body = assert_problem(r, 429)
    assert body["type"].endswith("/rate-limited")
    assert 1 <= int(r.headers["retry-after"]) <= 60


async def test_rate_limit_keeps_refusing_within_the_window(redis):
    bucket = f"test-{uuid.uuid4().hex}"
    for _ in range(2):
        await hit(redis, bucket, "c", limit=2, window_seconds=WINDOW)
    for _ in range(3):
        with pytest.raises(RateLimited):
            await hit(redis, bucket, "c", limit=2, window_seconds=WINDOW)


async def test_rate_limits_are_per_client_and_per_bucket(redis):
    bucket = f"test-{uuid.uuid4().hex}"
    for _ in range(2):
        await hit(redis, bucket, "alice", limit=2, window_seconds=WINDOW)
    with pytest.raises(RateLimited):
        await hit(redis, bucket, "alice", limit=2, window_seconds=WINDOW)
    await hit(redis, bucket, "bob", limit=2, window_seconds=WINDOW)
    await hit(redis, f"{bucket}-other", "alice", limit=2, window_seconds=WINDOW)


async def test_rate_limit_counters_expire_with_their_window(redis):
    bucket = f"test-{uuid.uuid4().hex}"
    await hit(redis, bucket, "c", limit=5, window_seconds=60)
    keys = [k async for k in redis.scan_iter(match=f"peyvand:rl:{bucket}:*")]
    assert len(keys) == 1
    ttl = await redis.ttl(keys[0])
    assert 0 < ttl <= 61


async def test_new_window_starts_a_fresh_count(redis):
    bucket = f"test-{uuid.uuid4().hex}"
    # A one-second window: wait for a fresh one, fill it, then the next second allows again.
    now = time.time()
    await _sleep_until(int(now) + 1)
    await hit(redis, bucket, "c", limit=1, window_seconds=1)
    with pytest.raises(RateLimited):
        await hit(redis, bucket, "c", limit=1, window_seconds=1)
    await _sleep_until(int(time.time()) + 1)
    await hit(redis, bucket, "c", limit=1, window_seconds=1)


async def _sleep_until(epoch_second: int) -> None:
    await asyncio.sleep(max(0.0, epoch_second - time.time()) + 0.01)
