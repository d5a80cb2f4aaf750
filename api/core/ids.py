"""Time-ordered UUIDv7 identifiers: index-friendly primary keys that sort by creation."""

import uuid

import uuid_utils


def new_id() -> uuid.UUID:
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)
