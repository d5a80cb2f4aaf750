"""The worker's side of a CSV import: rows checked with the API's rules, duplicates decided against the
database and the file itself, new customers written set-based (COPY) and updates through the service,
one transaction per batch that also moves the checkpoint. At scale the CPU-bound row checks run in a
process pool, two batches ahead of the writes, and render each new customer's rows as COPY text there, so
the writing process mostly decides and sends while the pool and PostgreSQL work at the same time."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

from arq.connections import ArqRedis
from pydantic import ValidationError
from sqlalchemy import ARRAY, String, Table, any_, func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.core.access import Principal, visible
from api.core.audit import AuditEntry, set_actor
from api.core.db import utcnow
from api.core.errors import AppError, ValidationFailed, field_error
from api.core.events import emit
from api.core.events.outbox import OutboxEvent
from api.core.ids import new_id
from api.core.jsonable import to_json
from api.core.queue import transaction
from api.core.settings import Settings
from api.core.sql import write_driver
from api.core.text import normalize_text
from api.customers import custom_fields, events, repository, service
from api.customers.imports import (
    FINAL,
    copy_field,
    copy_line,
    errors_of,
    importer,
    joined_json,
    json_text,
    read_rows,
    row_payload,
)
from api.customers.models import Customer, CustomerEmail, CustomerPhone, ImportJob, ImportRowError, StageChange
from api.customers.schemas import CustomerCreate, CustomerUpdate, EmailIn, ImportColumn, PhoneIn
from api.users.models import User

# Below this many rows starting worker processes costs more than it saves.
POOL_MIN_ROWS = 5000
_STATE = select(ImportJob.status, ImportJob.processed_rows).with_for_update()
_AUDIT_SKIP = frozenset({"id", "created_at", "updated_at", "version", "search_text", "search_vector"})
_COLUMNS = [c.key for c in cast(Table, Customer.__table__).columns if c.computed is None]
# What the batch decides with the database; everything else about a new customer is settled per row.
_DECIDED = ("owner_id", "team_id", "custom_fields")
_OWN = [c for c in _COLUMNS if c not in _DECIDED]
_AS_JSON = frozenset(c.key for c in cast(Table, Customer.__table__).columns if isinstance(c.type, JSONB))
# The COPY columns of each table: those the batch fills in first, then those of the row's own line.
_CUSTOMER_COLUMNS = [*_DECIDED, *_OWN]
_EMAIL_COLUMNS = ["id", "customer_id", "email", "label", "is_primary", "position"]
_PHONE_COLUMNS = ["id", "customer_id", "e164", "raw", "label", "is_primary", "position"]
_STEP_COLUMNS = ["from_stage", "cause", "reason", "actor_user_id", "occurred_at", "id", "customer_id", "to_stage"]
_AUDIT_COLUMNS = ["occurred_at", "actor_user_id", "actor_api_key_id", "action", "entity_type", "request_id",
                  "owner_id", "team_id", "changes", "id", "entity_id"]
_EVENT_COLUMNS = ["type", "entity_type", "occurred_at", "request_id", "dispatched_at", "attempts", "payload", "id",
                  "entity_id"]
_NO_NAME = field_error(["display_name"], "display_name_required",
                       "give a display name, a first or last name, or an organization name")


class _Draft(SimpleNamespace):
    """A customer about to be inserted in bulk: the service's helpers read it like a Customer, without
    the ORM's per-attribute bookkeeping (a third of the time at 100k rows)."""


@dataclass
class Prepared:
    """A row that passed every check that needs no database: the customer it would create, already as
    lines of COPY's text format, except the owner, team and custom fields the batch decides. Strings
    come back from a worker process cheaply (no object graph to rebuild, nothing for the garbage
    collector to track), and the batch only puts in what it decided."""

    row: int
    # The row as the JSON body the API would receive; validated again only to update a customer.
    body: str
    owner_email: str | None
    given_fields: dict[str, Any]
    id: uuid.UUID
    keys: list[str]
    # Lines (fields for ``_*_COLUMNS`` after those the batch fills in): the customer, its e-mails and
    # phones (whole lines, each ending in a newline), ladder step, audit entry and event. The audit
    # changes and the event payload are JSON objects without ``_DECIDED``, escaped for COPY.
    customer: str
    emails: str
    phones: str
    step: str
    changes: str
    payload: str
    audit: str
    event: str
    owner_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def prepare_rows(rows: list[tuple[int, list[str]]], columns: list[tuple[int, str, str | None]],
                 region: str) -> list[Prepared | dict[str, Any]]:
    """Check rows as ``POST /customers`` would (schema, e-mail and phone normalisation, a name) and
    build their customers. Pure CPU, no database: runs in a worker process for large files."""
    cols = [(i, ImportColumn(field=f, separator=sep)) for i, f, sep in columns]
    out: list[Prepared | dict[str, Any]] = []
    for row, cells in rows:
        try:
            out.append(_prepare(row, cells, cols, region))
        except (ValidationError, ValidationFailed) as exc:
            out.append({"row": row, "errors": errors_of(exc)})
    return out


def _prepare(row: int, cells: list[str], cols: list[tuple[int, ImportColumn]], region: str) -> Prepared:
    body, owner_email = row_payload(cells, cols)
    data = CustomerCreate.model_validate(body)
    emails = service.normalized_emails(data.emails or [])
    phones = service.normalized_phones(data.phones or [], region)
    now = utcnow()
    c = _Draft(id=new_id(), kind=data.kind, owner_id=None, team_id=None, stage=data.stage,
               tags=sorted({n for t in data.tags or [] if (n := _tag(t))}), custom_fields={},
               utm=data.utm.model_dump(exclude_none=True) if data.utm else {},
               consent=service.merged_consent({}, data.consent or {}),
               preferences=[p.strip() for p in data.preferences or []], emails=emails, phones=phones, addresses=[],
               stage_changed_at=now, created_at=now, updated_at=now, version=1,
               lifetime_revenue=service.NO_REVENUE,
               purchase_count=0, is_key=False, key_reasons=[], lapsed_from=None, rfm_recency=None,
               rfm_frequency=None, rfm_monetary=None, first_purchase_at=None, last_purchase_at=None,
               deleted_at=None, erased_at=None, merged_into_id=None,
               **{name: getattr(data, name) for name in service.SCALAR_FIELDS})
    c.display_name = (data.display_name or service.default_display_name(cast(Customer, c))).strip()
    if not c.display_name:
        raise ValidationFailed("no name", errors=[_NO_NAME])
    service.refresh_search(cast(Customer, c))
    payload = service.payload(cast(Customer, c))
    own = {k: getattr(c, k) for k in _OWN}
    # The audit entry's new values are the API's JSON of the customer, plus the derived columns the
    # flush listener would record too.
    changes = {k: [None, payload[k] if k in payload else to_json(v)] for k, v in own.items()
               if v is not None and v != [] and v != {} and k not in _AUDIT_SKIP}
    return Prepared(
        row=row, body=json_text(body), owner_email=owner_email, given_fields=body.get("custom_fields") or {}, id=c.id,
        keys=[e.email for e in emails] + [p.e164 for p in phones],
        customer=copy_line(json_text(v) if k in _AS_JSON else v for k, v in own.items()),
        emails="".join(f"{copy_line((e.id, c.id, e.email, e.label, e.is_primary, e.position))}\n" for e in emails),
        phones="".join(f"{copy_line((p.id, c.id, p.e164, p.raw, p.label, p.is_primary, p.position))}\n"
                       for p in phones),
        step=copy_line((new_id(), c.id, c.stage)), changes=copy_field(json_text(changes)),
        payload=copy_field(json_text({k: v for k, v in payload.items() if k not in _DECIDED})),
        audit=copy_line((new_id(), c.id)), event=copy_line((new_id(), c.id)),
    )


# A file's rows mostly repeat a few tags: each is normalised once per worker process.
_tag = lru_cache(maxsize=4096)(normalize_text)


class ImportRun:
    """One worker's pass over one import, batch by batch."""

    def __init__(self, job: ImportJob, principal: Principal, settings: Settings) -> None:
        self.principal = principal
        self.policy = job.duplicate_policy
        self.dry_run = job.dry_run
        self.region = settings.default_phone_region
        self.reason = f"CSV import {job.id}"
        header, _ = read_rows(job.content)
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        self.columns = [(index[c], spec["field"], spec.get("separator")) for c, spec in job.mapping.items()
                        if c in index]
        # Normalised e-mail / E.164 phone → the customer this file created or matched with it.
        self.seen: dict[str, uuid.UUID] = {}
        self.owners: dict[str | None, tuple[uuid.UUID, uuid.UUID | None] | ValidationFailed] = {}
        self.decided: dict[tuple[uuid.UUID | None, uuid.UUID | None] | None, tuple[str, str, str, str]] = {}

    async def prepare(self, rows: list[tuple[int, list[str]]], pool: Executor | None
                      ) -> list[Prepared | dict[str, Any]]:
        if pool is None or len(rows) < 200:
            return prepare_rows(rows, self.columns, self.region)
        loop = asyncio.get_running_loop()
        size = -(-len(rows) // 2)
        parts = await asyncio.gather(*[loop.run_in_executor(pool, prepare_rows, rows[i:i + size], self.columns,
                                                            self.region) for i in range(0, len(rows), size)])
        return [p for part in parts for p in part]

    async def _owner(self, session: AsyncSession, email: str | None) -> tuple[uuid.UUID, uuid.UUID | None]:
        """The owner as the API decides it: the importer, or the mapped user if the importer may give
        customers to them (cached per e-mail: one check per owner, not per row)."""
        key = email.strip().lower() if email else None
        if key not in self.owners:
            try:
                owner_id = None
                if key is not None:
                    owner_id = await session.scalar(select(User.id).where(func.lower(User.email) == key))
                    if owner_id is None:
                        raise ValidationFailed("no such user", errors=[
                            field_error(["owner_email"], "user_not_found", "no such user")])
                self.owners[key] = await service.owner_and_team(session, self.principal, owner_id, None)
            except ValidationFailed as exc:
                self.owners[key] = exc
        result = self.owners[key]
        if isinstance(result, ValidationFailed):
            raise result
        return result

    async def complete(self, session: AsyncSession, p: Prepared, fields: dict[str, Any]) -> Prepared:
        """The checks that need the database: owner and team, custom fields."""
        owner_id, team_id = await self._owner(session, p.owner_email)
        p.owner_id, p.team_id = owner_id, team_id
        p.custom_fields = _custom_values(fields, p.given_fields)
        return p

    async def batch(self, session: AsyncSession, prepared: list[Prepared | dict[str, Any]]) -> Outcome:
        out = Outcome()
        fields = await custom_fields.definitions(session)
        candidates: list[Prepared] = []
        for p in prepared:
            if isinstance(p, dict):
                out.errors.append(p)
                continue
            try:
                candidates.append(await self.complete(session, p, fields))
            except ValidationFailed as exc:
                out.errors.append({"row": p.row, "errors": errors_of(exc)})
        existing = await self._existing(session, candidates) if self.policy != "create" else {}
        pending: list[Prepared] = []
        for cand in candidates:
            if self.policy == "create":
                pending.append(cand)
                out.created += 1
                continue
            target = next((self.seen[k] for k in cand.keys if k in self.seen), None)
            if target is None:
                visible, hidden = existing.get(cand.row, ([], False))
                if visible:
                    target = visible[0]
                elif hidden:
                    out.errors.append({"row": cand.row, "errors": [field_error(
                        ["emails" if json.loads(cand.body).get("emails") else "phones"], "duplicate_outside_scope",
                        "a customer with this e-mail or phone exists outside your scope")]})
                    continue
            if target is None:
                pending.append(cand)
                out.created += 1
                for k in cand.keys:
                    self.seen.setdefault(k, cand.id)
                continue
            for k in cand.keys:
                self.seen.setdefault(k, target)
            if self.policy == "skip":
                out.skipped += 1
                continue
            if self.dry_run:
                out.updated += 1
                continue
            await self._insert(session, pending)  # the target may be one of them
            pending = []
            try:
                async with session.begin_nested(), _lookups(session):
                    await self._update(session, target, cand)
                out.updated += 1
            except AppError as exc:  # the API's 409/422 for this row: the row is refused, the batch goes on
                out.errors.append({"row": cand.row, "errors": errors_of(exc)})
        if not self.dry_run:
            await self._insert(session, pending)
        return out

    async def _existing(self, session: AsyncSession, candidates: list[Prepared]
                        ) -> dict[int, tuple[list[uuid.UUID], bool]]:
        """Per row: existing live customers sharing a contact point (visible ones), and whether others
        outside the importer's scope share one too — three queries for the whole batch."""
        # A row's keys are its normalised e-mails and E.164 phones: only an e-mail has an @ (one may start
        # with a +, as every phone does).
        emails = {k for c in candidates for k in c.keys if "@" in k}
        phones = {k for c in candidates for k in c.keys if "@" not in k}
        if not emails and not phones:
            return {}
        # One array parameter each, not thousands of bound values, so every lookup is an index probe.
        holders: dict[str, list[uuid.UUID]] = {}
        live: dict[uuid.UUID, bool] = {}
        async with _lookups(session):
            for col, owner, keys in ((CustomerEmail.email, CustomerEmail.customer_id, emails),
                                     (CustomerPhone.e164, CustomerPhone.customer_id, phones)):
                if keys:
                    found_rows = await session.execute(select(col, owner).where(col == any_(_array(keys))))
                    for key, cid in found_rows.all():
                        holders.setdefault(key, []).append(cid)
            found = list({cid for ids in holders.values() for cid in ids})
            if found:
                rows = await session.execute(
                    select(Customer.id, visible(self.principal, Customer)).where(
                        Customer.id == any_(_array(found, PG_UUID(as_uuid=True))), Customer.deleted_at.is_(None))
                    .order_by(Customer.created_at))
                live = {cid: bool(seen) for cid, seen in rows.all()}
        visible_ids = {cid for cid, seen in live.items() if seen}
        order = {cid: i for i, cid in enumerate(live)}  # oldest first, as the API names duplicates
        out: dict[int, tuple[list[uuid.UUID], bool]] = {}
        for cand in candidates:
            ids = sorted({c for k in cand.keys for c in holders.get(k, []) if c in live}, key=order.__getitem__)
            if ids:
                out[cand.row] = ([i for i in ids if i in visible_ids], any(i not in visible_ids for i in ids))
        return out

    async def _update(self, session: AsyncSession, target: uuid.UUID, cand: Prepared) -> None:
        """Through the service, as a PATCH would: the row's non-empty cells overwrite; e-mails, phones,
        tags and preferences are added to the existing ones, never replaced (a file rarely holds
        everything we know)."""
        db = await write_driver(session)  # in the batch's transaction, under its savepoint
        c = await repository.read_visible(db, self.principal, target)
        if c is None:
            raise ValidationFailed("gone", errors=[
                field_error([], "customer_gone", "the matching customer was deleted")])
        data = CustomerCreate.model_validate(json.loads(cand.body))
        given = data.model_dump(exclude_unset=True, exclude={"kind", "stage", "emails", "phones", "tags",
                                                             "preferences", "owner_id", "team_id"})
        if data.emails:
            given["emails"] = [EmailIn(email=e.email, label=e.label, is_primary=e.is_primary) for e in c.emails] \
                + [EmailIn(email=e.email) for e in data.emails]
        if data.phones:
            given["phones"] = [PhoneIn(number=p.e164, label=p.label, is_primary=p.is_primary) for p in c.phones] \
                + [PhoneIn(number=p.number) for p in data.phones]
        if data.tags:
            given["tags"] = list(c.tags) + list(data.tags)
        if data.preferences:
            given["preferences"] = list(dict.fromkeys([*c.preferences, *data.preferences]))
        if cand.owner_email is not None and cand.owner_id != c.owner_id:
            given["owner_id"] = cand.owner_id
        await service.update_customer(db, self.principal, target, CustomerUpdate.model_validate(given), None,
                                      region=self.region)

    def _decided(self, owner: uuid.UUID | None, team: uuid.UUID | None, values: dict[str, Any]
                 ) -> tuple[str, str, str, str]:
        """What the batch decided for a row, as COPY fields: owner and team, custom fields, and the
        JSON objects its audit changes and event payload start with. Most rows share them: cached."""
        key = None if values else (owner, team)
        if key in self.decided:
            return self.decided[key]
        decided = {"owner_id": str(owner) if owner else None, "team_id": str(team) if team else None,
                   "custom_fields": values}
        changes = {k: [None, v] for k, v in decided.items() if v is not None and v != {}}
        out = (f"{copy_field(owner)}\t{copy_field(team)}", copy_field(json_text(values)),
               copy_field(json_text(changes)), copy_field(json_text(decided)))
        if key is not None:
            self.decided[key] = out
        return out

    async def _insert(self, session: AsyncSession, cands: list[Prepared]) -> None:
        """New customers, their e-mails and phones, first ladder step, one audit entry and one
        ``customer.created`` event each: six COPYs per batch instead of thousands of INSERTs."""
        if not cands:
            return
        actor, now = copy_field(self.principal.user_id), copy_field(utcnow())
        step = f"\\N\tcreated\t{copy_field(self.reason)}\t{actor}\t{now}\t"
        audit = f"{now}\t{actor}\t\\N\tcreate\tcustomer\t\\N\t"
        event = f"{events.CUSTOMER_CREATED}\tcustomer\t{now}\t\\N\t\\N\t0\t"
        customers, emails, phones, steps, audits, outbox = [], [], [], [], [], []
        for cand in cands:
            who, values, changes, payload = self._decided(cand.owner_id, cand.team_id, cand.custom_fields)
            customers.append(f"{who}\t{values}\t{cand.customer}\n")
            emails.append(cand.emails)
            phones.append(cand.phones)
            steps.append(f"{step}{cand.step}\n")
            audits.append(f"{audit}{who}\t{joined_json(changes, cand.changes)}\t{cand.audit}\n")
            outbox.append(f"{event}{joined_json(payload, cand.payload)}\t{cand.event}\n")
        for table, columns, lines in (
                (Customer, _CUSTOMER_COLUMNS, customers), (CustomerEmail, _EMAIL_COLUMNS, emails),
                (CustomerPhone, _PHONE_COLUMNS, phones), (StageChange, _STEP_COLUMNS, steps),
                (AuditEntry, _AUDIT_COLUMNS, audits), (OutboxEvent, _EVENT_COLUMNS, outbox)):
            await _copy(session, cast(Table, table.__table__).name, columns, "".join(lines))


async def _copy(session: AsyncSession, table: str, columns: list[str], lines: str) -> None:
    """Rows through PostgreSQL's COPY (text format), in the session's transaction."""
    if not lines:
        return
    driver = await _driver(session)
    await driver.copy_to_table(table, source=_once(lines.encode()), columns=columns, format="text")


async def _driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session, in its transaction."""
    raw = await (await session.connection()).get_raw_connection()
    return raw.driver_connection


async def _once(data: bytes) -> AsyncIterator[bytes]:
    # asyncpg reads bytes as a file name and a file object through a thread; an async iterable it just sends.
    yield data


@asynccontextmanager
async def _lookups(session: AsyncSession) -> AsyncIterator[None]:
    """Duplicate lookups that probe the contact indexes for each of the batch's keys. The tables grow
    by thousands of rows a second here, faster than their statistics: a plan cached early (when they
    were small) would scan them whole, and even a fresh plan prefers scanning the whole table to a
    thousand probes once it has a few thousand rows, so every batch costs more than the one before
    (5 ms against 0.8 ms at 50k rows). Only around the lookups: under COPY, the foreign-key checks of
    every row would be planned again too (40% of PostgreSQL's time)."""
    driver = await _driver(session)  # the simple protocol: both settings in one round trip
    await driver.execute("SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_seqscan = off")
    yield
    await driver.execute("SET LOCAL plan_cache_mode TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT")


def _array(values: Any, item: Any = None) -> Any:
    return literal(list(values), ARRAY(item if item is not None else String()))


def _custom_values(fields: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    # custom_fields.values_for_create's rules with the definitions loaded once per batch, not per row.
    errors: list[dict[str, Any]] = []
    values = custom_fields.checked_values(fields, {}, given, errors)
    for key, f in fields.items():
        if f.required and f.is_active and key not in given:
            errors.append(field_error(["custom_fields", key], "custom_field_required",
                                      "this custom field is required"))
    if errors:
        raise ValidationFailed("Some custom fields are not valid.", errors=errors)
    return {k: v for k, v in values.items() if v is not None}


def _chunks(rows: Iterator[tuple[int, list[str]]], start: int, size: int) -> Iterator[list[tuple[int, list[str]]]]:
    batch: list[tuple[int, list[str]]] = []
    for i, record in enumerate(rows):
        if i < start:
            continue
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def run_import(maker: async_sessionmaker[AsyncSession], redis: ArqRedis | None, import_id: uuid.UUID,
                     settings: Settings, *, max_batches: int | None = None) -> str:
    """Work through an import from its checkpoint. Each batch's writes, row errors, counters and the new
    checkpoint commit together, so stopping anywhere and running again neither loses nor doubles a row.
    ``max_batches`` stops early (the job never passes it). Returns the import's status."""
    async with transaction(maker, redis) as session:
        job = await session.get(ImportJob, import_id, with_for_update=True)
        if job is None:
            return "missing"
        if job.status in FINAL:
            return job.status
        principal = await importer(session, job.owner_id)
        if principal is None or not principal.can("customers:write"):
            job.status, job.error, job.finished_at = "failed", "The importer can no longer write customers.", utcnow()
            return job.status
        run = ImportRun(job, principal, settings)
        if job.total_rows is None:
            job.total_rows = sum(1 for _ in read_rows(job.content)[1])
        job.status, job.started_at = "running", job.started_at or utcnow()
        done, total, content = job.processed_rows, job.total_rows, job.content
    if run.dry_run and done:
        # A dry run wrote no customers, so the contact points of the rows it already did are re-learnt.
        for p in prepare_rows([r for i, r in enumerate(read_rows(content)[1]) if i < done], run.columns, run.region):
            if isinstance(p, Prepared):
                for k in p.keys:
                    run.seen.setdefault(k, p.id)
    pool = ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1), mp_context=multiprocessing.get_context(
        "spawn")) if total - done >= POOL_MIN_ROWS else None
    try:
        return await _batches(maker, redis, import_id, run, content, done, settings, pool, max_batches)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


async def _batches(maker: async_sessionmaker[AsyncSession], redis: ArqRedis | None, import_id: uuid.UUID,
                   run: ImportRun, content: bytes, done: int, settings: Settings, pool: Executor | None,
                   max_batches: int | None) -> str:
    chunks = _chunks(read_rows(content)[1], done, max(1, settings.import_batch_size))
    # Batches being checked, in order: with a pool, the next two are checked while one is written, so
    # the worker processes still have work while PostgreSQL writes; without one, the next is checked
    # after the write (checking it in this process would only hold the transaction open longer).
    ahead: deque[tuple[int, asyncio.Future[list[Prepared | dict[str, Any]]]]] = deque()

    def check_ahead(depth: int) -> None:
        while len(ahead) < depth and (rows := next(chunks, None)) is not None:
            ahead.append((len(rows), asyncio.ensure_future(run.prepare(rows, pool))))

    if pool is not None and (first := next(chunks, None)) is not None:
        # The first batch is checked here while the pool's processes start (each imports the app: seconds
        # under load); the two after it are sent to the pool before this one blocks the loop.
        check_ahead(2)
        ahead.appendleft((len(first), asyncio.ensure_future(run.prepare(first, None))))
    check_ahead(1)
    batches = 0
    try:
        while ahead:
            if max_batches is not None and batches >= max_batches:
                return "running"
            count, checking = ahead.popleft()
            prepared = await checking
            if pool is not None:
                check_ahead(2)
            async with transaction(maker, redis) as session:
                set_actor(session, run.principal)
                state = (await session.execute(_STATE.where(ImportJob.id == import_id))).first()
                if state is None or state.status != "running" or state.processed_rows != done:
                    return state.status if state else "missing"  # cancelled, or another worker got ahead
                out = await run.batch(session, prepared)
                if out.errors:
                    await session.execute(insert(ImportRowError).on_conflict_do_nothing(), [
                        {"id": new_id(), "import_id": import_id, "row_number": e["row"], "errors": e["errors"]}
                        for e in out.errors])
                done += count
                await session.execute(update(ImportJob).where(ImportJob.id == import_id).values(
                    processed_rows=done, created_count=ImportJob.created_count + out.created,
                    updated_count=ImportJob.updated_count + out.updated,
                    skipped_count=ImportJob.skipped_count + out.skipped,
                    error_count=ImportJob.error_count + len(out.errors), updated_at=utcnow()))
            batches += 1
            check_ahead(1)
    finally:
        for _, checking in ahead:
            checking.cancel()
    return await _finish(maker, redis, import_id)


async def _finish(maker: async_sessionmaker[AsyncSession], redis: ArqRedis | None, import_id: uuid.UUID) -> str:
    async with transaction(maker, redis) as session:
        state = (await session.execute(_STATE.where(ImportJob.id == import_id))).first()
        if state is None or state.status != "running":
            return state.status if state else "missing"
        job = (await session.execute(
            update(ImportJob).where(ImportJob.id == import_id).values(status="completed", finished_at=utcnow())
            .returning(ImportJob.dry_run, ImportJob.total_rows, ImportJob.created_count, ImportJob.updated_count,
                       ImportJob.skipped_count, ImportJob.error_count))).one()
        emit(session, events.IMPORT_COMPLETED, "import", import_id, {
            "id": str(import_id), "dry_run": job.dry_run, "total_rows": job.total_rows, "created": job.created_count,
            "updated": job.updated_count, "skipped": job.skipped_count, "errors": job.error_count})
        return "completed"


async def fail_import(maker: async_sessionmaker[AsyncSession], import_id: uuid.UUID, message: str) -> None:
    """Give up on an import after the worker's retries: it stays where its last batch left it."""
    async with maker() as session:
        await session.execute(update(ImportJob).where(ImportJob.id == import_id, ImportJob.status.in_(
            ("pending", "running"))).values(status="failed", error=message[:2000], finished_at=utcnow()))
        await session.commit()
