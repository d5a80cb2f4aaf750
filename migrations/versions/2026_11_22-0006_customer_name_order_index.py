"""Index for the customer list sorted by name: (normalized_name, id) in the database's collation.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 15:20:00+00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_customer_name_id", "customer", ["normalized_name", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_customer_name_id", table_name="customer")
