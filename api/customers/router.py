"""Customers over HTTP: parse, call one service function, return a schema."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status

from api.auth.deps import Caller, Credentials, RequireScope, RequireWriteScope, read_with_caller
from api.core.access import Principal, effective_visibility, scope_values
from api.core.deps import AppSettings, IfMatch, Pagination, Session
from api.core.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized, ValidationFailed, responses
from api.core.etag import etag_of
from api.core.pagination import Page, paginate_shaped, parse_sort
from api.core.responses import json_response, rows_page_response
from api.customers import (
    contacts,
    custom_fields_router,
    imports_router,
    ladder_router,
    merge_router,
    repository,
    service,
)
from api.customers.models import Customer
from api.customers.params import SORTS, FastViewer, Filters, Sort
from api.customers.schemas import (
    ContactCreate,
    ContactRead,
    CustomerCreate,
    CustomerRead,
    CustomerSummary,
    CustomerUpdate,
    StageMoveRead,
)

router = APIRouter(tags=["customers"])
Viewer = Annotated[Principal, Depends(RequireScope("customers:read"))]
Writer = Annotated[Principal, Depends(RequireScope("customers:write"))]
# Create and change: one pooled connection in a transaction, no session (see RequireWriteScope).
FastWriter = Annotated[Caller, Depends(RequireWriteScope("customers:write"))]
READ = responses(Unauthorized, Forbidden, ValidationFailed)
ONE = responses(Unauthorized, Forbidden, NotFound, ValidationFailed)
CREATE = responses(Unauthorized, Forbidden, Conflict, ValidationFailed)
WRITE = responses(Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, ValidationFailed)



@router.get("/customers", name="customers:list", summary="List and search customers",
            response_model=Page[CustomerSummary], responses=READ)
async def list_customers(reader: FastViewer, page: Pagination, filters: Filters, sort: Sort = None) -> Response:
    """Custom fields filter as `cf.<key>=<value>` (exact match)."""
    level = effective_visibility(reader.principal)
    shape, values = repository.filter_shape(filters)
    order = parse_sort(sort, SORTS, Customer.id, "-created_at")
    base, parts, page_rows = repository.list_plan(level, shape, order)
    rows, cursor, total = await paginate_shaped(
        reader.db, ("customers:list", level, shape), base, {**values, **scope_values(reader.principal)}, order,
        page, parts=parts, rows=page_rows)
    return rows_page_response(rows, CustomerSummary, cursor, total)


@router.post("/customers", name="customers:create", summary="Create a customer", status_code=status.HTTP_201_CREATED,
             response_model=CustomerRead, responses={**CREATE, 200: {"description": "The existing duplicate "
                                                                      "(on_duplicate=existing)"}})
async def create_customer(
    writer: FastWriter, settings: AppSettings, data: CustomerCreate,
    on_duplicate: Annotated[Literal["reject", "existing", "create"], Query(
        description="When the e-mail or phone is already known: reject (409 with the existing ids), "
                    "existing (answer with that customer), or create anyway")] = "reject",
) -> Response:
    customer, created = await service.create_customer(writer.db, writer.principal, data, on_duplicate=on_duplicate,
                                                      region=settings.default_phone_region)
    headers = {"ETag": etag_of(customer)}
    if created:
        headers["Location"] = f"/api/v1/customers/{customer.id}"
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return json_response(customer, code, headers)


@router.get("/customers/{customer_id}", name="customers:get", summary="Get a customer", response_model=CustomerRead,
            responses=ONE)
async def get_customer(request: Request, credentials: Credentials, customer_id: uuid.UUID) -> Response:
    # The caller and the customer in one round trip; whether the caller may see it is checked here.
    caller, found = await read_with_caller(request, credentials, "customers:read", repository.READ_WITH_CALLER,
                                           id=customer_id)
    customer = repository.visible_read(caller.principal, found)
    if customer is None:
        raise NotFound("No such customer.")
    return json_response(customer, headers={"ETag": etag_of(customer)})


@router.patch("/customers/{customer_id}", name="customers:update", summary="Change a customer",
              response_model=CustomerRead, responses=WRITE)
async def update_customer(
    writer: FastWriter, settings: AppSettings, customer_id: uuid.UUID, data: CustomerUpdate, if_match: IfMatch,
) -> Response:
    customer = await service.update_customer(writer.db, writer.principal, customer_id, data, if_match,
                                             region=settings.default_phone_region)
    return json_response(customer, headers={"ETag": etag_of(customer)})


@router.delete("/customers/{customer_id}", name="customers:delete", summary="Delete a customer",
               status_code=status.HTTP_204_NO_CONTENT, responses=WRITE)
async def delete_customer(session: Session, principal: Writer, customer_id: uuid.UUID, if_match: IfMatch) -> Response:
    await service.delete_customer(session, await service.get_customer(session, principal, customer_id), if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/customers/{customer_id}/stage-history", name="customers:stage_history",
            summary="Moves on the customer ladder, newest first", response_model=list[StageMoveRead], responses=ONE)
async def stage_history(session: Session, principal: Viewer, customer_id: uuid.UUID) -> list[StageMoveRead]:
    customer = await service.get_customer(session, principal, customer_id)
    return [StageMoveRead.model_validate(r) for r in await service.stage_history(session, customer.id)]


@router.get("/customers/{customer_id}/contacts", name="customers:contacts_list",
            summary="Contacts of an organization", response_model=list[ContactRead], responses=ONE)
async def list_contacts(session: Session, principal: Viewer, customer_id: uuid.UUID) -> list[ContactRead]:
    return await contacts.list_contacts(session, principal, customer_id)


@router.post("/customers/{customer_id}/contacts", name="customers:contacts_add",
             summary="Add a person as a contact of an organization", status_code=status.HTTP_201_CREATED,
             response_model=ContactRead, responses=WRITE)
async def add_contact(session: Session, principal: Writer, customer_id: uuid.UUID, data: ContactCreate) -> ContactRead:
    link = await contacts.add_contact(session, principal, customer_id, data)
    return ContactRead.model_validate(link)


@router.delete("/customers/{customer_id}/contacts/{person_id}", name="customers:contacts_remove",
               summary="Remove a contact from an organization", status_code=status.HTTP_204_NO_CONTENT,
               responses=WRITE)
async def remove_contact(session: Session, principal: Writer, customer_id: uuid.UUID, person_id: uuid.UUID) -> Response:
    await contacts.remove_contact(session, principal, customer_id, person_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# What the app mounts, in order: the sub-routers' fixed paths (/customers/csv, /custom-fields…) must win
# over /customers/{id}.
ROUTERS = (custom_fields_router.router, imports_router.router, ladder_router.router, merge_router.router, router)
