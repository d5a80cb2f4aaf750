from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

Kind = Literal["person", "organization"]
Stage = Literal[
    "suspect", "prospect", "first_time", "repeat", "client", "advocate", "partner", "disqualified", "lapsed"
]
Channel = Literal["email", "sms", "phone", "post"]
Tier = Literal["A", "B", "C"]
Strategy = Literal["basic", "reactive", "accountable", "proactive", "partnership"]
Tag = Field(min_length=1, max_length=60)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EmailIn(Strict):
    email: EmailStr = Field(examples=["sara@example.com"])
    label: str | None = Field(None, max_length=40, examples=["work"])
    is_primary: bool = False


class PhoneIn(Strict):
    number: str = Field(min_length=3, max_length=60, description="Any common form: 0912…, ۰۹۱۲…, +98 912 …",
                        examples=["0912 345 6789"])
    label: str | None = Field(None, max_length=40, examples=["mobile"])
    is_primary: bool = False


class AddressIn(Strict):
    label: str | None = Field(None, max_length=40)
    line1: str = Field(min_length=1, max_length=300)
    line2: str | None = Field(None, max_length=300)
    city: str | None = Field(None, max_length=120)
    region: str | None = Field(None, max_length=120)
    postal_code: str | None = Field(None, max_length=20)
    country: str | None = Field(None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2")
    is_primary: bool = False


class ConsentIn(Strict):
    granted: bool
    source: str = Field(min_length=1, max_length=60, description="How it was given or withdrawn: webform, call…")
    note: str | None = Field(None, max_length=500)
    at: datetime | None = Field(None, description="When; default now")


class UtmIn(Strict):
    source: str | None = Field(None, max_length=200)
    medium: str | None = Field(None, max_length=200)
    campaign: str | None = Field(None, max_length=200)
    term: str | None = Field(None, max_length=200)
    content: str | None = Field(None, max_length=200)


class _CustomerFields(Strict):
    display_name: str | None = Field(None, min_length=1, max_length=300,
                                     description="Default: first and last name, or the organization name")
    first_name: str | None = Field(None, max_length=120)
    last_name: str | None = Field(None, max_length=120)
    organization_name: str | None = Field(None, max_length=300)
    job_title: str | None = Field(None, max_length=120)
    birthday: date | None = None
    language: Literal["en", "fa"] | None = None
    preferred_channel: Channel | None = None
    tags: list[str] | None = Field(None, max_length=50)
    custom_fields: dict[str, Any] | None = None
    owner_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    source_channel: str | None = Field(None, max_length=40, examples=["webform"])
    source_ref: str | None = Field(None, max_length=200, description="The form or campaign that brought them")
    utm: UtmIn | None = None
    referrer_id: uuid.UUID | None = Field(None, description="The customer who referred this one")
    consent: dict[Channel, ConsentIn] | None = None
    preferences: list[str] | None = Field(None, max_length=50, examples=[["no sauce", "calls after 4pm only"]])
    importance_tier: Tier | None = None
    desired_outcome: str | None = Field(None, max_length=2000)
    target_value: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=2)
    target_currency: str | None = Field(None, min_length=3, max_length=3, examples=["IRR"])
    strategy_override: Strategy | None = None
    emails: list[EmailIn] | None = Field(None, max_length=20)
    phones: list[PhoneIn] | None = Field(None, max_length=20)
    addresses: list[AddressIn] | None = Field(None, max_length=20)


class CustomerCreate(_CustomerFields):
    kind: Kind = "person"
    stage: Literal["suspect", "prospect"] = Field("suspect", description="Where a new customer starts")


class CustomerUpdate(_CustomerFields):
    """PATCH: only the fields sent change; lists (emails, phones, addresses, tags…) are replaced whole."""


class EmailRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    email: str
    label: str | None
    is_primary: bool


class PhoneRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    e164: str
    raw: str
    label: str | None
    is_primary: bool


class AddressRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    label: str | None
    line1: str
    line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    is_primary: bool


class CustomerSummary(BaseModel):
    """A row of the customer list."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: Kind
    display_name: str
    organization_name: str | None
    primary_email: str | None
    primary_phone: str | None
    stage: Stage
    importance_tier: Tier | None
    tags: list[str]
    owner_id: uuid.UUID | None
    team_id: uuid.UUID | None
    source_channel: str | None
    lifetime_revenue: Decimal
    is_key: bool
    created_at: datetime
    updated_at: datetime


class CustomerRead(CustomerSummary):
    first_name: str | None
    last_name: str | None
    job_title: str | None
    birthday: date | None
    language: str | None
    preferred_channel: str | None
    custom_fields: dict[str, Any]
    source_ref: str | None
    utm: dict[str, Any]
    referrer_id: uuid.UUID | None
    consent: dict[str, Any]
    preferences: list[str]
    desired_outcome: str | None
    target_value: Decimal | None
    target_currency: str | None
    strategy_override: str | None
    lapsed_from: str | None
    stage_changed_at: datetime
    purchase_count: int
    first_purchase_at: datetime | None
    last_purchase_at: datetime | None
    rfm_recency: int | None
    rfm_frequency: int | None
    rfm_monetary: int | None
    key_reasons: list[str]
    emails: list[EmailRead]
    phones: list[PhoneRead]
    addresses: list[AddressRead]
    version: int


class ContactCreate(Strict):
    person_id: uuid.UUID
    role: str | None = Field(None, max_length=120, examples=["Purchasing manager"])


class ContactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    organization_id: uuid.UUID
    person_id: uuid.UUID
    role: str | None
    person: CustomerSummary | None = None


# --- The ladder and customer value (api/customers/ladder.py, value.py) ---------------------------------

FactKind = Literal["purchase", "contract_activated", "referral", "praise", "suggestion"]


class StageMove(Strict):
    stage: Stage = Field(description="The rung to move the customer to")
    reason: str | None = Field(None, max_length=2000, description="Why; required to disqualify, to skip rungs, "
                               "to move down, to requalify, and to win back to another rung than before")


class FactCreate(Strict):
    kind: FactKind = Field(description="purchase (a paid invoice or order), contract_activated, referral, praise "
                           "or suggestion")
    ref: str = Field(min_length=1, max_length=200, description="Your id of the fact, unique per kind; sending the "
                     "same kind and ref again records nothing new", examples=["shop-order:10042"])
    amount: Decimal | None = Field(None, ge=0, max_digits=20, decimal_places=2, description="Required for purchases")
    margin: Decimal | None = Field(None, max_digits=20, decimal_places=2,
                                   description="Profit of a purchase; it counts at its full amount when omitted")
    currency: str | None = Field(None, min_length=3, max_length=3, description="ISO 4217; default the value currency",
                                 examples=["IRR"])
    occurred_at: datetime = Field(description="When it happened, with a time zone")


class CustomerFactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    customer_id: uuid.UUID
    kind: str
    ref: str
    amount: Decimal | None
    margin: Decimal | None
    currency: str | None
    occurred_at: datetime
    created_at: datetime


class CustomerValueRead(BaseModel):
    customer_id: uuid.UUID
    currency: str
    lifetime_revenue: Decimal
    margin: Decimal | None = Field(description="Sum of the margins reported with purchases; null when none was")
    purchase_count: int
    average_order: Decimal | None = Field(description="lifetime_revenue / purchase_count")
    first_purchase_at: datetime | None
    last_purchase_at: datetime | None
    rfm_recency: int | None = Field(description="1-5 against the whole base, 5 = bought most recently")
    rfm_frequency: int | None
    rfm_monetary: int | None
    is_key: bool
    key_reasons: list[str] = Field(description="profitability, loyalty, ideas")


class StrategyRead(BaseModel):
    customer_id: uuid.UUID
    recommended: Strategy = Field(description="From Kotler's matrix of margin and number of customers")
    effective: Strategy = Field(description="The override when set, else the recommendation")
    override: Strategy | None
    margin_rate_pct: Decimal | None = Field(description="Margin / revenue of the purchases that reported a margin")
    margin_level: Literal["high", "medium", "low"]
    segment_size: int = Field(description="Customers of the same kind and importance tier on a buying rung")
    customer_count_level: Literal["many", "medium", "few"]


FieldType = Literal["text", "number", "date", "choice", "boolean"]
FieldKey = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$", examples=["shoe_size"],
                 description="Lower-case slug (letters, digits, _); fixed once created")


class CustomFieldCreate(Strict):
    key: str = FieldKey
    label: str = Field(min_length=1, max_length=120, examples=["Shoe size"])
    label_fa: str | None = Field(None, min_length=1, max_length=120, examples=["سایز کفش"])
    type: FieldType
    choices: list[str] = Field(default_factory=list, max_length=200,
                               description="The allowed values (each 1–120 characters); for `choice` only")
    required: bool = Field(False, description="Must be given when a customer is created")
    position: int = Field(0, ge=0, le=10_000)
    is_active: bool = True


class CustomFieldUpdate(Strict):
    """PATCH: key and type are fixed; a choice still used by customers cannot be removed."""

    label: str | None = Field(None, min_length=1, max_length=120)
    label_fa: str | None = Field(None, min_length=1, max_length=120)
    choices: list[str] | None = Field(None, max_length=200)
    required: bool | None = None
    position: int | None = Field(None, ge=0, le=10_000)
    is_active: bool | None = None


class CustomFieldRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    key: str
    label: str
    label_fa: str | None
    type: FieldType
    choices: list[str]
    required: bool
    position: int
    is_active: bool
    created_at: datetime
    updated_at: datetime
    version: int


DuplicateReason = Literal["email", "phone", "name"]


class DuplicateSuggestion(BaseModel):
    customer: CustomerSummary
    reasons: list[DuplicateReason] = Field(description="What the two records share")


class MergeRequest(Strict):
    duplicate_id: uuid.UUID = Field(description="The record merged away; the one in the path survives")


class FactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kind: str
    ref: str
    amount: Decimal | None
    margin: Decimal | None
    currency: str | None
    occurred_at: datetime


class StageMoveRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    from_stage: str | None
    to_stage: str
    cause: str
    reason: str | None
    actor_user_id: uuid.UUID | None
    occurred_at: datetime


class ContactLinkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    organization_id: uuid.UUID
    person_id: uuid.UUID
    role: str | None


class AuditTrailRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    occurred_at: datetime
    actor_user_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: uuid.UUID
    changes: dict[str, Any]


class CustomerExport(BaseModel):
    """Everything held about one customer, for a data-subject access request."""

    exported_at: datetime
    customer: CustomerRead
    merged_records: list[CustomerRead] = Field(description="Records merged into this one")
    contacts: list[ContactLinkRead] = Field(description="Organization ↔ person links, both directions")
    stage_history: list[StageMoveRead]
    facts: list[FactRead]
    audit: list[AuditTrailRead]


ImportPolicy = Literal["skip", "update", "create"]
ImportStatus = Literal["pending", "running", "completed", "failed", "cancelled"]


class ImportColumn(Strict):
    """Where one CSV column goes. A plain string in the mapping is the field alone."""

    field: str = Field(min_length=1, max_length=70, description=(
        "first_name, last_name, display_name, organization_name, kind, job_title, email, phone, tags, "
        "preferences, birthday, language, preferred_channel, source_channel, source_ref, importance_tier, stage, "
        "desired_outcome, target_value, target_currency, strategy_override, consent (channels granted), "
        "consent.<email|sms|phone|post> (yes/no), utm.<source|medium|campaign|term|content>, cf.<custom field "
        "key>, owner_email"), examples=["email"])
    separator: str | None = Field(None, min_length=1, max_length=5, description=(
        "For email, phone, tags, preferences and consent: what separates several values in one cell "
        "(default ';')"))


class ImportRead(BaseModel):
    """A CSV import and its progress; counters of a dry run say what the real run would do."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    entity: str
    filename: str
    mapping: dict[str, ImportColumn]
    duplicate_policy: ImportPolicy
    dry_run: bool
    status: ImportStatus
    total_rows: int | None = Field(description="Data rows in the file; null until the worker has read it")
    processed_rows: int
    created_count: int
    updated_count: int
    skipped_count: int
    error_count: int
    error: str | None
    owner_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportRowErrorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row_number: int = Field(description="As a spreadsheet numbers it: the header is row 1")
    errors: list[dict[str, Any]] = Field(description="`loc` (field), `msg` and `type`, as in a 422 problem")
