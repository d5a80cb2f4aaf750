"""The OpenAPI contract: the checked-in file is what the app serves, and every operation is documented
the same way (operation ids, summaries, tags, problem responses, Idempotency-Key)."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from api.core.events.catalogue import EVENT_TYPES
from api.core.openapi import dumps

CONTRACT = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
METHODS = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}
OPERATION_ID = re.compile(r"^[a-z][a-z_]*:[a-z][a-z_]*$")
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture
async def spec(client: Any) -> dict[str, Any]:
    r = await client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    return r.json()  # type: ignore[no-any-return]


def _operations(spec: dict[str, Any], prefix: str = "/") -> list[tuple[str, str, dict[str, Any]]]:
    ops = [
        (path, method, op)
        for path, item in spec["paths"].items() if path.startswith(prefix)
        for method, op in item.items() if method in METHODS
    ]
    assert ops, f"no operations under {prefix}"
    return ops


# A fresh interpreter: test modules register extra event types in this one (the catalogue is global).
_SERVE = """
import asyncio, sys
import httpx
from api.core.settings import Settings
from api.main import create_app

async def main():
    app = create_app(Settings(env="test"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        r = await c.get("/api/v1/openapi.json")
    assert r.status_code == 200, r.status_code
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write(r.text)

asyncio.run(main())
"""


async def test_checked_in_contract_equals_what_the_app_serves(tmp_path):
    assert CONTRACT.is_file(), "run `make openapi` and commit openapi/openapi.json"
    target = tmp_path / "served.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _SERVE, str(target), cwd=CONTRACT.parents[1],
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()
    served = dumps(json.loads(target.read_text(encoding="utf-8")))
    checked_in = CONTRACT.read_text(encoding="utf-8")
    assert checked_in == served, "openapi/openapi.json is stale: run `make openapi` and commit it"


async def test_paths_and_schemas_served_here_match_the_contract(spec):
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert dumps(spec["paths"]) == dumps(contract["paths"])
    assert dumps(spec["components"]) == dumps(contract["components"])


def test_contract_is_serialised_with_sorted_keys():
    text = CONTRACT.read_text(encoding="utf-8")
    assert text == dumps(json.loads(text))


async def test_contract_is_openapi_3_1_under_api_v1(spec):
    assert spec["openapi"].startswith("3.1")
    assert any(p.startswith("/api/v1/") for p in spec["paths"])
    assert "/api/docs" not in spec["paths"]


async def test_every_operation_has_a_stable_unique_id_summary_and_tags(spec):
    ids = []
    for path, method, op in _operations(spec):
        where = f"{method.upper()} {path}"
        assert OPERATION_ID.match(op.get("operationId", "")), f"{where}: operationId {op.get('operationId')!r}"
        assert op.get("summary"), f"{where}: no summary"
        assert op.get("tags"), f"{where}: no tags"
        ids.append(op["operationId"])
    assert len(ids) == len(set(ids))


async def test_known_operations_have_their_documented_ids(spec):
    ids = {op["operationId"] for _, _, op in _operations(spec)}
    assert {"users:list", "users:create", "users:get", "teams:update", "teams:delete", "auth:token",
            "me:get"} <= ids


async def test_every_tag_used_is_declared(spec):
    declared = {t["name"] for t in spec.get("tags", [])}
    for path, method, op in _operations(spec):
        assert set(op["tags"]) <= declared, f"{method.upper()} {path}: undeclared tag in {op['tags']}"


async def test_every_error_response_is_a_problem(spec):
    for path, method, op in _operations(spec):
        for status, response in op["responses"].items():
            if status.isdigit() and int(status) >= 400:
                content = response.get("content", {})
                assert list(content) == ["application/problem+json"], f"{method.upper()} {path} {status}"
                assert content["application/problem+json"]["schema"] == PROBLEM_REF, f"{method} {path} {status}"


async def test_every_api_operation_documents_4xx_problems(spec):
    for path, method, op in _operations(spec, "/api/v1/"):
        statuses = {s for s in op["responses"] if s.isdigit()}
        client_errors = {s for s in statuses if s.startswith("4")}
        assert client_errors, f"{method.upper()} {path}: no 4xx documented"
        assert {"413", "429", "500"} <= statuses, f"{method.upper()} {path}"


async def test_operations_taking_input_document_422_and_authenticated_ones_401(spec):
    for path, method, op in _operations(spec, "/api/v1/"):
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in op["responses"], f"{method.upper()} {path}"
        if op.get("security"):
            assert "401" in op["responses"], f"{method.upper()} {path}"


async def test_problem_schema_has_the_rfc_9457_fields(spec):
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status"} <= set(problem["required"])
    assert {"type", "title", "status", "detail", "instance", "request_id", "errors"} <= set(problem["properties"])


async def test_every_post_under_api_v1_documents_the_idempotency_key(spec):
    posts = [(p, op) for p, m, op in _operations(spec, "/api/v1/") if m == "post"]
    assert posts
    for path, op in posts:
        headers = [p for p in op.get("parameters", []) if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        assert len(headers) == 1, f"POST {path}"
        assert headers[0]["required"] is False
        assert headers[0]["schema"]["maxLength"] == 255


async def test_only_posts_document_the_idempotency_key(spec):
    for path, method, op in _operations(spec):
        if method != "post":
            names = [p["name"] for p in op.get("parameters", [])]
            assert "Idempotency-Key" not in names, f"{method.upper()} {path}"


async def test_patch_and_delete_document_if_match_and_412(spec):
    for path, method, op in _operations(spec, "/api/v1/"):
        names = {p["name"] for p in op.get("parameters", [])}
        if "If-Match" in names:
            # Edits, deletes, and explicit state-changing actions on one record (POST /customers/{id}/stage).
            action = method == "post" and re.search(r"/\{[a-z_]+\}/[a-z-]+$", path) is not None
            assert method in ("patch", "delete") or action, f"{method.upper()} {path}"
            assert "412" in op["responses"], f"{method.upper()} {path}"
    team_ops = spec["paths"]["/api/v1/teams/{team_id}"]
    for method in ("patch", "delete"):
        assert "If-Match" in {p["name"] for p in team_ops[method]["parameters"]}


async def test_webhooks_list_every_registered_event_type(spec):
    assert EVENT_TYPES, "no event types registered"
    assert set(spec["webhooks"]) == set(EVENT_TYPES)
    for name, item in spec["webhooks"].items():
        post = item["post"]
        assert post["operationId"] == f"webhook:{name}"
        assert post["summary"] == EVENT_TYPES[name]
        body = post["requestBody"]["content"]["application/json"]["schema"]
        assert body["properties"]["type"] == {"const": name}
        assert set(body["required"]) == {"type", "timestamp", "data"}


async def test_known_user_and_team_events_are_in_the_catalogue(spec):
    assert {"user.created", "user.updated", "team.created", "team.updated", "team.deleted"} <= set(spec["webhooks"])


async def test_docs_page_is_served(client):
    r = await client.get("/api/docs")
    assert r.status_code == 200
    assert "/api/v1/openapi.json" in r.text
