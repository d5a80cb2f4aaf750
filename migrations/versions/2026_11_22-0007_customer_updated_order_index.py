"""Index for the customer list sorted by last change: (updated_at, id).

The SPA offers "recently changed" (sort=-updated_at); at a million customers the page was a parallel
scan of the whole table (1.3 s), with the index it is a backward index scan.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 16:50:00+00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_customer_updated_at_id", "customer", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_customer_updated_at_id", table_name="customer")
