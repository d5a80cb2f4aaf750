async def test_ready_reports_database_and_redis(client):
    r = await client.get("/ready")
    assert r.status_code == 200
    body = r.json()
    assert body["database"] == "ok" and body["redis"] == "ok"


async def test_admin_logs_in_and_reads_me(client, admin_headers):
    r = await client.get("/api/v1/me", headers=admin_headers)
    assert r.status_code == 200, r.text
    assert r.json()["role"] == "admin"
    assert "users:write" in r.json()["scopes"]
