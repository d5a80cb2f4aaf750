"""CSV import and export of customers over HTTP (included before /customers/{id}, so /customers/csv wins)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile, status
from fastapi.responses import StreamingResponse

from api.auth.deps import RequireScope
from api.core.access import Principal
from api.core.deps import Pagination, Session
from api.core.errors import Forbidden, NotFound, PayloadTooLarge, Unauthorized, ValidationFailed, responses
from api.core.pagination import Page, paginate, parse_sort
from api.customers import export, imports
from api.customers.models import Customer, ImportJob, ImportRowError
from api.customers.params import SORTS, FastViewer, Filters, Sort
from api.customers.schemas import ImportPolicy, ImportRead, ImportRowErrorRead

router = APIRouter(tags=["customers"])
Reader = Annotated[Principal, Depends(RequireScope("customers:read"))]
Writer = Annotated[Principal, Depends(RequireScope("customers:write"))]
READ = responses(Unauthorized, Forbidden, ValidationFailed)
ONE = responses(Unauthorized, Forbidden, NotFound, ValidationFailed)
IMPORT_SORT = {"created_at": ImportJob.created_at}
ERROR_SORT = {"row_number": ImportRowError.row_number}


@router.post("/imports", name="imports:create", summary="Upload a CSV of customers to import",
             status_code=status.HTTP_202_ACCEPTED, response_model=ImportRead,
             responses=responses(Unauthorized, Forbidden, PayloadTooLarge, ValidationFailed))
async def create_import(
    session: Session, principal: Writer, response: Response,
    file: Annotated[UploadFile, File(description="CSV, UTF-8 with or without BOM; ',' ';' or tab separated; "
                                                 "the first row names the columns")],
    mapping: Annotated[str | None, Form(description=(
        'JSON object: CSV column → field, e.g. {"Name": "first_name", "E-mail": "email", '
        '"Tags": {"field": "tags", "separator": ","}}. Omitted: columns named like fields are taken.'))] = None,
    duplicate_policy: Annotated[ImportPolicy, Form(description=(
        "A row sharing an e-mail or phone with an existing customer or an earlier row: skip it, update "
        "that customer (non-empty cells overwrite; e-mails, phones, tags are added), or create anyway"))] = "skip",
    dry_run: Annotated[bool, Form(description="Validate and count only; nothing is written but the row errors. "
                                              "Run it for real afterwards with POST /imports/{id}/run")] = True,
) -> ImportRead:
    """The file is stored and the import queued; follow it at `Location`. Rows are checked with the same
    rules as `POST /customers`; a sales rep imports only customers they own."""
    job = await imports.create_import(session, principal, filename=file.filename or "import.csv",
                                      content=await file.read(), mapping=mapping,
                                      duplicate_policy=duplicate_policy, dry_run=dry_run)
    response.headers["Location"] = f"/api/v1/imports/{job.id}"
    return ImportRead.model_validate(job)


@router.get("/imports", name="imports:list", summary="Your CSV imports, newest first (admins: all)",
            response_model=Page[ImportRead], responses=READ)
async def list_imports(session: Session, principal: Writer, page: Pagination) -> Page[ImportRead]:
    order = parse_sort("-created_at", IMPORT_SORT, ImportJob.id, "-created_at")
    rows, cursor, total = await paginate(session, imports.visible_imports(principal), order, page)
    return Page[ImportRead](items=[ImportRead.model_validate(r) for r in rows], next_cursor=cursor, total=total)


@router.get("/imports/{import_id}", name="imports:get", summary="An import and its progress",
            response_model=ImportRead, responses=ONE)
async def get_import(session: Session, principal: Writer, import_id: uuid.UUID) -> ImportRead:
    return ImportRead.model_validate(await imports.get_import(session, principal, import_id))


@router.get("/imports/{import_id}/errors", name="imports:errors", summary="Rows refused by an import, in file order",
            response_model=Page[ImportRowErrorRead], responses=ONE)
async def list_import_errors(session: Session, principal: Writer, import_id: uuid.UUID,
                             page: Pagination) -> Page[ImportRowErrorRead]:
    job = await imports.get_import(session, principal, import_id)
    order = parse_sort("row_number", ERROR_SORT, ImportRowError.id, "row_number")
    stmt = imports.row_errors(job.id)
    rows, cursor, total = await paginate(session, stmt, order, page)
    return Page[ImportRowErrorRead](items=[ImportRowErrorRead.model_validate(r) for r in rows], next_cursor=cursor,
                                    total=total)


@router.post("/imports/{import_id}/run", name="imports:run", summary="Run a completed dry run for real",
             status_code=status.HTTP_202_ACCEPTED, response_model=ImportRead, responses=ONE)
async def run_import(session: Session, principal: Writer, import_id: uuid.UUID, response: Response) -> ImportRead:
    """A new import of the same file, mapping and duplicate policy, with `dry_run=false`."""
    job = await imports.rerun_for_real(session, principal, import_id)
    response.headers["Location"] = f"/api/v1/imports/{job.id}"
    return ImportRead.model_validate(job)


@router.post("/imports/{import_id}/cancel", name="imports:cancel", summary="Stop an import between two batches",
             response_model=ImportRead, responses=ONE)
async def cancel_import(session: Session, principal: Writer, import_id: uuid.UUID) -> ImportRead:
    """Batches already written stay; a finished import is returned unchanged."""
    return ImportRead.model_validate(await imports.cancel_import(session, principal, import_id))


@router.get("/customers/csv", name="customers:export_csv", summary="Export the filtered customer list as CSV",
            response_class=StreamingResponse, responses={
                **READ, 200: {"description": "UTF-8 CSV with BOM, streamed", "content": {"text/csv": {}}}})
async def export_csv(reader: FastViewer, filters: Filters, sort: Sort = None) -> StreamingResponse:
    """Takes the list's filters (`cf.<key>=<value>` too) and sort; the columns are import field names."""
    order = parse_sort(sort, SORTS, Customer.id, "-created_at")
    body = await export.started(export.stream_csv(reader.db, reader.principal, filters, order))
    return StreamingResponse(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="customers.csv"', "Cache-Control": "no-store"})
