"""The bare baseline: FastAPI routing + an asyncpg pool running THE SAME SQL the real endpoints run, and
nothing else — no ORM, no middleware, no transaction wrapper, no audit, no logging, no response models.

It answers the benchmarked requests with the same status and the same JSON as the API (the bench checks
that before measuring), so the gap between the two is what our stack costs per request, and the
baseline's figures are the ceiling for this machine, this database and this SQL.

Run it as ``python -m bench.baseline --port P --workers N`` with ``DATABASE_URL`` set."""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg
from fastapi import FastAPI, Request, Response

from api.auth.service import _SESSION_LOOKUP
from api.core.access import ROLE_SCOPES, ROLE_VISIBILITY, Role, Visibility
from api.core.db import connection_settings
from api.core.responses import rows_page_response
from api.core.security import token_hash
from api.core.serve import tune_collector
from api.core.settings import Settings
from api.users.schemas import UserRead
from api.users.service import LIST_COLUMNS, ME
from bench.baseline_customers import init_connection
from bench.baseline_customers import register as register_customers

APPLICATION_NAME = "peyvand-baseline"
POOL_ENV = "BENCH_BASELINE_POOL_SIZE"

# The principal lookup is imported, not copied, so the baseline follows any change to it.
if set(_SESSION_LOOKUP._bindparams) != {"h"}:
    raise RuntimeError("the session lookup's parameters changed: update bench/baseline.py")
PRINCIPAL_SQL = re.sub(r"(?<!:):h\b", "$1", _SESSION_LOOKUP.text)

# Below: the statements SQLAlchemy emits for the endpoints (compiled from api/users/service.py and
# api/core/pagination.py for the asyncpg dialect), column list and all.
# The list's columns, as the API selects them (api/users/service.py LIST_COLUMNS: what UserRead shows).
USER_COLUMNS = ", ".join(f'"user".{c.name}' for c in LIST_COLUMNS)
# GET /me runs the API's own compiled statement (api/users/service.py ME).
ME_SQL, _ME_NAMES = ME.text()
if _ME_NAMES != ("id",):
    raise RuntimeError("the /me statement's parameters changed: update bench/baseline.py")
_AFTER = '("user".created_at, "user".id) > ($1::TIMESTAMP WITH TIME ZONE, $2::UUID)'
_ORDER = 'ORDER BY "user".created_at ASC, "user".id ASC \n LIMIT'


def _users_sql(cursor: bool, visibility: Visibility) -> str:
    where, n = ([_AFTER], 3) if cursor else ([], 1)
    if visibility is Visibility.own:
        where.append(f'"user".id = ${n}::UUID')
        n += 1
    elif visibility is Visibility.team:
        where.append(f'("user".id = ${n}::UUID OR "user".team_id = ANY(${n + 1}::UUID[]))')
        n += 2
    clause = f"\nWHERE {' AND '.join(where)} " if where else " "
    return f'SELECT {USER_COLUMNS} \nFROM "user"{clause}{_ORDER} ${n}::INTEGER'


USERS_SQL = {(c, v): _users_sql(c, v) for c in (False, True) for v in Visibility}
MAX_LIMIT = 200


class Problem(Exception):
    def __init__(self, status: int, title: str) -> None:
        self.status, self.title = status, title


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None,
          media_type: str = "application/json") -> Response:
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(raw, status_code=status, headers=headers, media_type=media_type)


def _problem(p: Problem) -> Response:
    return _json({"title": p.title, "status": p.status}, p.status, media_type="application/problem+json")


def _dt(v: datetime | None) -> str | None:
    return None if v is None else v.isoformat().replace("+00:00", "Z")


def _user(r: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(r["id"]), "email": r["email"], "full_name": r["full_name"], "role": r["role"],
        "team_id": str(r["team_id"]) if r["team_id"] else None, "language": r["language"],
        "calendar": r["calendar"], "is_active": r["is_active"], "last_login_at": _dt(r["last_login_at"]),
        "created_at": _dt(r["created_at"]), "updated_at": _dt(r["updated_at"]),
    }


def _token_hash(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.startswith("pvt_"):
        raise Problem(401, "Authentication required")
    return token_hash(token)


async def _principal(conn: asyncpg.Connection, request: Request) -> asyncpg.Record:
    row = await conn.fetchrow(PRINCIPAL_SQL, _token_hash(request))
    if row is None:
        raise Problem(401, "Authentication required")
    return row


def _cursor_values(cursor: str) -> tuple[datetime, uuid.UUID]:
    # The API's cursor format (api/core/pagination.py) for sort=created_at: base64url JSON of the last row's key.
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        (dt,), (uid,) = data["v"][0].values(), data["v"][1].values()
        if data["s"] != "created_at":
            raise ValueError
        return datetime.fromisoformat(dt), uuid.UUID(uid)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, binascii.Error):
        raise Problem(422, "Invalid request") from None


def _encode_cursor(created_at: datetime, uid: uuid.UUID) -> str:
    raw = json.dumps({"s": "created_at", "v": [{"dt": created_at.isoformat()}, {"u": str(uid)}]},
                     separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def create_app() -> FastAPI:
    dsn = os.environ["DATABASE_URL"]
    pool_size = int(os.environ.get(POOL_ENV, "20"))

    async def _no_reset(conn: asyncpg.Connection) -> None:
        # asyncpg's default reset is one more round trip per release; the API's pool does none after a
        # commit, and a ceiling should not pay for what the measured stack does not do.
        return None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            dsn, min_size=min(10, pool_size), max_size=pool_size, reset=_no_reset, init=init_connection,
            # The API's connection settings (its planner costs too), as the API reads them by default.
            server_settings=connection_settings(Settings(), APPLICATION_NAME),
        )
        tune_collector()  # the API's garbage-collector settings: a runtime setting, not stack
        try:
            yield
        finally:
            await app.state.pool.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/ready")
    async def ready(request: Request) -> Response:
        async with request.app.state.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
        return _json({"status": "ok"})

    @app.get("/api/v1/me")
    async def me(request: Request) -> Response:
        try:
            async with request.app.state.pool.acquire() as conn:
                p = await _principal(conn, request)
                row = await conn.fetchrow(ME_SQL, p["user_id"])
        except Problem as exc:
            return _problem(exc)
        if row is None:
            return _problem(Problem(404, "Not found"))
        body = {**_user(row), "scopes": sorted(ROLE_SCOPES[Role(p["role"])]), "api_key_id": None}
        return _json(body, headers={"ETag": f'"{row["id"]}.{row["version"]}"'})

    @app.get("/api/v1/users")
    async def users(request: Request) -> Response:
        q = request.query_params
        try:
            limit = int(q.get("limit", "50"))
            if not 1 <= limit <= MAX_LIMIT or q.get("sort", "created_at") != "created_at":
                raise ValueError
        except ValueError:
            return _problem(Problem(422, "Invalid request"))
        try:
            after = _cursor_values(q["cursor"]) if q.get("cursor") else None
            async with request.app.state.pool.acquire() as conn:
                p = await _principal(conn, request)
                role = Role(p["role"])
                if "users:read" not in ROLE_SCOPES[role]:
                    raise Problem(403, "Not allowed")
                visibility = ROLE_VISIBILITY[role]
                if visibility is Visibility.team and not p["team_ids"]:
                    visibility = Visibility.own
                args: list[Any] = list(after or ())
                if visibility is Visibility.own:
                    args.append(p["user_id"])
                elif visibility is Visibility.team:
                    args += [p["user_id"], list(p["team_ids"])]
                rows = await conn.fetch(USERS_SQL[after is not None, visibility], *args, limit + 1)
        except Problem as exc:
            return _problem(exc)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = _encode_cursor(rows[-1]["created_at"], rows[-1]["id"])
        # Written from the records as the API writes its pages.
        return rows_page_response(rows, UserRead, next_cursor, None)

    register_customers(app)
    return app


def main(argv: list[str] | None = None) -> None:
    from api.core.serve import serve

    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pool-size", type=int, default=20, help="connections per worker (the API's pool budget)")
    args = parser.parse_args(argv)
    os.environ[POOL_ENV] = str(args.pool_size)  # read by each worker process's create_app()
    # Served as the API is (`peyvand api`): a listening socket per worker, so both spread connections alike.
    serve("bench.baseline:create_app", args.host, args.port, args.workers, factory=True, log_level="warning",
          access_log=False)


if __name__ == "__main__":
    main()
