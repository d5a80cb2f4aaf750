"""Every field error names a stable ``type`` that clients translate (the SPA shows them in Persian) and
the values its message names in ``ctx``; ``msg`` stays English. The API's own errors never say only
``value_error``."""

from __future__ import annotations

import ast
from pathlib import Path

C = "/api/v1/customers"


def _errors(r):
    assert r.status_code == 422, r.text
    return {e["type"]: e for e in r.json()["errors"]}


async def test_request_validation_keeps_pydantic_types_and_their_values(client, rep_a):
    _, headers = rep_a
    r = await client.post(C, headers=headers, json={
        "kind": "person", "first_name": "x" * 500, "emails": [{"email": "not an address"}]})
    errors = _errors(r)
    assert errors["string_too_long"]["ctx"] == {"max_length": 120}
    assert errors["email_invalid"]["loc"][-1] == "email" and "ctx" not in errors["email_invalid"]


async def test_the_apis_own_errors_carry_codes_and_values(client, rep_a, admin_headers):
    _, headers = rep_a
    phone = _errors(await client.post(C, headers=headers, json={"kind": "person", "first_name": "Sara",
                                                                   "phones": [{"number": "12345"}]}))
    assert phone["phone_invalid"]["ctx"] == {"value": "12345"} and phone["phone_invalid"]["loc"][-1] == "number"
    nameless = _errors(await client.post(C, headers=headers, json={"kind": "person"}))
    assert "display_name_required" in nameless
    r = await client.post("/api/v1/custom-fields", headers=admin_headers,
                          json={"key": "size", "label": "Size", "type": "choice", "choices": ["S", "M"]})
    assert r.status_code == 201, r.text
    choice = _errors(await client.post(C, headers=headers, json={"kind": "person", "first_name": "Sara",
                                                                    "custom_fields": {"size": "XL", "nope": 1}}))
    assert choice["custom_field_choice"]["ctx"] == {"choices": ["S", "M"]}
    assert choice["custom_field_unknown"]["loc"] == ["body", "custom_fields", "nope"]
    sort = _errors(await client.get(C, headers=headers, params={"sort": "shoe"}))
    assert sort["sort_unknown"]["ctx"]["allowed"] == ["created_at", "display_name", "updated_at"]


async def test_ladder_refusals_name_the_rungs(client, rep_a):
    _, headers = rep_a
    r = await client.post(C, headers=headers, json={"kind": "person", "first_name": "Sara"})
    cid, etag = r.json()["id"], r.headers["ETag"]
    skip = _errors(await client.post(f"{C}/{cid}/stage", headers={**headers, "If-Match": etag},
                                     json={"stage": "client"}))
    assert skip["stage_skip_reason_required"]["ctx"] == {"from_stage": "suspect", "stage": "client", "skipped": 3}


def test_no_error_of_the_api_is_a_bare_value_error():
    """``value_error`` is pydantic's catch-all; an error the API words itself has its own code."""
    offenders = []
    for path in Path("api").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value == "value_error":
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == [f"api/core/errors.py:{_value_error_line()}"]


def _value_error_line() -> int:
    # The one place that reads pydantic's value_error, to rename an invalid e-mail address.
    source = Path("api/core/errors.py").read_text().splitlines()
    return next(i for i, line in enumerate(source, 1) if '"value_error"' in line)
