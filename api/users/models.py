"""Users and the org chart of teams."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from api.core.db import Base, IdMixin, TimestampMixin, VersionMixin

LANGUAGES = ("en", "fa")
CALENDARS = ("gregorian", "jalali", "hijri")


class Team(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "team"
    __audit__ = True
    __owner_attr__ = "manager_id"
    __team_attr__ = "id"

    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"))
    manager_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL", use_alter=True))
    # Materialized path "/<root id>/.../<own id>/": a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(2000))

    __table_args__ = (
        Index("ix_team_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
        Index("ix_team_parent_id", "parent_id"),
    )


class User(IdMixin, TimestampMixin, VersionMixin, Base):
    __tablename__ = "user"
    __audit__ = True
    __audit_exclude__ = ("password_hash", "failed_logins", "locked_until", "last_login_at")
    __owner_attr__ = "id"
    __team_attr__ = "team_id"

    email: Mapped[str] = mapped_column(String(320))
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(5), server_default="en")
    calendar: Mapped[str] = mapped_column(String(10), server_default="gregorian")
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    failed_logins: Mapped[int] = mapped_column(server_default="0")
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]

    __table_args__ = (
        Index("uq_user_email", text("lower(email)"), unique=True),
        Index("ix_user_team_id", "team_id"),
        # The keyset orders of GET /users.
        Index("ix_user_created_at_id", "created_at", "id"),
        CheckConstraint(
            "role in ('admin','manager','sales','marketing','finance','support','viewer')", name="role"
        ),
        CheckConstraint("language in ('en','fa')", name="language"),
        CheckConstraint("calendar in ('gregorian','jalali','hijri')", name="calendar"),
    )
