"""Every event type the system emits, with what it means. Webhook subscribers choose from these."""

from __future__ import annotations

EVENT_TYPES: dict[str, str] = {}


def register_event_type(name: str, description: str) -> str:
    """Declare an event type once (at import of its domain); emitting an unknown type is a bug."""
    if "." not in name:
        raise ValueError(f"event type {name!r} must look like 'entity.happened'")
    EVENT_TYPES[name] = description
    return name
