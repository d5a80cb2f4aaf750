"""The baseline's customer routes: the statements the API runs for list, search, get, create and patch, on
asyncpg, with nothing else. The list's SQL was read with ``log_statement = 'all'`` and copied; get, create
and patch run the API's own compiled statements (``api.core.sql.Statement``: the text and its arguments).

The work that is not stack is shared with the API rather than copied: the principal lookup, the search
terms (``api.customers.repository.search_terms``), text/e-mail/phone normalisation (``api.core.text``) and
the derived search fields (``api.customers.service.refresh_search`` on plain objects) and the writing of a
list page from its records (``api.core.responses.rows_page_body``). As the API does,
a write runs in one transaction and adds an audit row and an outbox event beside the data."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import asyncpg
from fastapi import FastAPI, Request, Response
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from api.auth.service import SESSION_PREFIX
from api.core.access import (
    ROLE_SCOPES,
    ROLE_VISIBILITY,
    Principal,
    Role,
    Visibility,
    effective_visibility,
    scope_values,
    sees,
)
from api.core.audit import AUDIT_INSERT
from api.core.events.outbox import OUTBOX_INSERT
from api.core.ids import new_id
from api.core.jsonable import to_json
from api.core.responses import rows_page_response
from api.core.sql import Statement
from api.core.text import normalize_email, normalize_phone, normalize_text
from api.customers.custom_fields import DEFINITIONS as CUSTOM_FIELDS
from api.customers.repository import (
    CONTACT_HOLDERS,
    READ_WITH_CALLER,
    SUMMARY_COLUMNS,
    WRITE_STATEMENTS,
    search_terms,
)
from api.customers.schemas import CustomerSummary
from api.customers.service import (
    CHILD_STATEMENTS,
    CUSTOMER_INSERT,
    STAGE_INSERT,
    customer_update,
    default_display_name,
    refresh_search,
)

MAX_LIMIT = 200
ASYNCPG = asyncpg_dialect()
STAGES = {"suspect", "prospect", "first_time", "repeat", "client", "advocate", "partner", "disqualified", "lapsed"}
# The list's columns, as the API selects them (repository.SUMMARY_COLUMNS).
COLUMNS = ", ".join(f"customer.{c.name}" for c in SUMMARY_COLUMNS)
_LIST = f"SELECT {COLUMNS} \nFROM customer \nWHERE customer.deleted_at IS NULL"
_KEYS = "SELECT customer.id, customer.created_at \nFROM customer \nWHERE customer.deleted_at IS NULL"
_NEWEST = " ORDER BY customer.created_at DESC, customer.id DESC"
_ORDER = f"{_NEWEST} \n LIMIT "
_BY_IDS = (f"SELECT {COLUMNS} \nFROM customer \nWHERE customer.id = ANY (array((SELECT page.id \n"
           f"FROM ({{}}) AS page))){_NEWEST}")
_AFTER = "(customer.created_at, customer.id) < (${}::TIMESTAMP WITH TIME ZONE, ${}::UUID)"
_TS = "(customer.search_vector @@ to_tsquery('simple'::regconfig, ${}::VARCHAR))"
_PHONE = ("customer.id = ANY (array((SELECT customer_phone.customer_id \nFROM customer_phone \n"
          "WHERE customer_phone.e164 = ${}::VARCHAR)))")
_WRITE_SKIP = frozenset({"id", "created_at", "updated_at", "version", "search_text", "search_vector"})
SCALAR_FIELDS = ("first_name", "last_name", "organization_name", "job_title", "language", "preferred_channel",
            "source_channel", "source_ref", "importance_tier", "desired_outcome", "target_currency",
            "strategy_override")


def _dt(v: datetime | None) -> str | None:
    return None if v is None else v.isoformat().replace("+00:00", "Z")


def _id(v: uuid.UUID | None) -> str | None:
    return None if v is None else str(v)


def _dec(v: Decimal | int | None) -> str | None:
    return None if v is None else str(v)


def _summary(r: Any) -> dict[str, Any]:
    return {
        "id": str(r["id"]), "kind": r["kind"], "display_name": r["display_name"],
        "organization_name": r["organization_name"], "primary_email": r["primary_email"],
        "primary_phone": r["primary_phone"], "stage": r["stage"], "importance_tier": r["importance_tier"],
        "tags": list(r["tags"]), "owner_id": _id(r["owner_id"]), "team_id": _id(r["team_id"]),
        "source_channel": r["source_channel"], "lifetime_revenue": _dec(r["lifetime_revenue"]),
        "is_key": r["is_key"], "created_at": _dt(r["created_at"]), "updated_at": _dt(r["updated_at"]),
    }


def _read(r: Any, emails: list[Any], phones: list[Any], addresses: list[Any]) -> dict[str, Any]:
    birthday: date | None = r["birthday"]
    return {
        **_summary(r),
        "first_name": r["first_name"], "last_name": r["last_name"], "job_title": r["job_title"],
        "birthday": None if birthday is None else birthday.isoformat(), "language": r["language"],
        "preferred_channel": r["preferred_channel"], "custom_fields": r["custom_fields"],
        "source_ref": r["source_ref"], "utm": r["utm"], "referrer_id": _id(r["referrer_id"]),
        "consent": r["consent"], "preferences": list(r["preferences"]), "desired_outcome": r["desired_outcome"],
        "target_value": _dec(r["target_value"]), "target_currency": r["target_currency"],
        "strategy_override": r["strategy_override"], "lapsed_from": r["lapsed_from"],
        "stage_changed_at": _dt(r["stage_changed_at"]), "purchase_count": r["purchase_count"],
        "first_purchase_at": _dt(r["first_purchase_at"]), "last_purchase_at": _dt(r["last_purchase_at"]),
        "rfm_recency": r["rfm_recency"], "rfm_frequency": r["rfm_frequency"], "rfm_monetary": r["rfm_monetary"],
        "key_reasons": list(r["key_reasons"]),
        "emails": [{"email": e["email"], "label": e["label"], "is_primary": e["is_primary"]} for e in emails],
        "phones": [{"e164": p["e164"], "raw": p["raw"], "label": p["label"], "is_primary": p["is_primary"]}
                   for p in phones],
        "addresses": [{k: a[k] for k in ("label", "line1", "line2", "city", "region", "postal_code", "country",
                                          "is_primary")} for a in addresses],
        "version": r["version"],
    }


def _cursor(raw: str) -> tuple[datetime, uuid.UUID]:
    """The API's cursor (api/core/pagination.py) for the default order, -created_at."""
    data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    (dt,), (uid,) = data["v"][0].values(), data["v"][1].values()
    if data["s"] != "-created_at":
        raise ValueError(raw)
    return datetime.fromisoformat(dt), uuid.UUID(uid)


def _encode_cursor(created_at: datetime, uid: uuid.UUID) -> str:
    raw = json.dumps({"s": "-created_at", "v": [{"dt": created_at.isoformat()}, {"u": str(uid)}]},
                     separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _scope(p: Any, args: list[Any]) -> str:
    """The visibility clause ``api.core.access.visible`` adds in front of ``deleted_at IS NULL``."""
    visibility = ROLE_VISIBILITY[Role(p["role"])]
    if visibility is Visibility.all:
        return ""
    args.append(p["user_id"])
    own = f"customer.owner_id = ${len(args)}::UUID"
    if visibility is Visibility.own or not p["team_ids"]:
        return f" {own} AND"
    args.append(list(p["team_ids"]))
    return f" ({own} OR customer.team_id = ANY (${len(args)}::UUID[])) AND"


def register(app: FastAPI) -> None:
    from bench.baseline import Problem, _json, _principal, _problem, _token_hash

    def need(p: Any, scope: str) -> None:
        if scope not in ROLE_SCOPES[Role(p["role"])]:
            raise Problem(403, "Not allowed")

    @app.get("/api/v1/customers")
    async def list_customers(request: Request) -> Response:
        q = request.query_params
        try:
            limit = int(q.get("limit", "50"))
            if not 1 <= limit <= MAX_LIMIT or q.get("sort", "-created_at") != "-created_at":
                raise ValueError
            stages = q.getlist("stage")
            if any(s not in STAGES for s in stages):
                raise ValueError
            after = _cursor(q["cursor"]) if q.get("cursor") else None
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, binascii.Error):
            return _problem(Problem(422, "Invalid request"))
        try:
            async with request.app.state.pool.acquire() as conn:
                p = await _principal(conn, request)
                need(p, "customers:read")
                args: list[Any] = []
                scope = _scope(p, args)
                tags = q.getlist("tag")  # by tag: the page's keys first (index-only), then its rows, as the API
                head = _KEYS if tags else _LIST
                where = [f"{head.replace(' customer.deleted_at', scope + ' customer.deleted_at', 1)}"]
                if q.get("q"):
                    tsquery, phone = search_terms(q["q"])
                    matches = []
                    if tsquery:
                        args.append(tsquery)
                        matches.append(_TS.format(len(args)))
                    if phone:
                        args.append(phone)
                        matches.append(_PHONE.format(len(args)))
                    where.append(f"({' OR '.join(matches)})" if matches else "false")
                stages = list(dict.fromkeys(stages))
                if len(stages) == 1:  # one rung is compared with =, as the API does
                    args.append(stages[0])
                    where.append(f"customer.stage = ${len(args)}::VARCHAR(12)")
                if tags:
                    args.append([normalize_text(t) for t in tags])
                    where.append(f"customer.tags && ${len(args)}::VARCHAR(60)[]")
                if after:
                    args += list(after)
                    where.append(_AFTER.format(len(args) - 1, len(args)))
                args.append(limit + 1)
                page = f"{_ORDER}${len(args)}::INTEGER"
                if len(stages) > 1:  # several: a page of each rung, merged, as the API does
                    parts = []
                    for stage in stages:
                        args.append(stage)
                        parts.append(f"({' AND '.join(where)} AND customer.stage = ${len(args)}::VARCHAR{page})")
                    sql = f"SELECT * FROM ({' UNION ALL '.join(parts)}) AS customer{page}"
                else:
                    sql = " AND ".join(where) + page
                rows = await conn.fetch(_BY_IDS.format(sql) if tags else sql, *args)
        except Problem as exc:
            return _problem(exc)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = _encode_cursor(rows[-1]["created_at"], rows[-1]["id"])
        # Written from the records as the API writes its pages (no schema objects in either).
        return rows_page_response(rows, CustomerSummary, next_cursor, None)

    # GET: the API's one statement for the caller and the customer together (repository.READ_WITH_CALLER,
    # children as JSON arrays), as compiled for asyncpg; what it found is checked against the caller after.
    read_sql, read_names = READ_WITH_CALLER.statements[SESSION_PREFIX].text(ASYNCPG)
    if read_names != ("h", "id"):
        raise RuntimeError("the customer read's parameters changed: update bench/baseline_customers.py")

    @app.get("/api/v1/customers/{customer_id}")
    async def get_customer(request: Request, customer_id: str) -> Response:
        try:
            cid = uuid.UUID(customer_id)
        except ValueError:
            return _problem(Problem(422, "Invalid request"))
        try:
            h = _token_hash(request)
            async with request.app.state.pool.acquire() as conn:
                row = await conn.fetchrow(read_sql, h, cid)
            if row is None:
                raise Problem(401, "Authentication required")
            if "customers:read" not in ROLE_SCOPES[Role(row["caller_role"])]:
                raise Problem(403, "Not allowed")
            principal = Principal(user_id=row["caller_user_id"], role=Role(row["caller_role"]),
                                  team_id=row["caller_team_id"], team_ids=tuple(row["caller_team_ids"]))
            if row["id"] is None or not sees(principal, row["owner_id"], row["team_id"]):
                raise Problem(404, "Not found")
        except Problem as exc:
            return _problem(exc)
        body = _read(row, row["emails"], row["phones"], row["addresses"])
        return _json(body, headers={"ETag": f'"{row["id"]}.{row["version"]}"'})

    @app.post("/api/v1/customers")
    async def create_customer(request: Request) -> Response:
        try:
            data = json.loads(await request.body())
            emails: list[dict[str, Any]] = []
            for e in data.get("emails") or []:
                email = normalize_email(e["email"])
                if "@" not in email:
                    raise ValueError(email)
                if email not in {x["email"] for x in emails}:
                    emails.append({"email": email, "label": e.get("label"), "is_primary": bool(e.get("is_primary"))})
            phones: list[dict[str, Any]] = []
            for ph in data.get("phones") or []:
                e164 = normalize_phone(ph["number"], "IR")
                if e164 is None:
                    raise ValueError(ph["number"])
                if e164 not in {x["e164"] for x in phones}:
                    phones.append({"e164": e164, "raw": ph["number"].strip(), "label": ph.get("label"),
                                   "is_primary": bool(ph.get("is_primary"))})
            for items in (emails, phones):
                primary = next((x for x in items if x["is_primary"]), items[0] if items else None)
                for i, x in enumerate(items):
                    x["is_primary"], x["position"], x["id"] = x is primary, i, new_id()
            tags = sorted({normalize_text(t) for t in data.get("tags") or [] if normalize_text(t)})
        except (ValueError, KeyError, TypeError, AttributeError):
            return _problem(Problem(422, "Invalid request"))
        try:
            async with request.app.state.pool.acquire() as conn, conn.transaction():
                p = await _principal(conn, request)
                need(p, "customers:write")
                principal = _as_principal(p)
                if (emails or phones) and await _run(conn, CONTACT_HOLDERS[effective_visibility(principal)], "fetch", {
                        "emails": [e["email"] for e in emails], "phones": [ph["e164"] for ph in phones],
                        "exclude": None, **scope_values(principal)}):
                    raise Problem(409, "Likely duplicate customer")
                # The API reads the custom field definitions to check the values given (none here).
                await _run(conn, CUSTOM_FIELDS, "fetch", {})
                owner = {"id": p["user_id"], "team_id": p["team_id"]}  # the caller, as the API takes it
                cid, now = new_id(), datetime.now(UTC)
                c: Any = SimpleNamespace(
                    kind=data.get("kind", "person"), **{k: data.get(k) for k in SCALAR_FIELDS}, tags=tags,
                    emails=[SimpleNamespace(**e) for e in emails], phones=[SimpleNamespace(**x) for x in phones])
                c.display_name = (data.get("display_name") or default_display_name(c)).strip()
                if not c.display_name:
                    raise Problem(422, "Invalid request")
                refresh_search(c)
                cols: dict[str, Any] = {
                    "kind": c.kind, "display_name": c.display_name, "first_name": c.first_name,
                    "last_name": c.last_name, "organization_name": c.organization_name, "job_title": c.job_title,
                    "birthday": None, "language": c.language, "preferred_channel": c.preferred_channel, "tags": tags,
                    "custom_fields": data.get("custom_fields") or {}, "owner_id": owner["id"],
                    "team_id": owner["team_id"], "source_channel": c.source_channel, "source_ref": c.source_ref,
                    "utm": {}, "referrer_id": None, "consent": {}, "preferences": [],
                    "importance_tier": c.importance_tier, "desired_outcome": c.desired_outcome,
                    "target_value": None, "target_currency": c.target_currency,
                    "strategy_override": c.strategy_override, "stage": data.get("stage", "suspect"),
                    "lapsed_from": None, "stage_changed_at": now, "lifetime_revenue": Decimal("0.00"),
                    "purchase_count": 0, "first_purchase_at": None, "last_purchase_at": None, "rfm_recency": None,
                    "rfm_frequency": None, "rfm_monetary": None, "is_key": False, "key_reasons": [],
                    "primary_email": c.primary_email, "primary_phone": c.primary_phone,
                    "normalized_name": c.normalized_name, "search_text": c.search_text, "deleted_at": None,
                    "erased_at": None, "merged_into_id": None, "id": cid, "created_at": now, "updated_at": now,
                    "version": 1,
                }
                await _run(conn, CUSTOMER_INSERT, "execute", cols)
                for name, rows in (("emails", emails), ("phones", phones)):
                    for row in rows:
                        await _run(conn, CHILD_STATEMENTS[name][1], "execute", {**row, "customer_id": cid})
                await _run(conn, STAGE_INSERT, "execute", {
                    "id": new_id(), "customer_id": cid, "from_stage": None, "to_stage": cols["stage"],
                    "cause": "created", "reason": None, "actor_user_id": p["user_id"], "occurred_at": now})
                changes = {k: [None, to_json(v)] for k, v in cols.items() if v is not None and k not in _WRITE_SKIP}
                request_id = uuid.uuid4().hex
                await _run(conn, AUDIT_INSERT, "execute", _audit(p, "create", cid, owner["id"], owner["team_id"],
                                                                 changes, request_id))
                body = _read(cols, emails, phones, [])
                await _run(conn, OUTBOX_INSERT, "execute", _event("customer.created", cid, body, request_id))
        except Problem as exc:
            return _problem(exc)
        return _json(body, 201, headers={"Location": f"/api/v1/customers/{cid}", "ETag": f'"{cid}.1"'})

    @app.patch("/api/v1/customers/{customer_id}")
    async def update_customer(request: Request, customer_id: str) -> Response:
        try:
            cid = uuid.UUID(customer_id)
            data = json.loads(await request.body())
            name = data.pop("display_name").strip()
            if data or not name:  # the baseline implements the benchmarked change only
                raise ValueError(data)
        except (ValueError, KeyError, TypeError, AttributeError):
            return _problem(Problem(422, "Invalid request"))
        try:
            async with request.app.state.pool.acquire() as conn, conn.transaction():
                p = await _principal(conn, request)
                need(p, "customers:write")
                principal = _as_principal(p)
                row = await _run(conn, WRITE_STATEMENTS[effective_visibility(principal)], "fetchrow",
                                 {"id": cid, **scope_values(principal)})
                if row is None:
                    raise Problem(404, "Not found")
                emails, phones, addresses = row["emails"], row["phones"], row["addresses"]
                c: Any = SimpleNamespace(**{k: row[k] for k in ("first_name", "last_name", "organization_name")},
                                         display_name=name, tags=list(row["tags"]),
                                         emails=[SimpleNamespace(**e) for e in emails],
                                         phones=[SimpleNamespace(**x) for x in phones])
                refresh_search(c)
                new = {k: getattr(c, k) for k in ("display_name", "normalized_name", "search_text",
                                                  "primary_email", "primary_phone")}
                changed = {k: [row[k], v] for k, v in new.items() if row[k] != v}
                now = datetime.now(UTC)
                request_id = uuid.uuid4().hex
                updated = {**dict(row), **new, "updated_at": now, "version": row["version"] + 1}
                if changed:
                    keys = tuple(sorted(changed))
                    status = await _run(conn, customer_update(keys), "execute", {
                        "id": cid, "old_version": row["version"], "updated_at": now, "version": updated["version"],
                        **{f"v_{k}": new[k] for k in keys}})
                    if status != "UPDATE 1":
                        raise Problem(409, "Conflict")
                    audited = {k: [to_json(a), to_json(b)] for k, (a, b) in changed.items() if k != "search_text"}
                    if audited:
                        await _run(conn, AUDIT_INSERT, "execute", _audit(p, "update", cid, row["owner_id"],
                                                                         row["team_id"], audited, request_id))
                body = _read(updated, emails, phones, addresses)
                await _run(conn, OUTBOX_INSERT, "execute", _event("customer.updated", cid, body, request_id))
        except Problem as exc:
            return _problem(exc)
        return _json(body, headers={"ETag": f'"{cid}.{updated["version"]}"'})


def _as_principal(p: Any) -> Principal:
    return Principal(user_id=p["user_id"], role=Role(p["role"]), team_id=p["team_id"], team_ids=tuple(p["team_ids"]))


async def _run(conn: asyncpg.Connection, statement: Statement, method: str, values: dict[str, Any]) -> Any:
    """One of the API's compiled statements, with the values for its bind parameters (JSON serialised for
    the driver, as SQLAlchemy's bind processors do)."""
    sql, args = statement.args(values)
    return await getattr(conn, method)(sql, *args)


def _audit(p: Any, action: str, cid: uuid.UUID, owner_id: Any, team_id: Any, changes: dict[str, Any],
           request_id: str) -> dict[str, Any]:
    return {"id": new_id(), "occurred_at": datetime.now(UTC), "actor_user_id": p["user_id"],
            "actor_api_key_id": None, "action": action, "entity_type": "customer", "entity_id": cid,
            "owner_id": owner_id, "team_id": team_id, "changes": changes, "request_id": request_id}


def _event(event_type: str, cid: uuid.UUID, body: dict[str, Any], request_id: str) -> dict[str, Any]:
    return {"id": new_id(), "type": event_type, "entity_type": "customer", "entity_id": cid, "payload": body,
            "occurred_at": datetime.now(UTC), "request_id": request_id, "dispatched_at": None, "attempts": 0}


async def init_connection(conn: asyncpg.Connection) -> None:
    """JSON columns as the API's driver settings have them (SQLAlchemy's asyncpg dialect): serialised text
    in, ``json.loads`` out."""
    await conn.set_type_codec("json", schema="pg_catalog", format="binary", encoder=str.encode,
                              decoder=lambda b: json.loads(b.decode()))
    await conn.set_type_codec("jsonb", schema="pg_catalog", format="binary",
                              encoder=lambda s: b"\x01" + s.encode(), decoder=lambda b: json.loads(b[1:].decode()))
