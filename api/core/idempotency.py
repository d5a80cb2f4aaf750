"""``Idempotency-Key`` for POST: the first response is stored in PostgreSQL and replayed for 24 h.

A retry with the same key and the same body gets the stored answer (``Idempotent-Replayed: true``);
the same key with another body, or while the first request still runs, is a 409. Keys belong to the
credential that sent them. Only successful answers are kept: a failed request changed nothing, so its
retry simply runs again."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from fastapi import HTTPException
from sqlalchemy import Index, LargeBinary, String, delete, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Mapped, mapped_column
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.db import Base, IdMixin, utcnow
from api.core.errors import AppError, IdempotencyConflict, PayloadTooLarge, ValidationFailed, field_error, render
from api.core.ids import new_id

HEADER = b"idempotency-key"
_KEPT_HEADERS = {b"content-type", b"location", b"etag"}


class IdempotencyRecord(IdMixin, Base):
    __tablename__ = "idempotency_record"

    owner_hash: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12))  # processing | completed
    response_status: Mapped[int | None]
    response_headers: Mapped[list[list[str]] | None] = mapped_column(JSONB)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    __table_args__ = (
        Index("uq_idempotency_record_owner_key", "owner_hash", "key", unique=True),
        Index("ix_idempotency_record_expires_at", "expires_at"),
    )


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, *, ttl_hours: int = 24) -> None:
        self.app = app
        self.ttl = timedelta(hours=ttl_hours)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        try:
            key = raw_key.decode("ascii")
            if not 1 <= len(key) <= 255 or not key.isprintable():
                raise ValueError
            body = await _read_body(receive)
        except ValueError:
            err: AppError = ValidationFailed(
                "Idempotency-Key must be 1-255 printable ASCII characters.",
                errors=[field_error(["header", "Idempotency-Key"], "idempotency_key_invalid", "invalid key")],
            )
            await render(err, path)(scope, receive, send)
            return
        except HTTPException as exc:
            await render(PayloadTooLarge(str(exc.detail)), path)(scope, receive, send)
            return
        owner = hashlib.sha256(headers.get(b"authorization", b"anonymous")).hexdigest()
        query = scope.get("query_string", b"")
        fingerprint = hashlib.sha256(b"POST " + path.encode() + b"?" + query + b"\n" + body).hexdigest()
        maker = scope["app"].state.sessionmaker

        record_id, replay, error = await self._claim(maker, owner, key, fingerprint)
        if error is not None:
            await render(error, path)(scope, receive, send)
            return
        if replay is not None:
            await self._replay(replay, send)
            return

        captured: dict[str, Any] = {"status": 500, "headers": [], "body": []}

        async def replay_receive() -> Message:
            nonlocal body
            chunk, body = body, b""
            return {"type": "http.request", "body": chunk, "more_body": False}

        held: list[Message] = []

        async def capture_send(message: Message) -> None:
            # The answer is recorded before the client sees its end, so a retry sent the moment the
            # response arrives already finds it complete (POST answers are small JSON documents).
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [
                    [k.decode("latin-1"), v.decode("latin-1")]
                    for k, v in message.get("headers", []) if k.lower() in _KEPT_HEADERS
                ]
                held.append(message)
                return
            if message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
                held.append(message)
                if message.get("more_body", False):
                    return
                await self._settle(maker, record_id, captured)
                for pending in held:
                    await send(pending)
                held.clear()
                return
            await send(message)

        try:
            await self.app(scope, replay_receive, capture_send)
        except BaseException:
            await self._forget(maker, record_id)
            raise

    async def _settle(self, maker: Any, record_id: Any, captured: dict[str, Any]) -> None:
        """Keep a successful answer for replay; forget a failed one (it changed nothing)."""
        if not 200 <= captured["status"] < 400:
            await self._forget(maker, record_id)
            return
        async with maker() as s:
            await s.execute(
                update(IdempotencyRecord).where(IdempotencyRecord.id == record_id).values(
                    status="completed", response_status=captured["status"],
                    response_headers=captured["headers"], response_body=b"".join(captured["body"]),
                )
            )
            await s.commit()

    async def _claim(self, maker: Any, owner: str, key: str, fingerprint: str) -> tuple[Any, Any, AppError | None]:
        now = utcnow()
        async with maker() as s:
            new = new_id()
            inserted = await s.scalar(
                insert(IdempotencyRecord)
                .values(id=new, owner_hash=owner, key=key, fingerprint=fingerprint, status="processing",
                        created_at=now, expires_at=now + self.ttl)
                .on_conflict_do_nothing(index_elements=["owner_hash", "key"])
                .returning(IdempotencyRecord.id)
            )
            if inserted is not None:
                await s.commit()
                return inserted, None, None
            existing = await s.scalar(
                select(IdempotencyRecord)
                .where(IdempotencyRecord.owner_hash == owner, IdempotencyRecord.key == key)
                .with_for_update()
            )
            if existing is None or existing.expires_at <= now:
                if existing is not None:
                    await s.delete(existing)
                    await s.flush()
                s.add(IdempotencyRecord(id=new, owner_hash=owner, key=key, fingerprint=fingerprint,
                                        status="processing", created_at=now, expires_at=now + self.ttl))
                await s.commit()
                return new, None, None
            await s.commit()
            if existing.fingerprint != fingerprint:
                return None, None, IdempotencyConflict(
                    "This Idempotency-Key was already used with a different request."
                )
            if existing.status != "completed":
                return None, None, IdempotencyConflict(
                    "A request with this Idempotency-Key is still being processed; retry shortly."
                )
            return None, existing, None

    async def _replay(self, record: IdempotencyRecord, send: Send) -> None:
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in record.response_headers or []]
        body = record.response_body or b""
        headers.append((b"idempotent-replayed", b"true"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": record.response_status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _forget(self, maker: Any, record_id: Any) -> None:
        async with maker() as s:
            await s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))
            await s.commit()


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        elif message["type"] == "http.disconnect":
            break
    return b"".join(chunks)


async def purge_expired(session: Any) -> int:
    result = await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at < utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


