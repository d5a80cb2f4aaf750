"""Every way a request can go wrong ends as RFC 9457 problem+json, never as a bare 500 or a stack trace;
every response carries the security headers and a request id."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from helpers import PROBLEM, assert_problem
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from structlog.testing import capture_logs

from api.main import create_app

SECRET_TEXT = "db-password=hunter2-do-not-leak"
SMALL_LIMIT = 2048


@pytest.fixture
def app_settings(settings: Any, request: pytest.FixtureRequest) -> Any:
    """The session settings, changed by ``@pytest.mark.parametrize("app_settings", [{...}], indirect=True)``."""
    return settings.model_copy(update=getattr(request, "param", {}))


@pytest.fixture
async def boom_client(app_settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with a test-only route that fails the way a bug would. (The shared ``app``
    fixture yields asgi-lifespan's wrapper, which cannot take routes, so this builds its own.)"""

    async def boom() -> None:
        raise RuntimeError(SECRET_TEXT)

    async def database_boom() -> None:
        raise DBAPIError("SELECT secret", {}, RuntimeError(SECRET_TEXT))

    application = create_app(app_settings)
    application.add_api_route("/api/v1/_test/boom", boom, methods=["GET", "POST"], include_in_schema=False)
    application.add_api_route("/api/v1/_test/database-boom", database_boom, include_in_schema=False)
    async with LifespanManager(application) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c




# Routing ------------------------------------------------------------------------------------------

async def test_unknown_api_route_is_a_404_problem(client):
    r = await client.get("/api/v1/no-such-things")
    assert_problem(r, 404, "not-found")


async def test_unknown_api_route_is_not_answered_by_the_spa(client):
    r = await client.get("/api/v1/customers/whatever/deeper")
    assert_problem(r, 404, "not-found")
    assert "<html" not in r.text.lower()


async def test_wrong_method_on_existing_route_is_a_405_problem_with_allow(client, admin_headers):
    r = await client.put("/api/v1/teams", headers=admin_headers, json={})
    assert_problem(r, 405, "method-not-allowed")
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    # Starlette names the methods of the first route on the path only (GET here), not every route's.
    assert "GET" in allowed
    assert "PUT" not in allowed


# Validation -------------------------------------------------------------------------------------

async def test_missing_required_field_is_a_422_with_field_errors(client, admin_headers):
    r = await client.post("/api/v1/teams", headers=admin_headers, json={})
    body = assert_problem(r, 422, "validation-error")
    assert body["errors"], body
    for err in body["errors"]:
        assert set(err) == {"loc", "msg", "type"}
        assert isinstance(err["loc"], list)
        assert isinstance(err["msg"], str)
        assert isinstance(err["type"], str)
    assert ["body", "name"] in [e["loc"] for e in body["errors"]]


async def test_broken_json_body_is_a_422_not_a_500(client, admin_headers):
    r = await client.post(
        "/api/v1/teams", headers={**admin_headers, "Content-Type": "application/json"}, content=b'{"name": "x",'
    )
    body = assert_problem(r, 422, "validation-error")
    assert body["errors"][0]["type"] == "json_invalid"


async def test_wrong_field_type_is_a_422_naming_the_field(client, admin_headers):
    r = await client.post("/api/v1/teams", headers=admin_headers, json={"name": ["not", "a", "string"]})
    body = assert_problem(r, 422, "validation-error")
    assert ["body", "name"] in [e["loc"] for e in body["errors"]]


async def test_json_array_instead_of_object_is_a_422(client, admin_headers):
    r = await client.post("/api/v1/teams", headers=admin_headers, json=[{"name": "Tehran"}])
    assert_problem(r, 422, "validation-error")


async def test_unknown_field_is_refused_where_schema_forbids_extras(client, admin_headers, db):
    r = await client.post("/api/v1/teams", headers=admin_headers, json={"name": "Tehran", "colour": "red"})
    body = assert_problem(r, 422, "validation-error")
    assert any(e["loc"] == ["body", "colour"] and e["type"] == "extra_forbidden" for e in body["errors"])
    assert await _count(db, "team") == 0


async def test_invalid_uuid_in_path_is_a_422(client, admin_headers):
    r = await client.get("/api/v1/teams/not-a-uuid", headers=admin_headers)
    body = assert_problem(r, 422, "validation-error")
    assert body["errors"][0]["loc"] == ["path", "team_id"]


async def test_unknown_uuid_in_path_is_a_404(client, admin_headers):
    r = await client.get(f"/api/v1/teams/{uuid.uuid4()}", headers=admin_headers)
    assert_problem(r, 404, "not-found")


async def test_invalid_query_value_is_a_422(client, admin_headers):
    r = await client.get("/api/v1/users", headers=admin_headers, params={"limit": "lots"})
    body = assert_problem(r, 422, "validation-error")
    assert body["errors"][0]["loc"] == ["query", "limit"]


async def test_limit_above_maximum_is_a_422(client, admin_headers):
    r = await client.get("/api/v1/users", headers=admin_headers, params={"limit": 201})
    assert_problem(r, 422, "validation-error")


async def test_nul_character_in_body_text_is_a_422_not_a_500(client, admin_headers, db):
    r = await client.post("/api/v1/teams", headers=admin_headers, json={"name": "Teh\x00ran"})
    assert_problem(r, 422, "validation-error")
    assert await _count(db, "team") == 0


async def test_nul_character_in_query_text_is_a_422_not_a_500(client, admin_headers):
    r = await client.get("/api/v1/users", headers=admin_headers, params={"q": "a\x00"})
    assert_problem(r, 422, "validation-error")


async def test_missing_credentials_is_a_401_problem(client):
    r = await client.get("/api/v1/teams")
    assert_problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"] == "Bearer"


# Body size ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("app_settings", [{"max_body_bytes": SMALL_LIMIT}], indirect=True)
async def test_body_over_limit_with_content_length_is_a_413(client, admin_headers, db):
    r = await client.post("/api/v1/teams", headers=admin_headers, json={"name": "x" * (SMALL_LIMIT * 2)})
    assert int(r.request.headers["content-length"]) > SMALL_LIMIT
    assert_problem(r, 413, "payload-too-large")
    assert await _count(db, "team") == 0


@pytest.mark.parametrize("app_settings", [{"max_body_bytes": SMALL_LIMIT}], indirect=True)
async def test_body_under_limit_reaches_validation(client, admin_headers):
    r = await client.post("/api/v1/teams", headers=admin_headers, json={"name": "Tehran", "pad": None})
    # Under the limit the request reaches validation (the extra field is what is wrong with it).
    assert_problem(r, 422, "validation-error")


@pytest.mark.parametrize("app_settings", [{"max_body_bytes": SMALL_LIMIT}], indirect=True)
async def test_streamed_body_over_limit_without_content_length_is_a_413(client, admin_headers, db):
    payload = json.dumps({"name": "x" * (SMALL_LIMIT * 3)}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), 500):
            yield payload[i:i + 500]

    r = await client.post(
        "/api/v1/teams", headers={**admin_headers, "Content-Type": "application/json"}, content=chunks()
    )
    assert "content-length" not in r.request.headers
    assert r.request.headers["transfer-encoding"] == "chunked"
    assert_problem(r, 413, "payload-too-large")
    assert await _count(db, "team") == 0


@pytest.mark.parametrize("app_settings", [{"max_body_bytes": SMALL_LIMIT}], indirect=True)
async def test_streamed_body_over_limit_with_idempotency_key_is_a_413(client, admin_headers, db):
    payload = json.dumps({"name": "x" * (SMALL_LIMIT * 3)}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(0, len(payload), 500):
            yield payload[i:i + 500]

    r = await client.post(
        "/api/v1/teams",
        headers={**admin_headers, "Content-Type": "application/json", "Idempotency-Key": "big-1"},
        content=chunks(),
    )
    assert_problem(r, 413, "payload-too-large")
    assert await _count(db, "idempotency_record") == 0


@pytest.mark.parametrize("app_settings", [{"max_body_bytes": SMALL_LIMIT}], indirect=True)
async def test_form_body_over_limit_is_a_413(client):
    r = await client.post("/api/v1/auth/token", data={"username": "a@example.com", "password": "p" * SMALL_LIMIT})
    assert_problem(r, 413, "payload-too-large")


# Unexpected failures -----------------------------------------------------------------------------

async def test_unexpected_exception_is_a_generic_500_problem_and_is_logged(boom_client):
    with capture_logs() as logs:
        r = await boom_client.get("/api/v1/_test/boom", headers={"X-Request-ID": "boom-req-1"})
    body = assert_problem(r, 500, "internal-error")
    assert body["request_id"] == "boom-req-1"
    assert SECRET_TEXT not in r.text
    assert "RuntimeError" not in r.text
    assert "Traceback" not in r.text
    assert set(body) <= {"type", "title", "status", "detail", "instance", "request_id"}
    errors = [e for e in logs if e["event"] == "unhandled_error"]
    assert len(errors) == 1, logs
    assert errors[0]["log_level"] == "error"
    assert errors[0]["path"] == "/api/v1/_test/boom"
    assert errors[0].get("exc_info"), errors[0]


async def test_unexpected_database_error_is_a_500_not_mistaken_for_bad_input(boom_client):
    with capture_logs() as logs:
        r = await boom_client.get("/api/v1/_test/database-boom")
    assert_problem(r, 500, "internal-error")
    assert SECRET_TEXT not in r.text
    assert "SELECT" not in r.text
    assert [e["event"] for e in logs if e["log_level"] == "error"] == ["unhandled_error"]


async def test_unexpected_exception_still_gets_security_headers(boom_client):
    r = await boom_client.post("/api/v1/_test/boom", json={})
    assert r.status_code == 500
    _assert_security_headers(r)


async def test_app_keeps_serving_after_an_unexpected_exception(boom_client):
    assert (await boom_client.get("/api/v1/_test/boom")).status_code == 500
    assert (await boom_client.get("/health")).status_code == 200


# Garbage sweep -----------------------------------------------------------------------------------

GARBAGE_QUERY_VALUES = ["", "-1", "0", "9" * 40, "1e309", "nan", "true", "\x00", "%00", "' OR 1=1 --",
                        "ä" * 300, "[]", "{}", "-", "--created_at", "null"]
GARBAGE_PATH_VALUES = ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00", "9" * 40]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _body_schema(spec: dict[str, Any], op: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    content = op.get("requestBody", {}).get("content", {})
    for media_type, item in content.items():
        return media_type, _resolve(spec, item.get("schema", {}))
    return None, {}


def _garbage_requests(spec: dict[str, Any], path: str, op: dict[str, Any]) -> list[dict[str, Any]]:
    """A handful of malformed requests for one operation."""
    media_type, schema = _body_schema(spec, op)
    props = list(schema.get("properties", {}))
    query_params = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
    out: list[dict[str, Any]] = []
    for value in GARBAGE_PATH_VALUES:
        url = re.sub(r"\{[^}]+\}", value, path)
        out.append({"url": url, "content": b'{"broken": ', "headers": {"Content-Type": "application/json"}})
    url = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
    out.append({"url": url, "content": b"\xff\xfe not json at all", "headers": {"Content-Type": "application/json"}})
    out.append({"url": url, "content": b"<xml/>", "headers": {"Content-Type": "application/xml"}})
    out.append({"url": url, "content": b"name=x&&&==", "headers": {"Content-Type": "text/plain"}})
    out.append({"url": url, "json": None})
    out.append({"url": url, "json": [1, 2, 3]})
    out.append({"url": url, "json": "just a string"})
    for prop in props:
        out.append({"url": url, "json": {prop: "x" * 200_000}})
        out.append({"url": url, "json": {prop: {"nested": [None] * 50}}})
        out.append({"url": url, "json": {prop: "\x00"}})
        out.append({"url": url, "json": {prop: -(10 ** 30)}})
        if media_type and "form" in media_type:
            out.append({"url": url, "data": {prop: "y" * 100_000}})
            out.append({"url": url, "data": {prop: "\x00"}})
    for name in query_params:
        for value in GARBAGE_QUERY_VALUES:
            out.append({"url": url, "params": {name: value}})
        out.append({"url": url, "params": [(name, v) for v in GARBAGE_QUERY_VALUES]})
    out.append({"url": url, "params": {"cursor": "eyJzIjoiY3JlYXRlZF9hdCIsInYiOlsiYWJjIiwiZGVmIl19"}})
    return out


async def test_garbage_requests_never_cause_a_server_error(client, admin_headers):
    spec = (await client.get("/api/v1/openapi.json")).json()
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items() if path.startswith("/api/v1")
        for method, op in item.items()
    ]
    assert len(operations) >= 10
    # Logging out revokes the token; it goes last so the other operations run authenticated.
    operations.sort(key=lambda o: o[2]["operationId"] == "auth:logout")
    headers = admin_headers
    failures = []
    authenticated = 0
    for path, method, op in operations:
        for req in _garbage_requests(spec, path, op):
            url = req.pop("url")
            extra_headers = req.pop("headers", {})
            r = await client.request(method.upper(), url, headers={**headers, **extra_headers}, **req)
            if r.status_code >= 500:
                failures.append((method.upper(), url, req.get("params"), r.status_code, r.text[:200]))
            elif r.status_code >= 400:
                assert r.headers["content-type"].startswith(PROBLEM), (method, url, r.status_code, r.text)
            if r.status_code != 401:
                authenticated += 1
    assert failures == [], "\n".join(map(repr, failures))
    # The sweep must have reached past authentication, or it proves nothing.
    assert authenticated > 100


# Headers -----------------------------------------------------------------------------------------

def _assert_security_headers(r: httpx.Response) -> None:
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", r.headers["x-request-id"])


@pytest.mark.parametrize("path", ["/health", "/api/v1/teams", "/api/v1/nothing-here", "/", "/some/spa/page"])
async def test_every_response_carries_security_headers_and_a_request_id(client, path):
    r = await client.get(path)
    _assert_security_headers(r)


@pytest.mark.parametrize("app_settings", [{"max_body_bytes": SMALL_LIMIT}], indirect=True)
async def test_early_413_carries_security_headers_and_request_id(client):
    r = await client.post("/api/v1/teams", content=b"x" * (SMALL_LIMIT + 1))
    assert_problem(r, 413, "payload-too-large")
    _assert_security_headers(r)


async def test_request_ids_differ_between_requests(client):
    ids = {(await client.get("/health")).headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


async def test_valid_incoming_request_id_is_echoed(client):
    r = await client.get("/api/v1/nothing-here", headers={"X-Request-ID": "trace-42.a:b_c"})
    assert r.headers["x-request-id"] == "trace-42.a:b_c"
    assert r.json()["request_id"] == "trace-42.a:b_c"


@pytest.mark.parametrize("bad", ["has spaces", "x" * 129, "<script>", "semi;colon"])
async def test_invalid_incoming_request_id_is_replaced(client, bad):
    r = await client.get("/health", headers={"X-Request-ID": bad})
    assert r.headers["x-request-id"] != bad
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


async def test_api_answers_get_a_csp_that_allows_nothing_and_pages_get_the_apps(client):
    for path in ("/api/v1/teams", "/api/v1/nothing-here", "/api/v1/openapi.json"):
        assert (await client.get(path)).headers["content-security-policy"] == \
            "default-src 'none'; frame-ancestors 'none'"
    for path in ("/", "/some/spa/page", "/health"):
        policy = (await client.get(path)).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


async def test_api_docs_get_a_csp_that_allows_swagger_assets(client):
    r = await client.get("/api/docs")
    assert r.status_code == 200
    assert "cdn.jsdelivr.net" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


# CORS --------------------------------------------------------------------------------------------

ALLOWED_ORIGIN = "http://localhost:5173"


@pytest.mark.parametrize("app_settings", [{"cors_origins": [ALLOWED_ORIGIN]}], indirect=True)
async def test_cors_preflight_from_configured_origin_is_allowed(client):
    r = await client.options("/api/v1/teams", headers={
        "Origin": ALLOWED_ORIGIN,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    })
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "idempotency-key" in r.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize("app_settings", [{"cors_origins": [ALLOWED_ORIGIN]}], indirect=True)
async def test_cors_preflight_from_other_origin_is_refused(client):
    r = await client.options("/api/v1/teams", headers={
        "Origin": "https://evil.example.com",
        "Access-Control-Request-Method": "POST",
    })
    assert r.status_code == 400
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("app_settings", [{"cors_origins": [ALLOWED_ORIGIN]}], indirect=True)
async def test_cors_simple_request_exposes_headers_only_to_configured_origin(client):
    ok = await client.get("/health", headers={"Origin": ALLOWED_ORIGIN})
    assert ok.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "x-request-id" in ok.headers["access-control-expose-headers"].lower()
    other = await client.get("/health", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in other.headers


async def test_cors_is_off_without_configured_origins(client):
    r = await client.options("/api/v1/teams", headers={
        "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
    })
    assert "access-control-allow-origin" not in r.headers


async def _count(db: Any, table: str) -> int:
    return int(await db(lambda s: s.scalar(text(f'SELECT count(*) FROM "{table}"'))))
