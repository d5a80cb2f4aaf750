"""The ladder and customer value over HTTP: manual moves, facts from other systems, value and strategy."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from api.auth.deps import RequireScope
from api.core.access import Principal
from api.core.deps import AppSettings, IfMatch, Pagination, Session
from api.core.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized, ValidationFailed, responses
from api.core.etag import set_etag
from api.core.pagination import Page, paginate, parse_sort
from api.customers import ladder, service, value
from api.customers.models import CustomerFact
from api.customers.schemas import (
    CustomerFactRead,
    CustomerRead,
    CustomerValueRead,
    FactCreate,
    FactKind,
    StageMove,
    StrategyRead,
)

router = APIRouter(tags=["customers"])
Reader = Annotated[Principal, Depends(RequireScope("customers:read"))]
Writer = Annotated[Principal, Depends(RequireScope("customers:write"))]
ONE = responses(Unauthorized, Forbidden, NotFound, ValidationFailed)
MOVE = responses(Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed, ValidationFailed)
FACT = responses(Unauthorized, Forbidden, NotFound, Conflict, ValidationFailed)


@router.post("/customers/{customer_id}/stage", name="customers:move_stage", summary="Move a customer on the ladder",
             response_model=CustomerRead, responses=MOVE)
async def move_stage(session: Session, principal: Writer, customer_id: uuid.UUID, data: StageMove,
                     if_match: IfMatch, response: Response) -> CustomerRead:
    """Disqualifying needs a reason and is only for suspects and prospects; only buyers (first_time to
    partner) can be moved to lapsed, and it remembers their rung; a lapsed customer is won back to that rung,
    or to another with a reason; skipping rungs up or moving down needs a reason. Moving to the current
    rung changes nothing."""
    customer = await ladder.move_by_hand(session, principal, customer_id, data.stage, data.reason, if_match)
    set_etag(response, customer)
    return CustomerRead.model_validate(customer)


@router.post("/customers/{customer_id}/facts", name="customers:record_fact",
             summary="Record a purchase, referral, praise, suggestion or activated contract",
             status_code=status.HTTP_201_CREATED, response_model=CustomerFactRead,
             responses={**FACT, 200: {"description": "The same kind and ref was recorded before; nothing changed"}})
async def record_fact(session: Session, principal: Writer, settings: AppSettings, customer_id: uuid.UUID,
                      data: FactCreate, response: Response) -> CustomerFactRead:
    """For shops, accounting and other systems: each fact counts once per kind and ref, however often it
    is sent. A purchase updates the customer's value; facts move the customer up the ladder (first purchase
    first_time, the second repeat, regular purchases or an active contract client, a referral or praise
    advocate, a purchase by a lapsed customer wins them back)."""
    customer = await service.get_customer(session, principal, customer_id)
    result = await ladder.record_fact(session, customer.id, data.kind, data.ref, amount=data.amount,
                                      margin=data.margin, currency=data.currency, occurred_at=data.occurred_at,
                                      principal=principal, settings=settings)
    if result.recorded:
        response.headers["Location"] = f"/api/v1/customers/{customer.id}/facts/{result.fact.id}"
    else:
        response.status_code = status.HTTP_200_OK
    return CustomerFactRead.model_validate(result.fact)


@router.get("/customers/{customer_id}/facts", name="customers:list_facts", summary="Facts recorded for a customer",
            response_model=Page[CustomerFactRead], responses=ONE)
async def list_facts(
    session: Session, principal: Reader, customer_id: uuid.UUID, page: Pagination,
    kind: Annotated[list[FactKind] | None, Query(description="Repeat for OR")] = None,
    sort: Annotated[str | None, Query(description="occurred_at; - for descending (the default)")] = None,
) -> Page[CustomerFactRead]:
    customer = await service.get_customer(session, principal, customer_id)
    order = parse_sort(sort, {"occurred_at": CustomerFact.occurred_at}, CustomerFact.id, "-occurred_at")
    rows, cursor, total = await paginate(session, ladder.facts_of(customer.id, list(kind) if kind else None),
                                         order, page)
    return Page[CustomerFactRead](items=[CustomerFactRead.model_validate(r) for r in rows], next_cursor=cursor,
                                  total=total)


@router.get("/customers/{customer_id}/facts/{fact_id}", name="customers:get_fact", summary="One recorded fact",
            response_model=CustomerFactRead, responses=ONE)
async def get_fact(session: Session, principal: Reader, customer_id: uuid.UUID,
                   fact_id: uuid.UUID) -> CustomerFactRead:
    return CustomerFactRead.model_validate(await ladder.get_fact(session, principal, customer_id, fact_id))


@router.get("/customers/{customer_id}/value", name="customers:value", summary="A customer's value",
            response_model=CustomerValueRead, responses=ONE)
async def customer_value(session: Session, principal: Reader, settings: AppSettings,
                         customer_id: uuid.UUID) -> CustomerValueRead:
    """Revenue and purchases as facts arrived; RFM scores (1-5) and the profitability key flag are ranked
    against the whole customer base every night."""
    customer = await service.get_customer(session, principal, customer_id)
    return await value.value_of(session, customer, settings)


@router.get("/customers/{customer_id}/strategy", name="customers:strategy",
            summary="The relationship strategy recommended for a customer, and the one in force",
            response_model=StrategyRead, responses=ONE)
async def customer_strategy(session: Session, principal: Reader, settings: AppSettings,
                            customer_id: uuid.UUID) -> StrategyRead:
    """Kotler's matrix: high margin and few customers → partnership, low margin and many → basic, and so
    on. Margin is the customer's margin rate; the number of customers is the size of their segment (same
    kind and importance tier, on a buying rung). `strategy_override` on the customer wins."""
    customer = await service.get_customer(session, principal, customer_id)
    return await value.strategy_read(session, customer, settings)
