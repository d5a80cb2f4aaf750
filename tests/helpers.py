"""Assertions shared by the test modules."""

from __future__ import annotations

from typing import Any

PROBLEM = "application/problem+json"


def assert_problem(r: Any, status: int, type_suffix: str | None = None) -> dict[str, Any]:
    """``r`` is an RFC 9457 problem with this status (and type), carrying the response's request id."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers["content-type"]
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    assert body["type"].startswith("https://peyvand.dev/problems/")
    if type_suffix is not None:
        assert body["type"].endswith("/" + type_suffix), body["type"]
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert body["request_id"] == r.headers["x-request-id"]
    return body
