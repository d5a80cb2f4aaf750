"""The outermost layer: request ids, access logs, metrics, body limits, security headers, the
last-resort 500 problem, and the release of the request's read connection once the response is sent.
Pure ASGI so streaming responses pass through untouched."""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

import structlog
from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.context import request_id_var
from api.core.deps import release_request_connection, request_slot
from api.core.errors import InternalError, render
from api.core.metrics import observe_request

access_log = structlog.get_logger("peyvand.access")
_ACCESS = logging.getLogger("peyvand.access")  # asked first: building a skipped log event costs more
error_log = structlog.get_logger("peyvand.errors")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

SPA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI loads its assets from a CDN; the docs page gets a CSP that allows exactly that.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "frame-ancestors 'none'; object-src 'none'"
)


def _route_name(scope: Scope) -> str:
    # The operation id ("users:list"): stable, unique, and independent of router prefixes.
    name = getattr(scope.get("route"), "name", None)
    return str(name) if name else "unmatched"


class CoreMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, hsts: bool,
                 upload_limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.hsts = hsts
        # Exact paths that accept file uploads, with their own (larger) limit.
        self.upload_limits = upload_limits or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_slot(scope)
        incoming, declared = "", None  # the two headers this layer reads (ASGI names are lower-case)
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
            elif name == b"content-length":
                declared = value.decode("latin-1")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else os.urandom(16).hex()
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder: dict[str, Any] = {"status": 500, "started": False}
        path = scope.get("path", "")
        limit = self.upload_limits.get(path, self.max_body_bytes) if scope.get("method") == "POST" \
            else self.max_body_bytes

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                raw = list(message.get("headers", []))
                raw.extend(self._security_headers(path, scope.get("scheme", "http"), raw))
                raw.append((b"x-request-id", request_id.encode()))
                message["headers"] = raw
            await send(message)

        completed = False  # the app returned; cancelled or crashed requests may leave a query mid-flight
        try:
            if declared is not None and declared.isdigit() and int(declared) > limit:
                response = render(_too_large(limit), path)
                await response(scope, receive, send_wrapper)
                return
            await self.app(scope, self._limited(receive, limit), send_wrapper)
            completed = True
        except Exception:
            error_log.exception("unhandled_error", path=path, method=scope.get("method"))
            if not status_holder["started"]:
                response = render(InternalError("An unexpected error occurred; it has been logged."), path)
                await response(scope, receive, send_wrapper)
        finally:
            await release_request_connection(scope, reusable=completed)
            elapsed = time.perf_counter() - started
            route = _route_name(scope)
            method = scope.get("method", "")
            observe_request(method, route, status_holder["status"], elapsed)
            if path not in ("/health", "/metrics") and _ACCESS.isEnabledFor(logging.INFO):
                access_log.info(
                    "request", method=method, path=path, route=route,
                    status=status_holder["status"], duration_ms=round(elapsed * 1000, 2),
                )
            request_id_var.reset(token)

    def _limited(self, receive: Receive, limit: int) -> Receive:
        seen = 0

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # FastAPI passes HTTPException through body parsing; the handler makes it a 413 problem.
                    raise HTTPException(status_code=413, detail=_too_large(limit).detail)
            return message

        return wrapped

    def _security_headers(
        self, path: str, scheme: str, existing: list[tuple[bytes, bytes]]
    ) -> list[tuple[bytes, bytes]]:
        out = list(_SECURITY_HEADERS)
        if not any(k.lower() == b"content-security-policy" for k, _ in existing):
            if path.startswith("/api/docs"):
                out.append(_DOCS_CSP)
            elif path.startswith("/api/"):
                out.append(_API_CSP)
            else:
                out.append(_SPA_CSP)
        if self.hsts or scheme == "https":
            out.append(_HSTS)
        return out


_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_SPA_CSP = (b"content-security-policy", SPA_CSP.encode())
_DOCS_CSP = (b"content-security-policy", DOCS_CSP.encode())
# The API answers data, never a page: a browser that opens one may load nothing and frame nothing. Short,
# because the server checks every byte of every header value of every response (uvicorn: a regular
# expression per header), and the page's policy is 250 bytes.
_API_CSP = (b"content-security-policy", API_CSP.encode())
_HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


def _too_large(limit: int) -> Any:
    from api.core.errors import PayloadTooLarge

    return PayloadTooLarge(f"The request body is larger than {limit} bytes.")
