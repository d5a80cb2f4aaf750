"""Customer facts (ladder and value inputs), custom field definitions, CSV imports, merge pointer.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 13:55:01.623525+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('custom_field',
    sa.Column('entity', sa.String(length=30), server_default='customer', nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('label_fa', sa.String(length=120), nullable=True),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('choices', postgresql.ARRAY(sa.String(length=120)), server_default='{}', nullable=False),
    sa.Column('required', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("type in ('text','number','date','choice','boolean')", name=op.f('ck_custom_field_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_custom_field')),
    sa.UniqueConstraint('entity', 'key', name='uq_custom_field_entity_key')
    )
    op.create_table('import_job',
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('team_id', sa.Uuid(), nullable=True),
    sa.Column('entity', sa.String(length=30), server_default='customer', nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('mapping', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('duplicate_policy', sa.String(length=10), server_default='skip', nullable=False),
    sa.Column('dry_run', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('status', sa.String(length=12), server_default='pending', nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=True),
    sa.Column('processed_rows', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('updated_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('skipped_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_import_job_owner_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_import_job_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_job'))
    )
    op.create_index('ix_import_job_owner', 'import_job', ['owner_id', 'created_at'], unique=False)
    op.create_table('customer_fact',
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('ref', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column('margin', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_fact_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_fact')),
    sa.UniqueConstraint('kind', 'ref', name='uq_customer_fact_kind_ref')
    )
    op.create_index('ix_customer_fact_customer', 'customer_fact', ['customer_id', 'occurred_at'], unique=False)
    op.create_table('import_row_error',
    sa.Column('import_id', sa.Uuid(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('errors', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['import_job.id'], name=op.f('fk_import_row_error_import_id_import_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_row_error')),
    sa.UniqueConstraint('import_id', 'row_number', name='uq_import_row_error_row')
    )
    op.add_column('customer', sa.Column('merged_into_id', sa.Uuid(), nullable=True))
    op.create_foreign_key(op.f('fk_customer_merged_into_id_customer'), 'customer', 'customer', ['merged_into_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:

    op.drop_constraint(op.f('fk_customer_merged_into_id_customer'), 'customer', type_='foreignkey')
    op.drop_column('customer', 'merged_into_id')
    op.drop_table('import_row_error')
    op.drop_index('ix_customer_fact_customer', table_name='customer_fact')
    op.drop_table('customer_fact')
    op.drop_index('ix_import_job_owner', table_name='import_job')
    op.drop_table('import_job')
    op.drop_table('custom_field')

