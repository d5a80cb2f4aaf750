"""Custom fields: admins define typed fields of customers; every customer write and every ``cf.<key>``
filter goes through one conversion, so stored values always have their field's type (numbers as JSON
numbers, dates as ISO strings, booleans as booleans, choices spelt as defined)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, cast, select
from sqlalchemy.dialects.postgresql import JSONPATH
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.errors import Conflict, NotFound, ValidationFailed, field_error
from api.core.etag import check_if_match
from api.core.ids import new_id
from api.core.sql import Db, Statement
from api.core.text import normalize_text, to_ascii_digits
from api.customers.models import Customer, CustomField
from api.customers.schemas import CustomFieldCreate, CustomFieldUpdate

ENTITY = "customer"
TEXT_MAX = 2000
CHOICE_MAX = 120
_TRUE = frozenset({"true", "yes", "1", "on", "بله"})
_FALSE = frozenset({"false", "no", "0", "off", "خیر"})


class _Bad(Exception):
    """A value that does not fit its field: the error's code, English message and the values it names."""

    def __init__(self, code: str, msg: str, **ctx: Any) -> None:
        super().__init__(msg)
        self.code, self.ctx = code, ctx

    def at(self, loc: list[Any]) -> dict[str, Any]:
        return field_error(loc, self.code, str(self), **self.ctx)


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise _Bad("custom_field_number", "expected a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, str):
        # Persian/Arabic digits, the Arabic decimal separator and thousands separators are accepted.
        raw = to_ascii_digits(value).strip().replace("٫", ".").replace("٬", "").replace(",", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = None
    else:
        number = None
    if number is None or not number.is_finite():
        raise _Bad("custom_field_number", "expected a number")
    return int(number) if number == number.to_integral_value() else float(number)


def _date(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("custom_field_date", "expected a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(to_ascii_digits(value).strip()).isoformat()
    except ValueError:
        raise _Bad("custom_field_date", "expected a date as YYYY-MM-DD") from None


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = to_ascii_digits(value).strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise _Bad("custom_field_boolean", "expected true or false")


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise _Bad("custom_field_text", "expected text")
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise _Bad("custom_field_too_long", f"at most {TEXT_MAX} characters", max_length=TEXT_MAX)
    return text or None


def _choice(value: Any, choices: list[str]) -> str:
    if not isinstance(value, str):
        raise _Bad("custom_field_choice", "expected one of the choices", choices=choices)
    if value in choices:
        return value
    # «علي» chooses «علی»: the choice is matched as search matches, then stored as defined.
    wanted = normalize_text(value)
    for choice in choices:
        if normalize_text(choice) == wanted:
            return choice
    raise _Bad("custom_field_choice", f"not one of: {', '.join(choices)}", choices=choices)


def convert(field: CustomField, value: Any) -> Any:
    """``value`` in the stored form of ``field``'s type, or None for "no value". Raises ``_Bad``."""
    if value is None:
        return None
    if field.type == "number":
        return _number(value)
    if field.type == "date":
        return _date(value)
    if field.type == "boolean":
        return _boolean(value)
    if field.type == "choice":
        return _choice(value, list(field.choices))
    return _text(value)


DEFINITIONS = Statement(select(*CustomField.__table__.c).where(CustomField.__table__.c.entity == ENTITY))


async def definitions(db: Db) -> dict[str, CustomField]:
    """Every custom field of customers by key (active or not), read-only copies: read on every customer
    write and filtered list, so one compiled statement on the driver connection, no ORM loading."""
    return {r["key"]: CustomField(**dict(r)) for r in await DEFINITIONS.fetch(db)}


def checked_values(fields: Mapping[str, CustomField], current: Mapping[str, Any], given: Mapping[str, Any],
             errors: list[dict[str, Any]]) -> dict[str, Any]:
    """The given values converted; ``None`` marks a value to remove. Problems go to ``errors``."""
    out: dict[str, Any] = {}
    for key, raw in given.items():
        loc = ["body", "custom_fields", key]
        field = fields.get(key)
        if field is None:
            errors.append(field_error(loc, "custom_field_unknown", "no such custom field"))
            continue
        try:
            value = convert(field, raw)
        except _Bad as exc:
            errors.append(exc.at(loc))
            continue
        if not field.is_active and value is not None and value != current.get(key):
            errors.append(field_error(loc, "custom_field_retired",
                                      "this custom field is retired; its value can only be cleared"))
        elif value is None and field.required and field.is_active:
            errors.append(field_error(loc, "custom_field_required", "this custom field is required"))
        else:
            out[key] = value
    return out


def _raise(errors: list[dict[str, Any]]) -> None:
    if errors:
        raise ValidationFailed("Some custom fields are not valid.", errors=errors)


async def values_for_create(db: Db, given: Mapping[str, Any]) -> dict[str, Any]:
    """The custom fields of a new customer: known keys, right types, every active required field given."""
    fields = await definitions(db)
    errors: list[dict[str, Any]] = []
    values = checked_values(fields, {}, given, errors)
    for key, field in fields.items():
        if field.required and field.is_active and key not in given:
            errors.append(field_error(["body", "custom_fields", key], "custom_field_required",
                                      "this custom field is required"))
    _raise(errors)
    return {k: v for k, v in values.items() if v is not None}


async def values_for_update(db: Db, current: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """PATCH of custom fields: the keys sent change (null clears one), the others stay."""
    if not given:
        return dict(current)
    fields = await definitions(db)
    errors: list[dict[str, Any]] = []
    values = checked_values(fields, current, given, errors)
    _raise(errors)
    merged = {**current, **values}
    return {k: v for k, v in merged.items() if v is not None}


async def typed_filters(db: Db, raw: Mapping[str, str]) -> dict[str, Any]:
    """``cf.<key>=<value>`` query parameters as values of the field's type, ready for JSON containment."""
    if not raw:
        return {}
    fields = await definitions(db)
    errors: list[dict[str, Any]] = []
    out: dict[str, Any] = {}
    for key, text in raw.items():
        loc = ["query", f"cf.{key}"]
        field = fields.get(key)
        if field is None:
            errors.append(field_error(loc, "custom_field_unknown", "no such custom field"))
            continue
        try:
            value = convert(field, text)
        except _Bad as exc:
            errors.append(exc.at(loc))
            continue
        if value is None:
            errors.append(field_error(loc, "filter_value_required", "give a value to filter by"))
        else:
            out[key] = value
    if errors:
        raise ValidationFailed("Some custom field filters are not valid.", errors=errors)
    return out


# The definitions themselves (admin only).

def list_query(is_active: bool | None = None) -> Select[Any]:
    stmt = select(CustomField).where(CustomField.entity == ENTITY)
    if is_active is not None:
        stmt = stmt.where(CustomField.is_active.is_(is_active))
    return stmt


async def get_field(session: AsyncSession, field_id: uuid.UUID) -> CustomField:
    field = await session.scalar(list_query().where(CustomField.id == field_id))
    if field is None:
        raise NotFound("No such custom field.")
    return field


def _clean_choices(type_: str, choices: list[str]) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for i, choice in enumerate(choices):
        text = choice.strip()
        if not text or len(text) > CHOICE_MAX:
            raise ValidationFailed("A choice is not valid.", errors=[
                field_error(["body", "choices", i], "choice_length", f"each choice has 1 to {CHOICE_MAX} characters",
                            max_length=CHOICE_MAX)])
        if normalize_text(text) in seen:
            continue
        seen.add(normalize_text(text))
        cleaned.append(text)
    if type_ == "choice" and not cleaned:
        raise ValidationFailed("A choice field needs choices.", errors=[
            field_error(["body", "choices"], "choices_required", "give at least one choice")])
    if type_ != "choice" and cleaned:
        raise ValidationFailed("Only choice fields have choices.", errors=[
            field_error(["body", "choices"], "choices_not_allowed", f"a {type_} field has no choices",
                        field_type=type_)])
    return cleaned


async def create_field(session: AsyncSession, data: CustomFieldCreate) -> CustomField:
    """Define a new field; its key is unique and never changes, so stored values keep their meaning."""
    exists = await session.scalar(select(CustomField.id).where(CustomField.entity == ENTITY,
                                                               CustomField.key == data.key))
    if exists is not None:
        raise Conflict(f"A custom field with the key {data.key!r} already exists.")
    field = CustomField(id=new_id(), entity=ENTITY, key=data.key, label=data.label.strip(),
                        label_fa=data.label_fa.strip() if data.label_fa else None, type=data.type,
                        choices=_clean_choices(data.type, data.choices), required=data.required,
                        position=data.position, is_active=data.is_active)
    session.add(field)
    await session.flush()
    return field


async def _in_use(session: AsyncSession, key: str, value: Any | None = None) -> bool:
    """Whether any customer (deleted ones too) holds this field, or this value of it."""
    # @> and @? are what the jsonb_path_ops GIN index answers; ``?`` (has_key) would read every row.
    # Keys are slugs ([a-z0-9_]), so the path needs no escaping.
    cond = (Customer.custom_fields.contains({key: value}) if value is not None
            else Customer.custom_fields.op("@?")(cast(f'$."{key}"', JSONPATH)))
    return await session.scalar(select(Customer.id).where(cond).limit(1)) is not None


async def update_field(session: AsyncSession, field: CustomField, data: CustomFieldUpdate,
                       if_match: str | None) -> CustomField:
    """Change labels, choices, order, required and active; a choice still held by a customer stays."""
    check_if_match(if_match, field)
    changes = data.model_dump(exclude_unset=True)
    for name in ("label", "required", "position", "is_active"):
        if name in changes:
            if changes[name] is None:
                raise ValidationFailed(f"{name} may not be null.", errors=[
                    field_error(["body", name], "null_not_allowed", "may not be null")])
            setattr(field, name, changes[name].strip() if name == "label" else changes[name])
    if "label_fa" in changes:
        field.label_fa = changes["label_fa"].strip() if changes["label_fa"] else None
    if "choices" in changes:
        choices = _clean_choices(field.type, changes["choices"] or [])
        for removed in set(field.choices) - set(choices):
            if await _in_use(session, field.key, removed):
                raise Conflict(f"Customers still have the choice {removed!r}; change them first.")
        field.choices = choices
    await session.flush()
    return field


async def delete_field(session: AsyncSession, field: CustomField, if_match: str | None) -> None:
    """Remove a field nobody uses; one that holds values is retired instead (``is_active=false``)."""
    check_if_match(if_match, field)
    if await _in_use(session, field.key):
        raise Conflict("Customers hold values of this field; retire it with is_active=false instead.")
    await session.delete(field)
    await session.flush()
