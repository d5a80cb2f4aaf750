"""Indexes for the links merges, exports and erasure follow (referrer, merged-into) and for facts by kind.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 14:50:00+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_customer_referrer_id", "customer", ["referrer_id"], unique=False,
                    postgresql_where=sa.text("referrer_id IS NOT NULL"))
    op.create_index("ix_customer_merged_into_id", "customer", ["merged_into_id"], unique=False,
                    postgresql_where=sa.text("merged_into_id IS NOT NULL"))
    op.create_index("ix_customer_fact_customer_kind", "customer_fact", ["customer_id", "kind"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_customer_fact_customer_kind", table_name="customer_fact")
    op.drop_index("ix_customer_merged_into_id", table_name="customer",
                  postgresql_where=sa.text("merged_into_id IS NOT NULL"))
    op.drop_index("ix_customer_referrer_id", table_name="customer", postgresql_where=sa.text("referrer_id IS NOT NULL"))
