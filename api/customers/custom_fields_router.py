"""Custom field definitions over HTTP: anyone who reads customers lists them, admins define them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from api.auth.deps import RequireScope
from api.core.access import Principal
from api.core.deps import IfMatch, Pagination, Session
from api.core.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized, ValidationFailed, responses
from api.core.etag import set_etag
from api.core.pagination import Page, paginate, parse_sort
from api.customers import custom_fields
from api.customers.models import CustomField
from api.customers.schemas import CustomFieldCreate, CustomFieldRead, CustomFieldUpdate

router = APIRouter(tags=["customers"])
Reader = Annotated[Principal, Depends(RequireScope("customers:read"))]
Admin = Annotated[Principal, Depends(RequireScope("custom_fields:write"))]
READ = responses(Unauthorized, Forbidden, ValidationFailed)
ONE = responses(Unauthorized, Forbidden, NotFound, ValidationFailed)
CREATE = responses(Unauthorized, Forbidden, Conflict, ValidationFailed)
WRITE = responses(Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, ValidationFailed)
BASE = "/custom-fields"


@router.get(BASE, name="custom_fields:list", summary="Custom fields of customers, in display order",
            response_model=Page[CustomFieldRead], responses=READ)
async def list_fields(session: Session, _: Reader, page: Pagination,
                      is_active: bool | None = None) -> Page[CustomFieldRead]:
    order = parse_sort(None, {"position": CustomField.position}, CustomField.id, "position")
    rows, cursor, total = await paginate(session, custom_fields.list_query(is_active), order, page)
    return Page[CustomFieldRead](items=[CustomFieldRead.model_validate(r) for r in rows], next_cursor=cursor,
                                 total=total)


@router.post(BASE, name="custom_fields:create", summary="Define a custom field",
             status_code=status.HTTP_201_CREATED, response_model=CustomFieldRead, responses=CREATE)
async def create_field(session: Session, _: Admin, data: CustomFieldCreate, response: Response) -> CustomFieldRead:
    field = await custom_fields.create_field(session, data)
    response.headers["Location"] = f"/api/v1{BASE}/{field.id}"
    set_etag(response, field)
    return CustomFieldRead.model_validate(field)


@router.get(BASE + "/{field_id}", name="custom_fields:get", summary="Get a custom field",
            response_model=CustomFieldRead, responses=ONE)
async def get_field(session: Session, _: Reader, field_id: uuid.UUID, response: Response) -> CustomFieldRead:
    field = await custom_fields.get_field(session, field_id)
    set_etag(response, field)
    return CustomFieldRead.model_validate(field)


@router.patch(BASE + "/{field_id}", name="custom_fields:update",
              summary="Change a custom field (its key and type stay)", response_model=CustomFieldRead,
              responses=WRITE)
async def update_field(session: Session, _: Admin, field_id: uuid.UUID, data: CustomFieldUpdate, if_match: IfMatch,
                       response: Response) -> CustomFieldRead:
    field = await custom_fields.update_field(session, await custom_fields.get_field(session, field_id), data,
                                             if_match)
    set_etag(response, field)
    return CustomFieldRead.model_validate(field)


@router.delete(BASE + "/{field_id}", name="custom_fields:delete",
               summary="Remove a custom field no customer uses (retire used ones instead)",
               status_code=status.HTTP_204_NO_CONTENT, responses=WRITE)
async def delete_field(session: Session, _: Admin, field_id: uuid.UUID, if_match: IfMatch) -> Response:
    await custom_fields.delete_field(session, await custom_fields.get_field(session, field_id), if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
