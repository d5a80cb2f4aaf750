"""CSV import of customers: the upload is stored in PostgreSQL, the worker validates every row with the
API's own rules (schemas, service normalisation, owner scope, custom fields) and writes in batches, one
transaction per batch that also checkpoints the rows done, so a restarted worker resumes without
doubling anything. A dry run records the same decisions and errors and writes nothing else."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pydantic_core
from pydantic import ValidationError
from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from api.core.access import Principal, Role, Visibility
from api.core.db import utcnow
from api.core.errors import AppError, NotFound, ValidationFailed, clean_validation_errors, field_error
from api.core.ids import new_id
from api.core.queue import enqueue
from api.core.text import to_ascii_digits
from api.customers import jobs as _jobs  # noqa: F401 - registers run_customer_import for enqueue
from api.customers.models import (
    ImportJob,
    ImportRowError,
)
from api.customers.schemas import ImportColumn

JOB_NAME = "run_customer_import"
FINAL = ("completed", "failed", "cancelled")
SCALAR_FIELDS = frozenset({
    "kind", "stage", "display_name", "first_name", "last_name", "organization_name", "job_title", "birthday",
    "language", "preferred_channel", "source_channel", "source_ref", "importance_tier", "desired_outcome",
    "target_value", "target_currency", "strategy_override",
})
LIST_FIELDS = frozenset({"email", "phone", "tags", "preferences", "consent"})
PREFIXED = ("cf.", "consent.", "utm.")
CHANNELS = ("email", "sms", "phone", "post")
UTM_KEYS = ("source", "medium", "campaign", "term", "content")
_LOWER = frozenset({"kind", "stage", "language", "preferred_channel", "strategy_override"})
_UPPER = frozenset({"importance_tier", "target_currency"})
_DIGITS = frozenset({"birthday", "target_value"})
_YES = {"بله": "true", "آری": "true", "خیر": "false", "نه": "false"}
_AUDIT_SKIP = frozenset({"id", "created_at", "updated_at", "version", "search_text", "search_vector"})


def known_field(name: str) -> bool:
    if name in SCALAR_FIELDS or name in LIST_FIELDS or name == "owner_email":
        return True
    if name.startswith("cf."):
        return len(name) > 3
    if name.startswith("consent."):
        return name[8:] in CHANNELS
    if name.startswith("utm."):
        return name[4:] in UTM_KEYS
    return False


# ---- Reading the file ----------------------------------------------------------------------------

def decode(content: bytes) -> str:
    """UTF-8 with or without the BOM Excel writes; anything else is refused with a clear message."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed("The file is not UTF-8 text; save it as 'CSV UTF-8'.", errors=[
            field_error(["body", "file"], "file_encoding", f"invalid UTF-8 at byte {exc.start}",
                        byte=exc.start)]) from None


def _delimiter(header_line: str) -> str:
    # Excel writes ';' in locales whose decimal separator is ','; tabs come from pasted sheets.
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the data rows with the line each starts on (blank lines skipped)."""
    data = decode(content)
    first = data.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(data, newline=""), delimiter=_delimiter(first))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise ValidationFailed(f"The file is not valid CSV: {exc}.") from None
    return header, _records(reader)


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    start = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            yield start, row
        start = reader.line_num + 1


def parse_mapping(raw: str | None, header: list[str]) -> dict[str, ImportColumn]:
    """The column → field mapping as sent (JSON), or, when none is sent, every column named after a field."""
    if not header or not any(header):
        raise ValidationFailed("The file has no header row.", errors=[
            field_error(["body", "file"], "file_no_header", "the first row must name the columns")])
    if raw is None or not raw.strip():
        mapping = {h: ImportColumn(field=h) for h in header if known_field(h)}
    else:
        try:
            given = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationFailed("The mapping is not JSON.", errors=[
                field_error(["body", "mapping"], "json_invalid", str(exc))]) from None
        if not isinstance(given, dict):
            raise ValidationFailed("The mapping is a JSON object of column → field.", errors=[
                field_error(["body", "mapping"], "dict_type", "expected an object")])
        errors: list[dict[str, Any]] = []
        mapping = {}
        for column, spec in given.items():
            loc = ["body", "mapping", column]
            try:
                col = ImportColumn(field=spec) if isinstance(spec, str) else ImportColumn.model_validate(spec)
            except ValidationError as exc:
                errors += [{**e, "loc": loc + e["loc"]} for e in clean_validation_errors(exc.errors())]
                continue
            if column not in header:
                errors.append(field_error(loc, "column_not_in_file", "no such column in the file"))
            elif not known_field(col.field):
                errors.append(field_error(loc, "field_unknown", f"unknown customer field {col.field!r}",
                                          field=col.field))
            else:
                mapping[column] = col
        if errors:
            raise ValidationFailed("The mapping is not valid.", errors=errors)
    if not mapping:
        raise ValidationFailed("No column is mapped to a customer field.", errors=[
            field_error(["body", "mapping"], "mapping_no_columns", "map at least one column")])
    return mapping


# ---- The API side --------------------------------------------------------------------------------

def visible_imports(principal: Principal) -> Select[Any]:
    """Imports the caller started; admins see every import. The file itself is never loaded here."""
    stmt = select(ImportJob).options(defer(ImportJob.content, raiseload=True))
    if principal.visibility is not Visibility.all:
        stmt = stmt.where(ImportJob.owner_id == principal.user_id)
    return stmt


async def create_import(session: AsyncSession, principal: Principal, *, filename: str, content: bytes,
                        mapping: str | None, duplicate_policy: str, dry_run: bool) -> ImportJob:
    """Keep the file and its mapping, and queue the work; nothing is imported before the commit."""
    if not content.strip():
        raise ValidationFailed("The file is empty.", errors=[
            field_error(["body", "file"], "file_empty", "empty file")])
    header, _ = read_rows(content)
    columns = parse_mapping(mapping, header)
    job = ImportJob(
        id=new_id(), owner_id=principal.user_id, team_id=principal.team_id, entity="customer",
        filename=(filename or "import.csv")[:255], content=content,
        mapping={c: col.model_dump(exclude_none=True) for c, col in columns.items()},
        duplicate_policy=duplicate_policy, dry_run=dry_run, status="pending", processed_rows=0, created_count=0,
        updated_count=0, skipped_count=0, error_count=0,
    )
    session.add(job)
    await session.flush()
    enqueue(session, JOB_NAME, str(job.id), job_id=f"{JOB_NAME}:{job.id}")
    return job


async def get_import(session: AsyncSession, principal: Principal, import_id: uuid.UUID) -> ImportJob:
    job = await session.scalar(visible_imports(principal).where(ImportJob.id == import_id))
    if job is None:
        raise NotFound("No such import.")
    return job


async def rerun_for_real(session: AsyncSession, principal: Principal, import_id: uuid.UUID) -> ImportJob:
    """Run a finished dry run's file again, for real, with the same mapping and duplicate policy."""
    dry = await get_import(session, principal, import_id)
    if not dry.dry_run or dry.status != "completed":
        raise ValidationFailed("Only a completed dry run can be run for real.")
    content = await session.scalar(select(ImportJob.content).where(ImportJob.id == dry.id))
    assert content is not None
    return await create_import(session, principal, filename=dry.filename, content=content,
                               mapping=json.dumps(dry.mapping),
                               duplicate_policy=dry.duplicate_policy, dry_run=False)


async def cancel_import(session: AsyncSession, principal: Principal, import_id: uuid.UUID) -> ImportJob:
    """Stop an import between two batches; what was committed stays."""
    job = await get_import(session, principal, import_id)
    if job.status in ("pending", "running"):
        job.status, job.finished_at = "cancelled", utcnow()
        await session.flush()
    return job


# ---- The worker side -----------------------------------------------------------------------------

_PRINCIPAL = text("""
SELECT u.id, u.role, u.team_id, u.email, u.is_active,
       COALESCE(ARRAY(SELECT t2.id FROM team t JOIN team t2 ON t2.path LIKE t.path || '%'
                      WHERE t.id = u.team_id), '{}') AS team_ids
FROM "user" u WHERE u.id = :id
""")


async def importer(session: AsyncSession, user_id: uuid.UUID | None) -> Principal | None:
    """The importer as a caller of the API would be: role, team subtree; None if gone or deactivated."""
    if user_id is None:
        return None
    row = (await session.execute(_PRINCIPAL, {"id": user_id})).mappings().first()
    if row is None or not row["is_active"]:
        return None
    return Principal(user_id=row["id"], role=Role(row["role"]), team_id=row["team_id"],
                     team_ids=tuple(row["team_ids"]), email=row["email"])


def _cell(raw: str, name: str) -> str:
    value = raw.strip()
    if name in _LOWER:
        return value.lower()
    if name in _UPPER:
        return value.upper()
    if name in _DIGITS:
        return to_ascii_digits(value)
    return value


def row_payload(cells: Sequence[str], columns: list[tuple[int, ImportColumn]]) -> tuple[dict[str, Any], str | None]:
    """One CSV row as the JSON body the API would receive, and the owner's e-mail if mapped."""
    data: dict[str, Any] = {}
    owner = None
    for index, col in columns:
        raw = cells[index].strip() if index < len(cells) else ""
        if not raw:
            continue
        name = col.field
        if name in LIST_FIELDS:
            parts = [p.strip() for p in raw.split(col.separator or ";") if p.strip()]
            if name == "email":
                data.setdefault("emails", []).extend({"email": p} for p in parts)
            elif name == "phone":
                data.setdefault("phones", []).extend({"number": p} for p in parts)
            elif name == "consent":
                for channel in parts:
                    data.setdefault("consent", {})[channel.lower()] = {"granted": True, "source": "import"}
            else:
                data.setdefault(name, []).extend(parts)
        elif name.startswith("consent."):
            granted = _YES.get(raw, raw)
            data.setdefault("consent", {})[name[8:]] = {"granted": granted, "source": "import"}
        elif name.startswith("cf."):
            data.setdefault("custom_fields", {})[name[3:]] = raw
        elif name.startswith("utm."):
            data.setdefault("utm", {})[name[4:]] = raw
        elif name == "owner_email":
            owner = raw
        else:
            data[name] = _cell(raw, name)
    return data, owner


def row_errors(import_id: uuid.UUID) -> Select[Any]:
    return select(ImportRowError).where(ImportRowError.import_id == import_id)


def errors_of(exc: ValidationError | AppError) -> list[dict[str, Any]]:
    """A refused row's problems as a 422 lists them (``loc`` without the "body" prefix)."""
    raw = clean_validation_errors(exc.errors()) if isinstance(exc, ValidationError) \
        else exc.extra.get("errors") or [field_error([], exc.type, exc.detail)]
    return [{**e, "loc": [p for p in e.get("loc", []) if p != "body"]} for e in raw]


# ---- Rows as COPY's text format ----------------------------------------------------------------

def copy_field(value: Any) -> str:
    """One value as a field of COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, list):
        # An array literal, every element quoted (so none reads as NULL), then escaped as a field.
        items = (str(v).replace("\\", "\\\\").replace('"', '\\"') for v in value)
        return _escaped("{" + ",".join(f'"{v}"' for v in items) + "}")
    return str(value)  # numbers, UUIDs, dates and aware datetimes in a form PostgreSQL reads back exactly


def _escaped(text: str) -> str:
    # Backslash, tab and line breaks, as COPY's text format reads them. (Chained replaces, not
    # str.translate: that looks up every character of non-ASCII text in the table, 30x slower here.)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_line(values: Iterable[Any]) -> str:
    # NULLs and strings (most of a customer's columns) without a call to copy_field each.
    return "\t".join(["\\N" if v is None else _escaped(v) if type(v) is str else copy_field(v) for v in values])


def json_text(value: Any) -> str:
    # pydantic-core's serialiser: the same JSON as json.dumps(ensure_ascii=False), compact, 3x faster.
    return pydantic_core.to_json(value).decode()


def joined_json(head: str, rest: str) -> str:
    """Two JSON objects with no key in common, escaped for COPY, as one, so what a worker process
    serialised is not parsed again. Escaping leaves the braces alone: the texts join like plain JSON."""
    if head == "{}":
        return rest
    return head if rest == "{}" else f"{head[:-1]},{rest[1:]}"
