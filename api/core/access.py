"""Access control as one mechanism: who the caller is, what they may do, and which rows they see.

Every domain asks ``principal.require(scope)`` for actions and starts every read from
``visible(principal, Model)`` (or ``scope_filter``); nothing else decides access."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Uuid, bindparam, false, or_, true

from api.core.errors import Forbidden
from api.core.sql import any_of, any_param


class Role(StrEnum):
    admin = "admin"
    manager = "manager"
    sales = "sales"
    marketing = "marketing"
    finance = "finance"
    support = "support"
    viewer = "viewer"


class Visibility(StrEnum):
    own = "own"    # records the caller owns
    team = "team"  # records owned within the caller's team and every team below it
    all = "all"


# The catalogue of scopes. Each domain's actions are one of these; API keys carry a subset.
SCOPES: dict[str, str] = {
    "me": "Read and update your own profile",
    "users:read": "List users and teams",
    "users:write": "Create, change and deactivate users and teams",
    "api_keys:write": "Create and revoke API keys",
    "audit:read": "Read the audit log",
    "customers:read": "Read customers, their contacts and ladder history",
    "customers:write": "Create, change, merge and delete customers",
    "customers:erase": "Erase a customer's personal data on request (admins only)",
    "custom_fields:write": "Define, change and remove custom fields of customers (admins only)",
}

ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.admin: frozenset(SCOPES),
    Role.manager: frozenset({"me", "users:read", "audit:read", "customers:read", "customers:write"}),
    Role.sales: frozenset({"me", "customers:read", "customers:write"}),
    Role.marketing: frozenset({"me", "customers:read", "customers:write"}),
    Role.finance: frozenset({"me", "customers:read"}),
    Role.support: frozenset({"me", "customers:read", "customers:write"}),
    Role.viewer: frozenset({"me", "customers:read"}),
}

ROLE_VISIBILITY: dict[Role, Visibility] = {
    Role.admin: Visibility.all,
    Role.manager: Visibility.team,
    Role.sales: Visibility.own,
    Role.marketing: Visibility.team,
    Role.finance: Visibility.team,
    Role.support: Visibility.own,
    Role.viewer: Visibility.team,
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller: a user, or an API key acting for the user who owns it."""

    user_id: uuid.UUID
    role: Role
    team_id: uuid.UUID | None
    # The caller's team and every team below it in the org chart.
    team_ids: tuple[uuid.UUID, ...] = ()
    api_key_id: uuid.UUID | None = None
    key_scopes: frozenset[str] | None = None
    session_id: uuid.UUID | None = None
    email: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def scopes(self) -> frozenset[str]:
        granted = ROLE_SCOPES[self.role]
        return granted if self.key_scopes is None else granted & self.key_scopes

    @property
    def visibility(self) -> Visibility:
        return ROLE_VISIBILITY[self.role]

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin and self.key_scopes is None

    def can(self, scope: str) -> bool:
        return scope in self.scopes

    def require(self, scope: str) -> None:
        if not self.can(scope):
            raise Forbidden(f"This action needs the '{scope}' permission.")


def effective_visibility(principal: Principal, has_team_column: bool = True) -> Visibility:
    """What the caller sees of an owned table: a team view without teams (or without a team column)
    is an own view."""
    level = principal.visibility
    if level is Visibility.team and (not has_team_column or not principal.team_ids):
        return Visibility.own
    return level


def scope_filter(
    principal: Principal,
    owner_col: ColumnElement[Any] | Any,
    team_col: ColumnElement[Any] | Any | None = None,
) -> ColumnElement[bool]:
    """The WHERE clause limiting an owned table to the rows the caller may see."""
    level = effective_visibility(principal, team_col is not None)
    if level is Visibility.all:
        return true()
    own = owner_col == principal.user_id
    if level is Visibility.own or team_col is None:
        return own
    # One array parameter rather than IN: the statement keeps one shape whatever the number of teams.
    return or_(own, any_of(team_col, list(principal.team_ids)))


def sees(principal: Principal, owner_id: uuid.UUID | None, team_id: uuid.UUID | None) -> bool:
    """``scope_filter`` for one row already in hand (read together with the caller, before the caller was
    known): whether a row owned by ``owner_id`` within ``team_id`` is one the caller may see."""
    level = effective_visibility(principal)
    if level is Visibility.all:
        return True
    return owner_id == principal.user_id or (level is Visibility.team and team_id in principal.team_ids)


def bound_scope_filter(
    level: Visibility, owner_col: ColumnElement[Any] | Any, team_col: ColumnElement[Any] | Any | None = None
) -> ColumnElement[bool]:
    """``scope_filter`` for statements compiled once (``api.core.sql``): the caller's values are bind
    parameters ``scope_user`` and ``scope_teams`` (``scope_values``); one statement per ``level``."""
    if level is Visibility.all:
        return true()
    own = owner_col == bindparam("scope_user", type_=Uuid)
    if level is Visibility.own or team_col is None:
        return own
    return or_(own, any_param(team_col, "scope_teams"))


def scope_values(principal: Principal) -> dict[str, Any]:
    return {"scope_user": principal.user_id, "scope_teams": list(principal.team_ids)}


def visible(principal: Principal, model: Any) -> ColumnElement[bool]:
    """``scope_filter`` for a model that names its owner and team columns (``__owner_attr__``...)."""
    owner_attr = getattr(model, "__owner_attr__", "owner_id")
    team_attr = getattr(model, "__team_attr__", "team_id")
    owner_col = getattr(model, owner_attr, None)
    if principal.visibility is Visibility.all:
        return true()
    if owner_col is None:
        return false()
    # ``__team_attr__ = None`` marks a model without a team column (API keys): owner rows only.
    team_col = getattr(model, team_attr, None) if team_attr else None
    return scope_filter(principal, owner_col, team_col)
