"""What the customer list and its CSV export share: the caller and the query parameters, declared once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from api.auth.deps import Caller, RequireReadScope
from api.core.deps import get_read_connection
from api.customers import custom_fields
from api.customers.models import Customer
from api.customers.repository import CustomerFilters
from api.customers.schemas import Channel, Stage, Tier

SORTS = {"created_at": Customer.created_at, "updated_at": Customer.updated_at,
         "display_name": Customer.normalized_name}
CUSTOM_PREFIX = "cf."
# Both read on the request's read connection (its one pooled connection; the export streams on it too).
FastViewer = Annotated[Caller, Depends(RequireReadScope("customers:read"))]


async def customer_filters(
    request: Request,
    q: Annotated[str | None, Query(max_length=200, description="Names, e-mails, phones, company, tags; "
                                   "Persian/Arabic spellings and digits match; words match as prefixes")] = None,
    stage: Annotated[list[Stage] | None, Query(description="Repeat for OR")] = None,
    owner_id: Annotated[list[uuid.UUID] | None, Query()] = None,
    team_id: Annotated[list[uuid.UUID] | None, Query()] = None,
    tag: Annotated[list[str] | None, Query(max_length=60, description="Any of these tags")] = None,
    source_channel: Annotated[list[str] | None, Query(max_length=40)] = None,
    importance_tier: Annotated[list[Tier] | None, Query()] = None,
    consent: Annotated[list[Channel] | None, Query(description="Has granted consent on every channel given")] = None,
    kind: Literal["person", "organization"] | None = None,
    is_key: bool | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    updated_from: datetime | None = None,
    updated_to: datetime | None = None,
) -> CustomerFilters:
    raw_custom = {k[len(CUSTOM_PREFIX):]: v for k, v in request.query_params.items() if k.startswith(CUSTOM_PREFIX)}
    # The read connection is asked for only when custom fields are filtered on (their definitions are
    # read): a call, not a sub-dependency FastAPI would solve for every list request.
    custom = await custom_fields.typed_filters(await get_read_connection(request), raw_custom) if raw_custom else {}
    return CustomerFilters(
        q=q, stage=list(stage) if stage else None, owner_id=owner_id, team_id=team_id, tag=tag,
        source_channel=source_channel, importance_tier=list(importance_tier) if importance_tier else None,
        consent=list(consent) if consent else None, kind=kind, is_key=is_key, created_from=created_from,
        created_to=created_to, updated_from=updated_from, updated_to=updated_to,
        custom=custom,
    )


Filters = Annotated[CustomerFilters, Depends(customer_filters)]
Sort = Annotated[str | None, Query(description="created_at, updated_at, display_name; - for descending")]
