from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    occurred_at: datetime
    actor_user_id: uuid.UUID | None
    actor_api_key_id: uuid.UUID | None
    action: str = Field(examples=["update"])
    entity_type: str = Field(examples=["user"])
    entity_id: uuid.UUID
    changes: dict[str, Any] = Field(
        description="Field → [old, new]", examples=[{"role": ["sales", "manager"]}]
    )
    request_id: str | None
