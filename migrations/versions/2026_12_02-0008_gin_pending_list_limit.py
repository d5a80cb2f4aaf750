"""Small pending lists for the customer GIN indexes (search text, tags, custom fields).

GIN indexes take new entries into an unsorted pending list (up to 4 MB by default) that every search
reads in full until a vacuum or an overflowing insert merges it. After a few thousand new customers a
phone search at a million customers read ~450 pending pages: 0.26 → 1.7 ms, and the list only empties
after ~200,000 inserts (autovacuum). 128 kB keeps searches within a few pages of the merged index while
imports still merge their entries in batches.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 15:30:00+00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = ("ix_customer_search_vector", "ix_customer_tags", "ix_customer_custom_fields")
PENDING_LIST_KB = 128


def upgrade() -> None:
    for name in INDEXES:
        op.execute(f"ALTER INDEX {name} SET (gin_pending_list_limit = {PENDING_LIST_KB})")
        # What is already pending is merged now, not by the next overflowing insert.
        op.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def downgrade() -> None:
    for name in INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")
