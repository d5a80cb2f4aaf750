"""Customers (persons and organizations), their e-mails, phones, addresses, contacts and ladder history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.core.db import Base, IdMixin, TimestampMixin, VersionMixin, utcnow

KINDS = ("person", "organization")
STAGES = (
    "suspect", "prospect", "first_time", "repeat", "client", "advocate", "partner", "disqualified", "lapsed",
)
CHANNELS = ("email", "sms", "phone", "post")
TIERS = ("A", "B", "C")
STRATEGIES = ("basic", "reactive", "accountable", "proactive", "partnership")


_GIN_WITH = {"gin_pending_list_limit": 128}  # kB


def _in(values: tuple[str, ...]) -> str:
    return "(" + ",".join(f"'{v}'" for v in values) + ")"


class Customer(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "customer"
    __audit__ = True
    __audit_exclude__ = ("search_text", "search_vector")

    kind: Mapped[str] = mapped_column(String(12))
    display_name: Mapped[str] = mapped_column(String(300))
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    organization_name: Mapped[str | None] = mapped_column(String(300))
    job_title: Mapped[str | None] = mapped_column(String(120))
    birthday: Mapped[date | None]
    language: Mapped[str | None] = mapped_column(String(5))
    preferred_channel: Mapped[str | None] = mapped_column(String(12))
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(60)), server_default="{}")
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))

    # Acquisition source: channel + form/campaign + UTM + the customer who referred them.
    source_channel: Mapped[str | None] = mapped_column(String(40))
    source_ref: Mapped[str | None] = mapped_column(String(200))
    utm: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    referrer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))

    # Consent per channel: {"email": {"granted": true, "at": "...", "source": "webform", "note": "..."}}
    consent: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    # Remembered facts shown prominently ("no sauce", "calls after 4pm only").
    preferences: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    importance_tier: Mapped[str | None] = mapped_column(String(1))
    desired_outcome: Mapped[str | None] = mapped_column(Text)
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    target_currency: Mapped[str | None] = mapped_column(String(3))
    strategy_override: Mapped[str | None] = mapped_column(String(12))

    # The ladder.
    stage: Mapped[str] = mapped_column(String(12), server_default="suspect")
    lapsed_from: Mapped[str | None] = mapped_column(String(12))
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=text("now()"))

    # Value, maintained by the service as facts arrive (never recomputed per request).
    lifetime_revenue: Mapped[Decimal] = mapped_column(Numeric(20, 2), server_default="0")
    purchase_count: Mapped[int] = mapped_column(server_default="0")
    first_purchase_at: Mapped[datetime | None]
    last_purchase_at: Mapped[datetime | None]
    rfm_recency: Mapped[int | None]
    rfm_frequency: Mapped[int | None]
    rfm_monetary: Mapped[int | None]
    is_key: Mapped[bool] = mapped_column(server_default=text("false"))
    key_reasons: Mapped[list[str]] = mapped_column(ARRAY(String(20)), server_default="{}")

    # Normalised primary contact points and search text (api.core.text), kept by the service.
    primary_email: Mapped[str | None] = mapped_column(String(320))
    primary_phone: Mapped[str | None] = mapped_column(String(20))
    normalized_name: Mapped[str] = mapped_column(String(300), server_default="")
    # Deferred: they are written and searched, never read back (a third of an average row). The vector
    # holds the words and their first 1–6 characters as lexemes (SQL function of migration 0009).
    search_text: Mapped[str] = mapped_column(Text, server_default="", deferred=True)
    search_vector: Mapped[Any] = mapped_column(
        TSVECTOR, Computed("customer_search_vector(search_text)", persisted=True), deferred=True
    )
    deleted_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # Set on the record that was merged away; it points at the survivor.
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"))

    emails: Mapped[list[CustomerEmail]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CustomerEmail.position"
    )
    phones: Mapped[list[CustomerPhone]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CustomerPhone.position"
    )
    addresses: Mapped[list[CustomerAddress]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CustomerAddress.position"
    )

    __table_args__ = (
        CheckConstraint(f"kind in {_in(KINDS)}", name="kind"),
        CheckConstraint(f"stage in {_in(STAGES)}", name="stage"),
        CheckConstraint(f"lapsed_from is null or lapsed_from in {_in(STAGES)}", name="lapsed_from"),
        CheckConstraint(f"importance_tier is null or importance_tier in {_in(TIERS)}", name="tier"),
        CheckConstraint(f"strategy_override is null or strategy_override in {_in(STRATEGIES)}", name="strategy"),
        # GIN: searches read the whole pending list of new entries; it is kept small (migration 0008).
        Index("ix_customer_search_vector", "search_vector", postgresql_using="gin", postgresql_with=_GIN_WITH),
        Index("ix_customer_tags", "tags", postgresql_using="gin", postgresql_with=_GIN_WITH),
        Index("ix_customer_custom_fields", "custom_fields", postgresql_using="gin",
              postgresql_ops={"custom_fields": "jsonb_path_ops"}, postgresql_with=_GIN_WITH),
        # Newest-first walks filtered by tag are index-only scans (migration 0010, repository.ids_first).
        Index("ix_customer_created_at_id", "created_at", "id", postgresql_include=["tags", "deleted_at"]),
        Index("ix_customer_owner_created", "owner_id", "created_at", "id"),
        Index("ix_customer_team_created", "team_id", "created_at", "id"),
        Index("ix_customer_stage_created", "stage", "created_at", "id", postgresql_include=["tags", "deleted_at"]),
        Index("ix_customer_primary_email", "primary_email"),
        Index("ix_customer_primary_phone", "primary_phone"),
        # Merges, exports and erasure follow these links; most customers have neither.
        Index("ix_customer_referrer_id", "referrer_id", postgresql_where=text("referrer_id IS NOT NULL")),
        Index("ix_customer_merged_into_id", "merged_into_id", postgresql_where=text("merged_into_id IS NOT NULL")),
        # sort=display_name pages through this; the text_pattern_ops one below serves prefix matches only.
        Index("ix_customer_name_id", "normalized_name", "id"),
        # sort=-updated_at ("recently changed"): without it, a parallel scan of every customer (1.3 s at 1M).
        Index("ix_customer_updated_at_id", "updated_at", "id"),
        Index("ix_customer_normalized_name", "normalized_name", postgresql_ops={"normalized_name": "text_pattern_ops"}),
    )


class CustomerEmail(IdMixin, Base):
    __tablename__ = "customer_email"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))  # normalised (lower-cased)
    label: Mapped[str | None] = mapped_column(String(40))
    is_primary: Mapped[bool] = mapped_column(server_default=text("false"))
    position: Mapped[int] = mapped_column(server_default="0")

    __table_args__ = (
        Index("ix_customer_email_email", "email"),
        Index("ix_customer_email_customer_id", "customer_id"),
        UniqueConstraint("customer_id", "email", name="uq_customer_email_customer_email"),
    )


class CustomerPhone(IdMixin, Base):
    __tablename__ = "customer_phone"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    e164: Mapped[str] = mapped_column(String(20))
    raw: Mapped[str] = mapped_column(String(60))
    label: Mapped[str | None] = mapped_column(String(40))
    is_primary: Mapped[bool] = mapped_column(server_default=text("false"))
    position: Mapped[int] = mapped_column(server_default="0")

    __table_args__ = (
        Index("ix_customer_phone_e164", "e164"),
        Index("ix_customer_phone_customer_id", "customer_id"),
        UniqueConstraint("customer_id", "e164", name="uq_customer_phone_customer_e164"),
    )


class CustomerAddress(IdMixin, Base):
    __tablename__ = "customer_address"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(String(40))
    line1: Mapped[str] = mapped_column(String(300))
    line2: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    is_primary: Mapped[bool] = mapped_column(server_default=text("false"))
    position: Mapped[int] = mapped_column(server_default="0")

    __table_args__ = (Index("ix_customer_address_customer_id", "customer_id"),)


class CustomerContact(IdMixin, TimestampMixin, Base):
    """A person who is a contact of an organization, with their role there."""

    __tablename__ = "customer_contact"
    __audit__ = True
    __owner_attr__ = None
    __team_attr__ = None

    organization_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    role: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (
        UniqueConstraint("organization_id", "person_id", name="uq_customer_contact_org_person"),
        Index("ix_customer_contact_person_id", "person_id"),
    )


class StageChange(IdMixin, Base):
    """One move on the ladder: who or what moved it, why and when."""

    __tablename__ = "customer_stage_change"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(12))
    to_stage: Mapped[str] = mapped_column(String(12))
    cause: Mapped[str] = mapped_column(String(20))  # manual | created | purchase | referral | contract | lapse | ...
    reason: Mapped[str | None] = mapped_column(Text)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_customer_stage_change_customer", "customer_id", "occurred_at"),
        Index("ix_customer_stage_change_to_stage", "to_stage", "occurred_at"),
    )


class CustomerFact(IdMixin, Base):
    """A fact that moves the ladder or the value (a purchase, a referral, praise, a contract), recorded
    once per source reference so a fact delivered twice counts once."""

    __tablename__ = "customer_fact"

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))  # purchase | referral | praise | contract_activated | ...
    ref: Mapped[str] = mapped_column(String(200))  # e.g. "invoice:<id>"
    amount: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    margin: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    occurred_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "ref", name="uq_customer_fact_kind_ref"),
        Index("ix_customer_fact_customer", "customer_id", "occurred_at"),
        Index("ix_customer_fact_customer_kind", "customer_id", "kind"),
    )


class CustomField(IdMixin, TimestampMixin, VersionMixin, Base):
    """An admin-defined, typed field of customers (text, number, date, choice, boolean)."""

    __tablename__ = "custom_field"
    __audit__ = True
    __owner_attr__ = None
    __team_attr__ = None

    entity: Mapped[str] = mapped_column(String(30), server_default="customer")
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(120))
    label_fa: Mapped[str | None] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(10))
    choices: Mapped[list[str]] = mapped_column(ARRAY(String(120)), server_default="{}")
    required: Mapped[bool] = mapped_column(server_default=text("false"))
    position: Mapped[int] = mapped_column(server_default="0")
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))

    __table_args__ = (
        UniqueConstraint("entity", "key", name="uq_custom_field_entity_key"),
        CheckConstraint("type in ('text','number','date','choice','boolean')", name="type"),
    )


class ImportJob(IdMixin, TimestampMixin, Base):
    """A CSV import of customers, run by the worker: dry run, then the real run, resumable."""

    __tablename__ = "import_job"
    __owner_attr__ = "owner_id"
    __team_attr__ = "team_id"

    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    entity: Mapped[str] = mapped_column(String(30), server_default="customer")
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    duplicate_policy: Mapped[str] = mapped_column(String(10), server_default="skip")  # skip | update | create
    dry_run: Mapped[bool] = mapped_column(server_default=text("true"))
    # pending → running → completed | failed | cancelled
    status: Mapped[str] = mapped_column(String(12), server_default="pending")
    total_rows: Mapped[int | None]
    processed_rows: Mapped[int] = mapped_column(server_default="0")
    created_count: Mapped[int] = mapped_column(server_default="0")
    updated_count: Mapped[int] = mapped_column(server_default="0")
    skipped_count: Mapped[int] = mapped_column(server_default="0")
    error_count: Mapped[int] = mapped_column(server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_import_job_owner", "owner_id", "created_at"),)


class ImportRowError(IdMixin, Base):
    """Why one row of an import was (or, in a dry run, would be) refused."""

    __tablename__ = "import_row_error"

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"))
    row_number: Mapped[int]
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)

    __table_args__ = (UniqueConstraint("import_id", "row_number", name="uq_import_row_error_row"),)
