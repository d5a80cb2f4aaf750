"""One error type. Every failure leaves the API as RFC 9457 ``application/problem+json``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from asyncpg import PostgresError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.core.context import request_id_var

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://peyvand.dev/problems/"


class AppError(Exception):
    """Base of every error the API reports on purpose; subclasses fix status, type and title."""

    status: ClassVar[int] = 400
    type: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.extra = extra or {}


class Unauthorized(AppError):
    status, type, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(AppError):
    status, type, title = 403, "forbidden", "Not allowed"


class NotFound(AppError):
    status, type, title = 404, "not-found", "Not found"


class MethodNotAllowed(AppError):
    status, type, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(AppError):
    status, type, title = 409, "conflict", "Conflict"


class IdempotencyConflict(Conflict):
    type, title = "idempotency-conflict", "Idempotency key reused"


class PreconditionFailed(AppError):
    status, type, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(AppError):
    status, type, title = 413, "payload-too-large", "Request body too large"


class UnsupportedMediaType(AppError):
    status, type, title = 415, "unsupported-media-type", "Unsupported media type"


def field_error(loc: list[Any], code: str, msg: str, **ctx: Any) -> dict[str, Any]:
    """One entry of a 422's ``errors``: where (``loc``), a stable snake_case ``type`` that clients translate
    (README, "Errors"), the English ``msg``, and the values the message names (``ctx``, JSON values)."""
    error: dict[str, Any] = {"loc": loc, "msg": msg, "type": code}
    if ctx:
        error["ctx"] = ctx
    return error


class ValidationFailed(AppError):
    status, type, title = 422, "validation-error", "Invalid request"

    def __init__(self, detail: str | None = None, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail, extra={"errors": errors or []})


class RateLimited(AppError):
    status, type, title = 429, "rate-limited", "Too many requests"

    def __init__(self, retry_after: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


class Locked(RateLimited):
    type, title = "account-locked", "Too many failed logins"


class InternalError(AppError):
    status, type, title = 500, "internal-error", "Internal server error"


class ServiceUnavailable(AppError):
    status, type, title = 503, "unavailable", "Service unavailable"


class FieldError(BaseModel):
    """What is wrong with one field (``field_error``)."""

    loc: list[str | int] = Field(description="Where: body/query/path/header, then the field's path")
    msg: str = Field(description="The English wording")
    type: str = Field(description="A stable code to translate: pydantic's error types for malformed "
                                  "requests, and the API's own (README, Errors)", examples=["phone_invalid"])
    ctx: dict[str, Any] | None = Field(None, description="The values the message names")


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response carries them."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


def problem_response(
    status: int,
    type_: str,
    title: str,
    detail: str | None,
    *,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + type_,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    rid = request_id_var.get()
    if rid:
        body["request_id"] = rid
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def render(error: AppError, instance: str | None = None) -> JSONResponse:
    return problem_response(
        error.status, error.type, error.title, error.detail,
        instance=instance, headers=error.headers, extra=error.extra,
    )


_STATUS_ERRORS: dict[int, type[AppError]] = {
    cls.status: cls
    for cls in (Unauthorized, Forbidden, NotFound, MethodNotAllowed, PayloadTooLarge,
                UnsupportedMediaType, ValidationFailed, ServiceUnavailable)
}


def clean_validation_errors(errors: Iterable[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as the API reports them: its ``type`` and the JSON values of its ``ctx`` (an
    invalid e-mail address becomes ``email_invalid``; pydantic calls it a ``value_error``)."""
    cleaned = []
    for err in errors:
        code, msg = str(err.get("type", "")), str(err.get("msg", ""))
        ctx = {k: v if isinstance(v, str | int | float | bool) or v is None else str(v)
               for k, v in (err.get("ctx") or {}).items() if k != "error"}
        if code == "value_error" and "valid email address" in msg:
            code, ctx = "email_invalid", {}
        cleaned.append(field_error(list(err.get("loc", ())), code, msg, **ctx))
    return cleaned


# PostgreSQL refuses NUL in text (22021) and "\u0000" in JSONB (22P05): bad input, not a server fault.
_BAD_TEXT_SQLSTATES = frozenset({"22021", "22P05"})


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return render(exc, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return render(
            ValidationFailed("The request is not valid.", errors=clean_validation_errors(exc.errors())),
            request.url.path,
        )

    @app.exception_handler(DBAPIError)
    @app.exception_handler(PostgresError)  # statements run on the driver connection (api.core.sql)
    async def _database(request: Request, exc: DBAPIError | PostgresError) -> JSONResponse:
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        if getattr(orig, "sqlstate", None) not in _BAD_TEXT_SQLSTATES:
            raise exc
        return render(ValidationFailed("Text may not contain NUL (\\u0000) characters."), request.url.path)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        # A concurrent writer bumped the row version between our read and our write: a lost update
        # refused, not a server fault. 412 when the client asked for If-Match semantics, else 409.
        detail = "The record was changed by someone else meanwhile; fetch it again and retry."
        err: AppError = PreconditionFailed(detail) if "if-match" in request.headers else Conflict(detail)
        return render(err, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        spa = getattr(request.app.state, "spa_fallback", None)
        if exc.status_code == 404 and spa is not None:
            page = spa(request)
            if page is not None:
                return page
        cls = _STATUS_ERRORS.get(exc.status_code)
        headers = dict(exc.headers or {})
        if cls is not None:
            err = cls(str(exc.detail) if exc.detail and exc.detail != cls.title else None)
            err.headers.update(headers)
            return render(err, request.url.path)
        return problem_response(
            exc.status_code, f"http-{exc.status_code}", str(exc.detail), None,
            instance=request.url.path, headers=headers,
        )


def responses(*errors: type[AppError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the errors an operation can answer with."""
    out: dict[int | str, dict[str, Any]] = {}
    for cls in errors:
        # The problem+json body is attached to every 4xx/5xx by api.core.openapi.
        out[cls.status] = {"description": cls.title}
    return out
