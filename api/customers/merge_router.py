"""Duplicates, merging and privacy requests over HTTP (see merge.py and privacy.py)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.auth.deps import RequireScope
from api.core.access import Principal
from api.core.deps import IfMatch, Session
from api.core.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized, ValidationFailed, responses
from api.core.etag import set_etag
from api.customers import merge, privacy
from api.customers.schemas import CustomerExport, CustomerRead, DuplicateSuggestion, MergeRequest

router = APIRouter(tags=["customers"])
Reader = Annotated[Principal, Depends(RequireScope("customers:read"))]
Writer = Annotated[Principal, Depends(RequireScope("customers:write"))]
Eraser = Annotated[Principal, Depends(RequireScope("customers:erase"))]
ONE = responses(Unauthorized, Forbidden, NotFound, ValidationFailed)
WRITE = responses(Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, ValidationFailed)


@router.get("/customers/{customer_id}/duplicates", name="customers:duplicates",
            summary="Likely duplicates of a customer (same e-mail, phone or name) and why",
            response_model=list[DuplicateSuggestion], responses=ONE)
async def list_duplicates(session: Session, principal: Reader, customer_id: uuid.UUID) -> list[DuplicateSuggestion]:
    return await merge.suggestions(session, principal, customer_id)


@router.post("/customers/{customer_id}/merge", name="customers:merge",
             summary="Merge a duplicate into this customer: everything attached moves here, the duplicate goes",
             response_model=CustomerRead, responses=WRITE)
async def merge_customer(session: Session, principal: Writer, customer_id: uuid.UUID, data: MergeRequest,
                         if_match: IfMatch, response: Response) -> CustomerRead:
    survivor = await merge.merge(session, principal, customer_id, data.duplicate_id, if_match)
    set_etag(response, survivor)
    return CustomerRead.model_validate(survivor)


@router.get("/customers/{customer_id}/export", name="customers:export",
            summary="Everything held about a customer, machine-readable (privacy access request)",
            response_model=CustomerExport, responses=ONE)
async def export_customer(session: Session, principal: Reader, customer_id: uuid.UUID) -> CustomerExport:
    return await privacy.export(session, principal, customer_id)


@router.post("/customers/{customer_id}/erase", name="customers:erase",
             summary="Erase a customer's personal data; the anonymous record and its history stay",
             response_model=CustomerRead, responses=WRITE)
async def erase_customer(session: Session, principal: Eraser, customer_id: uuid.UUID, if_match: IfMatch,
                         response: Response) -> CustomerRead:
    customer = await privacy.erase(session, principal, customer_id, if_match)
    set_etag(response, customer)
    return CustomerRead.model_validate(customer)
