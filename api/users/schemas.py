from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.core.access import Role

Language = Literal["en", "fa"]
Calendar = Literal["gregorian", "jalali", "hijri"]
Password = Field(min_length=10, max_length=256, description="At least 10 characters")
OptionalPassword = Field(None, min_length=10, max_length=256, description="At least 10 characters")


class TeamCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120, examples=["Tehran sales"])
    parent_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None


class TeamUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    parent_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None


class TeamRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    manager_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(examples=["sara@example.com"])
    full_name: str = Field(min_length=1, max_length=200, examples=["Sara Ahmadi"])
    password: str = Password
    role: Role = Role.sales
    team_id: uuid.UUID | None = None
    language: Language = "en"
    calendar: Calendar = "gregorian"


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr | None = None
    full_name: str | None = Field(None, min_length=1, max_length=200)
    password: str | None = OptionalPassword
    role: Role | None = None
    team_id: uuid.UUID | None = None
    language: Language | None = None
    calendar: Calendar | None = None
    is_active: bool | None = None


class MeUpdate(BaseModel):
    """What users may change about themselves."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(None, min_length=1, max_length=200)
    language: Language | None = None
    calendar: Calendar | None = None
    password: str | None = OptionalPassword
    current_password: str | None = Field(None, max_length=256, description="Required to change the password")


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    team_id: uuid.UUID | None
    language: Language
    calendar: Calendar
    is_active: bool
    last_login_at: datetime | None
    created_at: datetime
    updated_at: datetime


class Colleague(BaseModel):
    """What every signed-in user may know of the others: enough to name owners and pick one."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    full_name: str
    team_id: uuid.UUID | None
    is_active: bool


class Me(UserRead):
    scopes: list[str] = Field(description="What the caller may do")
    api_key_id: uuid.UUID | None = Field(None, description="Set when the caller is an API key")
