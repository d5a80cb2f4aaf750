"""Customers: persons and organizations, e-mails, phones, addresses, contacts, ladder history.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 13:50:24.899674+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('customer',
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('display_name', sa.String(length=300), nullable=False),
    sa.Column('first_name', sa.String(length=120), nullable=True),
    sa.Column('last_name', sa.String(length=120), nullable=True),
    sa.Column('organization_name', sa.String(length=300), nullable=True),
    sa.Column('job_title', sa.String(length=120), nullable=True),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('preferred_channel', sa.String(length=12), nullable=True),
    sa.Column('tags', sa.ARRAY(sa.String(length=60)), server_default='{}', nullable=False),
    sa.Column('custom_fields', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('team_id', sa.Uuid(), nullable=True),
    sa.Column('source_channel', sa.String(length=40), nullable=True),
    sa.Column('source_ref', sa.String(length=200), nullable=True),
    sa.Column('utm', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('referrer_id', sa.Uuid(), nullable=True),
    sa.Column('consent', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
    sa.Column('preferences', sa.ARRAY(sa.Text()), server_default='{}', nullable=False),
    sa.Column('importance_tier', sa.String(length=1), nullable=True),
    sa.Column('desired_outcome', sa.Text(), nullable=True),
    sa.Column('target_value', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column('target_currency', sa.String(length=3), nullable=True),
    sa.Column('strategy_override', sa.String(length=12), nullable=True),
    sa.Column('stage', sa.String(length=12), server_default='suspect', nullable=False),
    sa.Column('lapsed_from', sa.String(length=12), nullable=True),
    sa.Column('stage_changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('lifetime_revenue', sa.Numeric(precision=20, scale=2), server_default='0', nullable=False),
    sa.Column('purchase_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('first_purchase_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_purchase_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rfm_recency', sa.Integer(), nullable=True),
    sa.Column('rfm_frequency', sa.Integer(), nullable=True),
    sa.Column('rfm_monetary', sa.Integer(), nullable=True),
    sa.Column('is_key', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('key_reasons', sa.ARRAY(sa.String(length=20)), server_default='{}', nullable=False),
    sa.Column('primary_email', sa.String(length=320), nullable=True),
    sa.Column('primary_phone', sa.String(length=20), nullable=True),
    sa.Column('normalized_name', sa.String(length=300), server_default='', nullable=False),
    sa.Column('search_text', sa.Text(), server_default='', nullable=False),
    sa.Column('search_vector', postgresql.TSVECTOR(), sa.Computed("to_tsvector('simple'::regconfig, search_text)", persisted=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("importance_tier is null or importance_tier in ('A','B','C')", name=op.f('ck_customer_tier')),
    sa.CheckConstraint("kind in ('person','organization')", name=op.f('ck_customer_kind')),
    sa.CheckConstraint("lapsed_from is null or lapsed_from in ('suspect','prospect','first_time','repeat','client','advocate','partner','disqualified','lapsed')", name=op.f('ck_customer_lapsed_from')),
    sa.CheckConstraint("stage in ('suspect','prospect','first_time','repeat','client','advocate','partner','disqualified','lapsed')", name=op.f('ck_customer_stage')),
    sa.CheckConstraint("strategy_override is null or strategy_override in ('basic','reactive','accountable','proactive','partnership')", name=op.f('ck_customer_strategy')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_customer_owner_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referrer_id'], ['customer.id'], name=op.f('fk_customer_referrer_id_customer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_customer_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer'))
    )
    op.create_index('ix_customer_created_at_id', 'customer', ['created_at', 'id'], unique=False)
    op.create_index('ix_customer_custom_fields', 'customer', ['custom_fields'], unique=False, postgresql_using='gin', postgresql_ops={'custom_fields': 'jsonb_path_ops'})
    op.create_index('ix_customer_normalized_name', 'customer', ['normalized_name'], unique=False, postgresql_ops={'normalized_name': 'text_pattern_ops'})
    op.create_index('ix_customer_owner_created', 'customer', ['owner_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_customer_primary_email', 'customer', ['primary_email'], unique=False)
    op.create_index('ix_customer_primary_phone', 'customer', ['primary_phone'], unique=False)
    op.create_index('ix_customer_search_vector', 'customer', ['search_vector'], unique=False, postgresql_using='gin')
    op.create_index('ix_customer_stage_created', 'customer', ['stage', 'created_at', 'id'], unique=False)
    op.create_index('ix_customer_tags', 'customer', ['tags'], unique=False, postgresql_using='gin')
    op.create_index('ix_customer_team_created', 'customer', ['team_id', 'created_at', 'id'], unique=False)
    op.create_table('customer_address',
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=True),
    sa.Column('line1', sa.String(length=300), nullable=False),
    sa.Column('line2', sa.String(length=300), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('region', sa.String(length=120), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('is_primary', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_address_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_address'))
    )
    op.create_index('ix_customer_address_customer_id', 'customer_address', ['customer_id'], unique=False)
    op.create_table('customer_contact',
    sa.Column('organization_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['customer.id'], name=op.f('fk_customer_contact_organization_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['customer.id'], name=op.f('fk_customer_contact_person_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_contact')),
    sa.UniqueConstraint('organization_id', 'person_id', name='uq_customer_contact_org_person')
    )
    op.create_index('ix_customer_contact_person_id', 'customer_contact', ['person_id'], unique=False)
    op.create_table('customer_email',
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=True),
    sa.Column('is_primary', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_email_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_email')),
    sa.UniqueConstraint('customer_id', 'email', name='uq_customer_email_customer_email')
    )
    op.create_index('ix_customer_email_customer_id', 'customer_email', ['customer_id'], unique=False)
    op.create_index('ix_customer_email_email', 'customer_email', ['email'], unique=False)
    op.create_table('customer_phone',
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.Column('raw', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=True),
    sa.Column('is_primary', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_phone_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_phone')),
    sa.UniqueConstraint('customer_id', 'e164', name='uq_customer_phone_customer_e164')
    )
    op.create_index('ix_customer_phone_customer_id', 'customer_phone', ['customer_id'], unique=False)
    op.create_index('ix_customer_phone_e164', 'customer_phone', ['e164'], unique=False)
    op.create_table('customer_stage_change',
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('from_stage', sa.String(length=12), nullable=True),
    sa.Column('to_stage', sa.String(length=12), nullable=False),
    sa.Column('cause', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('actor_user_id', sa.Uuid(), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['user.id'], name=op.f('fk_customer_stage_change_actor_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_stage_change_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_stage_change'))
    )
    op.create_index('ix_customer_stage_change_customer', 'customer_stage_change', ['customer_id', 'occurred_at'], unique=False)
    op.create_index('ix_customer_stage_change_to_stage', 'customer_stage_change', ['to_stage', 'occurred_at'], unique=False)



def downgrade() -> None:

    op.drop_index('ix_customer_stage_change_to_stage', table_name='customer_stage_change')
    op.drop_index('ix_customer_stage_change_customer', table_name='customer_stage_change')
    op.drop_table('customer_stage_change')
    op.drop_index('ix_customer_phone_e164', table_name='customer_phone')
    op.drop_index('ix_customer_phone_customer_id', table_name='customer_phone')
    op.drop_table('customer_phone')
    op.drop_index('ix_customer_email_email', table_name='customer_email')
    op.drop_index('ix_customer_email_customer_id', table_name='customer_email')
    op.drop_table('customer_email')
    op.drop_index('ix_customer_contact_person_id', table_name='customer_contact')
    op.drop_table('customer_contact')
    op.drop_index('ix_customer_address_customer_id', table_name='customer_address')
    op.drop_table('customer_address')
    op.drop_index('ix_customer_team_created', table_name='customer')
    op.drop_index('ix_customer_tags', table_name='customer', postgresql_using='gin')
    op.drop_index('ix_customer_stage_created', table_name='customer')
    op.drop_index('ix_customer_search_vector', table_name='customer', postgresql_using='gin')
    op.drop_index('ix_customer_primary_phone', table_name='customer')
    op.drop_index('ix_customer_primary_email', table_name='customer')
    op.drop_index('ix_customer_owner_created', table_name='customer')
    op.drop_index('ix_customer_normalized_name', table_name='customer', postgresql_ops={'normalized_name': 'text_pattern_ops'})
    op.drop_index('ix_customer_custom_fields', table_name='customer', postgresql_using='gin', postgresql_ops={'custom_fields': 'jsonb_path_ops'})
    op.drop_index('ix_customer_created_at_id', table_name='customer')
    op.drop_table('customer')

