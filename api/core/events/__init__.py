"""Domain events through a transactional outbox: ``emit`` in the caller's transaction, relayed later."""

from api.core.events.catalogue import EVENT_TYPES, register_event_type
from api.core.events.outbox import OutboxEvent, emit, emit_on

__all__ = ["EVENT_TYPES", "OutboxEvent", "emit", "emit_on", "register_event_type"]
