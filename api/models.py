"""Every table, for Alembic and tests: importing this module registers all models on the metadata."""

from api.auth import models as auth_models
from api.core.audit import AuditEntry
from api.core.db import Base
from api.core.events.outbox import OutboxEvent
from api.core.idempotency import IdempotencyRecord
from api.core.queue import JobOutbox
from api.customers import models as customers_models
from api.users import models as users_models

metadata = Base.metadata
__all__ = [
    "AuditEntry", "IdempotencyRecord", "JobOutbox", "OutboxEvent", "auth_models", "customers_models", "metadata",
    "users_models",
]
