"""Index for the keyset order of the users list (created_at, id).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 13:45:00+00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_user_created_at_id", "user", ["created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_user_created_at_id", table_name="user")
