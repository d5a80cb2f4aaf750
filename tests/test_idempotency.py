"""``Idempotency-Key`` on POST: a retry replays the first answer instead of creating twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text

from api.core.access import Role
from api.core.idempotency import purge_expired
from api.main import create_app

TEAMS = "/api/v1/teams"


async def _count(db: Any, sql: str, **params: Any) -> int:
    return int(await db(lambda s: s.scalar(text(sql), params)))


async def _teams(db: Any) -> int:
    return await _count(db, "SELECT count(*) FROM team")


def _keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


@pytest.fixture
async def flaky_client(app_settings: Any) -> AsyncIterator[tuple[httpx.AsyncClient, list[int]]]:
    """A client of an app with a test-only POST route that crashes on its first call and then succeeds.
    (The shared ``app`` fixture yields asgi-lifespan's wrapper, which cannot take routes.)"""
    calls: list[int] = []

    async def flaky() -> dict[str, int]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first attempt crashes")
        return {"attempt": len(calls)}

    application = create_app(app_settings)
    application.add_api_route("/api/v1/_test/flaky", flaky, methods=["POST"], status_code=201)
    async with LifespanManager(application) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c, calls


async def test_retry_with_same_key_and_body_replays_first_response(client, admin_headers, db):
    first = await client.post(TEAMS, headers=_keyed(admin_headers, "create-tehran-1"), json={"name": "Tehran"})
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers

    retry = await client.post(TEAMS, headers=_keyed(admin_headers, "create-tehran-1"), json={"name": "Tehran"})
    assert retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"] == f"{TEAMS}/{first.json()['id']}"
    assert retry.headers["etag"] == first.headers["etag"]
    assert retry.headers["content-type"] == first.headers["content-type"]
    assert await _teams(db) == 1


async def test_replay_is_byte_for_byte_even_after_the_record_changed(client, admin_headers, db):
    first = await client.post(TEAMS, headers=_keyed(admin_headers, "k-rename"), json={"name": "Tehran"})
    team_id = first.json()["id"]
    renamed = await client.patch(f"{TEAMS}/{team_id}", headers=admin_headers, json={"name": "Shiraz"})
    assert renamed.status_code == 200
    retry = await client.post(TEAMS, headers=_keyed(admin_headers, "k-rename"), json={"name": "Tehran"})
    # The retry answers what the first request answered; it does not run again.
    assert retry.content == first.content
    assert retry.json()["name"] == "Tehran"
    assert await _teams(db) == 1


async def test_request_without_key_is_not_deduplicated(client, admin_headers, db):
    for _ in range(2):
        r = await client.post(TEAMS, headers=admin_headers, json={"name": "Tehran"})
        assert r.status_code == 201
        assert "idempotent-replayed" not in r.headers
    assert await _teams(db) == 2
    assert await _count(db, "SELECT count(*) FROM idempotency_record") == 0


async def test_same_key_with_different_body_is_a_409_conflict(client, admin_headers, db):
    first = await client.post(TEAMS, headers=_keyed(admin_headers, "k-1"), json={"name": "Tehran"})
    assert first.status_code == 201
    clash = await client.post(TEAMS, headers=_keyed(admin_headers, "k-1"), json={"name": "Shiraz"})
    assert clash.status_code == 409
    assert clash.headers["content-type"].startswith("application/problem+json")
    body = clash.json()
    assert body["type"].endswith("idempotency-conflict")
    assert body["status"] == 409
    assert await _teams(db) == 1


async def test_same_key_on_another_path_is_a_409_conflict(client, admin_headers, db):
    assert (await client.post(TEAMS, headers=_keyed(admin_headers, "k-2"), json={"name": "Tehran"})).status_code == 201
    r = await client.post("/api/v1/users", headers=_keyed(admin_headers, "k-2"), json={"name": "Tehran"})
    assert r.status_code == 409
    assert r.json()["type"].endswith("idempotency-conflict")


async def test_same_key_from_a_different_user_is_independent(client, admin_headers, make_user, login, db):
    other = await make_user(Role.admin)
    other_headers = await login(other)
    a = await client.post(TEAMS, headers=_keyed(admin_headers, "shared-key"), json={"name": "Tehran"})
    b = await client.post(TEAMS, headers=_keyed(other_headers, "shared-key"), json={"name": "Tehran"})
    assert a.status_code == b.status_code == 201
    assert "idempotent-replayed" not in b.headers
    assert a.json()["id"] != b.json()["id"]
    # And with a different body it is not a conflict either.
    c = await client.post(TEAMS, headers=_keyed(other_headers, "shared-key-2"), json={"name": "Shiraz"})
    d = await client.post(TEAMS, headers=_keyed(admin_headers, "shared-key-2"), json={"name": "Tabriz"})
    assert c.status_code == d.status_code == 201
    assert await _teams(db) == 4


async def test_failed_request_is_not_stored_so_corrected_retry_with_same_key_runs(client, admin_headers, db):
    bad = await client.post(TEAMS, headers=_keyed(admin_headers, "k-fix"), json={"name": ""})
    assert bad.status_code == 422
    assert await _count(db, "SELECT count(*) FROM idempotency_record") == 0

    # A failed request changed nothing, so the same key with the corrected body is no conflict.
    fixed = await client.post(TEAMS, headers=_keyed(admin_headers, "k-fix"), json={"name": "Tehran"})
    assert fixed.status_code == 201, fixed.text
    assert "idempotent-replayed" not in fixed.headers
    again = await client.post(TEAMS, headers=_keyed(admin_headers, "k-fix"), json={"name": "Tehran"})
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == fixed.json()["id"]
    assert await _teams(db) == 1


async def test_failed_request_retried_unchanged_runs_again_rather_than_replaying(client, admin_headers):
    for _ in range(2):
        r = await client.post(TEAMS, headers=_keyed(admin_headers, "k-bad"), json={"name": ""})
        assert r.status_code == 422
        assert "idempotent-replayed" not in r.headers


async def test_forbidden_request_is_not_stored(client, make_user, login, db):
    sales = await login(await make_user(Role.sales))
    r = await client.post(TEAMS, headers=_keyed(sales, "k-forbidden"), json={"name": "Tehran"})
    assert r.status_code == 403
    assert await _count(db, "SELECT count(*) FROM idempotency_record") == 0


@pytest.mark.parametrize("key", ["x" * 300, "", "tab\there", "new\nline"])
async def test_invalid_key_is_a_422(client, admin_headers, db, key):
    r = await client.post(TEAMS, headers=_keyed(admin_headers, key), json={"name": "Tehran"})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert await _teams(db) == 0


async def test_non_ascii_key_is_a_422(client, admin_headers, db):
    headers = [*admin_headers.items(), ("Idempotency-Key", "کلید".encode())]
    r = await client.post(TEAMS, headers=headers, json={"name": "Tehran"})
    assert r.status_code == 422
    assert await _teams(db) == 0


async def test_longest_valid_key_is_accepted(client, admin_headers):
    r = await client.post(TEAMS, headers=_keyed(admin_headers, "k" * 255), json={"name": "Tehran"})
    assert r.status_code == 201
    retry = await client.post(TEAMS, headers=_keyed(admin_headers, "k" * 255), json={"name": "Tehran"})
    assert retry.headers["idempotent-replayed"] == "true"


async def test_expired_record_is_not_replayed(client, admin_headers, db):
    first = await client.post(TEAMS, headers=_keyed(admin_headers, "k-old"), json={"name": "Tehran"})
    assert first.status_code == 201
    await db(lambda s: s.execute(text(
        "UPDATE idempotency_record SET expires_at = now() - interval '1 minute' WHERE key = 'k-old'"
    )))
    retry = await client.post(TEAMS, headers=_keyed(admin_headers, "k-old"), json={"name": "Tehran"})
    assert retry.status_code == 201
    assert "idempotent-replayed" not in retry.headers
    assert retry.json()["id"] != first.json()["id"]
    assert await _teams(db) == 2
    # The key is now bound to the new answer.
    third = await client.post(TEAMS, headers=_keyed(admin_headers, "k-old"), json={"name": "Tehran"})
    assert third.headers["idempotent-replayed"] == "true"
    assert third.json()["id"] == retry.json()["id"]


async def test_expired_record_with_different_body_is_no_conflict(client, admin_headers, db):
    assert (await client.post(TEAMS, headers=_keyed(admin_headers, "k-x"), json={"name": "A"})).status_code == 201
    await db(lambda s: s.execute(text("UPDATE idempotency_record SET expires_at = now() - interval '1 second'")))
    r = await client.post(TEAMS, headers=_keyed(admin_headers, "k-x"), json={"name": "B"})
    assert r.status_code == 201


async def test_record_expires_after_the_configured_ttl(client, admin_headers, db):
    await client.post(TEAMS, headers=_keyed(admin_headers, "k-ttl"), json={"name": "Tehran"})
    hours = await db(lambda s: s.scalar(text(
        "SELECT extract(epoch FROM expires_at - created_at) / 3600 FROM idempotency_record"
    )))
    assert float(hours) == pytest.approx(24)


async def test_purge_removes_only_expired_records(client, admin_headers, db):
    await client.post(TEAMS, headers=_keyed(admin_headers, "k-keep"), json={"name": "A"})
    await client.post(TEAMS, headers=_keyed(admin_headers, "k-drop"), json={"name": "B"})
    await db(lambda s: s.execute(text(
        "UPDATE idempotency_record SET expires_at = now() - interval '1 hour' WHERE key = 'k-drop'"
    )))
    assert await db(purge_expired) == 1
    keys = await db(lambda s: s.scalars(text("SELECT key FROM idempotency_record")))
    assert list(keys) == ["k-keep"]


async def test_request_still_processing_is_a_409(client, admin_headers, db):
    # A first request that has claimed the key but not finished: the retry must not run it twice.
    first = await client.post(TEAMS, headers=_keyed(admin_headers, "k-busy"), json={"name": "Tehran"})
    assert first.status_code == 201
    await db(lambda s: s.execute(text("UPDATE idempotency_record SET status = 'processing' WHERE key = 'k-busy'")))
    r = await client.post(TEAMS, headers=_keyed(admin_headers, "k-busy"), json={"name": "Tehran"})
    assert r.status_code == 409
    assert r.json()["type"].endswith("idempotency-conflict")
    assert "still being processed" in r.json()["detail"]
    assert await _teams(db) == 1


async def test_key_on_get_is_ignored(client, admin_headers, db):
    r1 = await client.get(TEAMS, headers=_keyed(admin_headers, "k-get"))
    r2 = await client.get(TEAMS, headers=_keyed(admin_headers, "k-get"))
    assert r1.status_code == r2.status_code == 200
    assert "idempotent-replayed" not in r2.headers
    assert await _count(db, "SELECT count(*) FROM idempotency_record") == 0


async def test_concurrent_duplicates_create_only_once(client, admin_headers, db):
    responses = await asyncio.gather(*[
        client.post(TEAMS, headers=_keyed(admin_headers, "k-race"), json={"name": "Tehran"}) for _ in range(5)
    ])
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, [r.text for r in responses]
    originals = [r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers]
    assert len(originals) == 1
    created_id = originals[0].json()["id"]
    for r in responses:
        if r.status_code == 201:
            assert r.json()["id"] == created_id
        else:
            assert r.json()["type"].endswith("idempotency-conflict")
    assert await _teams(db) == 1


async def test_crashed_request_releases_its_key_so_the_retry_runs(flaky_client, db):
    client, calls = flaky_client
    crashed = await client.post("/api/v1/_test/flaky", headers={"Idempotency-Key": "k-crash"}, json={})
    assert crashed.status_code == 500
    assert await _count(db, "SELECT count(*) FROM idempotency_record") == 0
    retry = await client.post("/api/v1/_test/flaky", headers={"Idempotency-Key": "k-crash"}, json={})
    assert retry.status_code == 201
    assert retry.json() == {"attempt": 2}
    replay = await client.post("/api/v1/_test/flaky", headers={"Idempotency-Key": "k-crash"}, json={})
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == {"attempt": 2}
    assert len(calls) == 2
