"""Platform spine: users, teams, login sessions, API keys, audit log, outboxes, idempotency.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 13:13:21.085112+00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('idempotency_record',
    sa.Column('owner_hash', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_headers', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('response_body', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_record'))
    )
    op.create_index('ix_idempotency_record_expires_at', 'idempotency_record', ['expires_at'], unique=False)
    op.create_index('uq_idempotency_record_owner_key', 'idempotency_record', ['owner_hash', 'key'], unique=True)
    op.create_table('job_outbox',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('job_name', sa.String(length=120), nullable=False),
    sa.Column('args', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('job_id', sa.String(length=200), nullable=False),
    sa.Column('defer_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_outbox')),
    sa.UniqueConstraint('job_id', name=op.f('uq_job_outbox_job_id'))
    )
    op.create_index('ix_job_outbox_created_at', 'job_outbox', ['created_at'], unique=False)
    op.create_table('outbox_event',
    sa.Column('type', sa.String(length=80), nullable=False),
    sa.Column('entity_type', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=True),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('request_id', sa.String(length=128), nullable=True),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_event'))
    )
    op.create_index('ix_outbox_event_entity', 'outbox_event', ['entity_type', 'entity_id'], unique=False)
    op.create_index('ix_outbox_event_pending', 'outbox_event', ['occurred_at', 'id'], unique=False, postgresql_where=sa.text('dispatched_at IS NULL'))
    op.create_table('team',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('manager_id', sa.Uuid(), nullable=True),
    sa.Column('path', sa.String(length=2000), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['team.id'], name=op.f('fk_team_parent_id_team'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team'))
    )
    op.create_index('ix_team_parent_id', 'team', ['parent_id'], unique=False)
    op.create_index('ix_team_path', 'team', ['path'], unique=False, postgresql_ops={'path': 'text_pattern_ops'})
    op.create_table('user',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('team_id', sa.Uuid(), nullable=True),
    sa.Column('language', sa.String(length=5), server_default='en', nullable=False),
    sa.Column('calendar', sa.String(length=10), server_default='gregorian', nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("calendar in ('gregorian','jalali','hijri')", name=op.f('ck_user_calendar')),
    sa.CheckConstraint("language in ('en','fa')", name=op.f('ck_user_language')),
    sa.CheckConstraint("role in ('admin','manager','sales','marketing','finance','support','viewer')", name=op.f('ck_user_role')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_user_team_id_team'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user'))
    )
    op.create_index('ix_user_team_id', 'user', ['team_id'], unique=False)
    # team.manager_id and user.team_id point at each other: the second key comes once both tables exist.
    op.create_foreign_key(op.f('fk_team_manager_id_user'), 'team', 'user', ['manager_id'], ['id'], ondelete='SET NULL')
    op.create_index('uq_user_email', 'user', [sa.literal_column('lower(email)')], unique=True)
    op.create_table('api_key',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.ARRAY(sa.String(length=64)), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_api_key_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_key_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_key_key_hash'))
    )
    op.create_index('ix_api_key_user_id', 'api_key', ['user_id'], unique=False)
    op.create_table('auth_session',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_auth_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_auth_session_token_hash'))
    )
    op.create_index('ix_auth_session_expires_at', 'auth_session', ['expires_at'], unique=False)
    op.create_index('ix_auth_session_user_id', 'auth_session', ['user_id'], unique=False)
    op.create_table('audit_log',
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Uuid(), nullable=True),
    sa.Column('actor_api_key_id', sa.Uuid(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('entity_type', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('team_id', sa.Uuid(), nullable=True),
    sa.Column('changes', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('request_id', sa.String(length=128), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['actor_api_key_id'], ['api_key.id'], name=op.f('fk_audit_log_actor_api_key_id_api_key'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['actor_user_id'], ['user.id'], name=op.f('fk_audit_log_actor_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity_type', 'entity_id', 'occurred_at'], unique=False)
    op.create_index('ix_audit_log_occurred_at', 'audit_log', ['occurred_at', 'id'], unique=False)
    op.create_index('ix_audit_log_owner_id', 'audit_log', ['owner_id', 'occurred_at'], unique=False)
    op.create_index('ix_audit_log_team_id', 'audit_log', ['team_id', 'occurred_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_log_team_id', table_name='audit_log')
    op.drop_index('ix_audit_log_owner_id', table_name='audit_log')
    op.drop_index('ix_audit_log_occurred_at', table_name='audit_log')
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_index('ix_auth_session_user_id', table_name='auth_session')
    op.drop_index('ix_auth_session_expires_at', table_name='auth_session')
    op.drop_table('auth_session')
    op.drop_index('ix_api_key_user_id', table_name='api_key')
    op.drop_table('api_key')
    op.drop_constraint(op.f('fk_team_manager_id_user'), 'team', type_='foreignkey')
    op.drop_index('uq_user_email', table_name='user')
    op.drop_index('ix_user_team_id', table_name='user')
    op.drop_table('user')
    op.drop_index('ix_team_path', table_name='team', postgresql_ops={'path': 'text_pattern_ops'})
    op.drop_index('ix_team_parent_id', table_name='team')
    op.drop_table('team')
    op.drop_index('ix_outbox_event_pending', table_name='outbox_event', postgresql_where=sa.text('dispatched_at IS NULL'))
    op.drop_index('ix_outbox_event_entity', table_name='outbox_event')
    op.drop_table('outbox_event')
    op.drop_index('ix_job_outbox_created_at', table_name='job_outbox')
    op.drop_table('job_outbox')
    op.drop_index('uq_idempotency_record_owner_key', table_name='idempotency_record')
    op.drop_index('ix_idempotency_record_expires_at', table_name='idempotency_record')
    op.drop_table('idempotency_record')
