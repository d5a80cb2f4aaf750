"""The customer ladder: one service moves customers between rungs, by hand or on facts, and records every
move (who or what, why, when) so the ladder can be reported as a funnel.

Rungs: suspect → prospect → first_time → repeat → client → advocate → partner, plus the side rungs
``disqualified`` (a prospect we decline) and ``lapsed`` (a buyer who stopped buying; it remembers the rung
it fell from in ``lapsed_from`` and a win-back returns it there).

Automatic moves (``record_fact``, the nightly lapse) never move a customer down the main ladder: a partner
who buys stays a partner. They leave disqualified customers alone with one exception: a purchase. Money
received is stronger evidence than the earlier judgement, so a purchase requalifies the customer onto the
buying rung it earns (recorded with a reason saying so); referrals, praise and contracts do not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Select, Table, func, inspect, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.core import audit
from api.core.access import Principal
from api.core.db import utcnow
from api.core.errors import Conflict, NotFound, ValidationFailed, field_error
from api.core.etag import check_if_match
from api.core.events import OutboxEvent, emit
from api.core.events.relay import consume
from api.core.ids import new_id
from api.core.settings import Settings, get_settings
from api.customers import events, service, value
from api.customers.models import STAGES, Customer, CustomerFact, StageChange
from api.customers.schemas import CustomerFactRead

MAIN = ("suspect", "prospect", "first_time", "repeat", "client", "advocate", "partner")
RANK = {stage: i for i, stage in enumerate(MAIN)}
BUYING = value.BUYING
FACT_KINDS = ("purchase", "contract_activated", "referral", "praise", "suggestion")
# Facts that show the customer buys again: they win a lapsed customer back.
BUYING_FACTS = ("purchase", "contract_activated")
_CAUSE = {"purchase": "purchase", "contract_activated": "contract", "referral": "referral", "praise": "praise"}


class InvalidStageMove(ValidationFailed):
    type, title = "invalid-stage-move", "This ladder move is not allowed"


def _refuse(code: str, msg: str, field: str = "stage", **ctx: Any) -> InvalidStageMove:
    return InvalidStageMove(msg, errors=[field_error(["body", field], code, msg, **ctx)])


def _clean(reason: str | None) -> str | None:
    return reason.strip() or None if reason else None


async def _with_children(session: AsyncSession, c: Customer) -> None:
    """Event payloads show the customer as the API does, e-mails, phones and addresses included."""
    missing = [n for n in ("emails", "phones", "addresses") if n in inspect(c).unloaded]
    if missing:
        await session.refresh(c, attribute_names=missing)


def _event_payload(c: Customer, change: StageChange) -> dict[str, Any]:
    return {**service.payload(c), "from_stage": change.from_stage, "to_stage": change.to_stage,
            "cause": change.cause, "reason": change.reason}


async def move(session: AsyncSession, principal: Principal | None, customer: Customer, to_stage: str, *,
               cause: str, reason: str | None = None) -> StageChange | None:
    """Put the customer on ``to_stage`` and record the move; nothing happens when it is already there.
    Moving to lapsed remembers the buying rung it fell from; leaving lapsed forgets it. The callers
    (manual moves, fact rules, other domains) decide whether the move is allowed."""
    if to_stage not in STAGES:
        raise ValueError(f"unknown stage {to_stage!r}")
    from_stage = customer.stage
    if to_stage == from_stage:
        return None
    now = utcnow()
    if to_stage == "lapsed":
        customer.lapsed_from = from_stage if from_stage in BUYING else None
    elif from_stage == "lapsed":
        customer.lapsed_from = None
    customer.stage = to_stage
    customer.stage_changed_at = now
    change = StageChange(id=new_id(), customer_id=customer.id, from_stage=from_stage, to_stage=to_stage,
                         cause=cause, reason=_clean(reason), occurred_at=now,
                         actor_user_id=principal.user_id if principal else None)
    session.add(change)
    await _with_children(session, customer)
    await session.flush()
    data = _event_payload(customer, change)
    emit(session, events.CUSTOMER_STAGE_CHANGED, "customer", customer.id, data)
    if to_stage == "lapsed":
        emit(session, events.CUSTOMER_LAPSED, "customer", customer.id, data)
    return change


def check_manual_move(from_stage: str, to_stage: str, reason: str | None, lapsed_from: str | None) -> None:
    """The rules for moving a customer by hand; raises ``InvalidStageMove`` with the reason why not.

    Disqualifying needs a reason and is only for suspects and prospects; lapsed is only for buyers; a
    lapsed customer goes back to the rung it fell from, or elsewhere with a reason; on the main ladder one
    rung up is routine, a jump of more rungs or any move down needs a reason, as does requalifying."""
    reason = _clean(reason)
    if to_stage == from_stage:
        return
    if to_stage == "disqualified":
        if from_stage not in ("suspect", "prospect"):
            raise _refuse("stage_disqualify_not_allowed",
                          f"Only suspects and prospects can be disqualified; this customer is {from_stage}.",
                          stage=from_stage)
        if reason is None:
            raise _refuse("stage_disqualify_reason_required",
                          "Say why the customer is disqualified (e.g. low credit, unprofitable).", "reason")
        return
    if to_stage == "lapsed":
        if from_stage not in BUYING:
            raise _refuse("stage_lapse_not_allowed",
                          f"Only buying customers (first_time to partner) can lapse; this one is {from_stage}.",
                          stage=from_stage)
        return
    if from_stage == "disqualified":
        if reason is None:
            raise _refuse("stage_requalify_reason_required", "Say why a disqualified customer is taken back.", "reason")
        return
    if from_stage == "lapsed":
        if to_stage != lapsed_from and reason is None:
            raise _refuse("stage_winback_reason_required",
                          f"A lapsed customer is won back to the rung it fell from ({lapsed_from or 'unknown'}); "
                          f"give a reason to put it on {to_stage} instead.", "reason",
                          lapsed_from=lapsed_from, stage=to_stage)
        return
    step = RANK[to_stage] - RANK[from_stage]
    if step > 1 and reason is None:
        raise _refuse("stage_skip_reason_required",
                      f"Moving from {from_stage} to {to_stage} skips {step - 1} rung(s); give a reason.", "reason",
                      from_stage=from_stage, stage=to_stage, skipped=step - 1)
    if step < 0 and reason is None:
        raise _refuse("stage_down_reason_required",
                      f"Moving a customer down the ladder ({from_stage} to {to_stage}) needs a reason.", "reason",
                      from_stage=from_stage, stage=to_stage)


async def move_by_hand(session: AsyncSession, principal: Principal, customer_id: uuid.UUID, to_stage: str,
                       reason: str | None, if_match: str | None) -> Customer:
    """A user moves a customer they may see, under the manual-move rules; a stale ETag is refused."""
    c = await service.get_customer(session, principal, customer_id)
    check_if_match(if_match, c)
    check_manual_move(c.stage, to_stage, reason, c.lapsed_from)
    await move(session, principal, c, to_stage, cause="manual", reason=reason)
    return c


# --- Facts ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FactResult:
    fact: CustomerFact
    customer: Customer
    recorded: bool  # False when the same kind + ref was recorded before (delivered twice, counted once)


async def _locked(session: AsyncSession, customer_id: uuid.UUID) -> Customer:
    c = (await session.scalars(
        select(Customer).where(Customer.id == customer_id, Customer.deleted_at.is_(None))
        .options(selectinload(Customer.emails), selectinload(Customer.phones), selectinload(Customer.addresses))
        .with_for_update(of=Customer).execution_options(populate_existing=True)
    )).first()
    if c is None:
        raise NotFound("No such customer.")
    return c


def _check_fact(kind: str, amount: Decimal | None, currency: str | None, occurred_at: datetime,
                settings: Settings, now: datetime) -> str | None:
    if kind not in FACT_KINDS:
        raise _refuse("fact_kind_unknown", f"Unknown fact kind {kind!r}; use one of {', '.join(FACT_KINDS)}.", "kind",
                      allowed=list(FACT_KINDS))
    if occurred_at.tzinfo is None:
        raise _refuse("occurred_at_timezone", "Give occurred_at with a time zone (e.g. 2026-01-31T10:00:00Z).",
                      "occurred_at")
    if occurred_at > now + timedelta(days=1):
        raise _refuse("occurred_at_future", "A fact cannot have happened in the future.", "occurred_at")
    if kind != "purchase":
        return currency.upper() if currency else None
    if amount is None or amount < 0:
        raise _refuse("purchase_amount_required", "A purchase needs its amount (zero or more).", "amount")
    currency = (currency or settings.value_currency).upper()
    if currency != settings.value_currency.upper():
        raise _refuse("currency_mismatch", f"Customer value is kept in {settings.value_currency}; convert the "
                      "purchase before sending it.", "currency", currency=settings.value_currency)
    return currency


async def _recent_purchases(session: AsyncSession, customer_id: uuid.UUID, since: datetime) -> int:
    return int(await session.scalar(
        select(func.count()).select_from(CustomerFact)
        .where(CustomerFact.customer_id == customer_id, CustomerFact.kind == "purchase",
               CustomerFact.occurred_at >= since)
    ) or 0)


async def _earned_rung(session: AsyncSession, c: Customer, kind: str, settings: Settings, now: datetime) -> str | None:
    """The rung this fact earns: first purchase first_time, the second repeat, N within the window (or an
    active contract) client, a referral or praise advocate."""
    if kind == "purchase":
        rung = "first_time" if c.purchase_count <= 1 else "repeat"
        if c.purchase_count >= settings.ladder_client_purchases:
            since = now - timedelta(days=settings.ladder_client_window_days)
            if await _recent_purchases(session, c.id, since) >= settings.ladder_client_purchases:
                rung = "client"
        return rung
    if kind == "contract_activated":
        return "client"
    if kind in ("referral", "praise"):
        return "advocate"
    return None


async def _climb(session: AsyncSession, principal: Principal | None, c: Customer, fact: CustomerFact,
                 settings: Settings, now: datetime) -> None:
    rung = await _earned_rung(session, c, fact.kind, settings, now)
    if rung is None:
        return
    # An automatic move's reason is the fact's reference (data, the same in every language); its cause says
    # what happened, and clients word it in their language.
    if c.stage == "disqualified":
        if fact.kind == "purchase":
            await move(session, principal, c, rung, cause="purchase", reason=fact.ref)
        return
    if c.stage == "lapsed":
        # Only a fresh buying fact wins back: a late-delivered old invoice says nothing about today.
        fresh = fact.occurred_at >= now - timedelta(days=settings.ladder_lapse_days)
        if fact.kind in BUYING_FACTS and fresh:
            back = c.lapsed_from if c.lapsed_from in RANK else rung
            target = rung if RANK[rung] > RANK[back] else back
            await move(session, principal, c, target, cause="win_back", reason=fact.ref)
        return
    if RANK[rung] > RANK[c.stage]:
        await move(session, principal, c, rung, cause=_CAUSE[fact.kind], reason=fact.ref)


async def record_fact(session: AsyncSession, customer_id: uuid.UUID, kind: str, ref: str, *,
                      amount: Decimal | None = None, margin: Decimal | None = None, currency: str | None = None,
                      occurred_at: datetime, principal: Principal | None = None,
                      settings: Settings | None = None) -> FactResult:
    """Record a fact about a customer once per (kind, ref) and apply it: value for purchases, then the
    ladder rules. A fact delivered again changes nothing; the same ref for another customer is a 409."""
    cfg = settings or get_settings()
    now = utcnow()
    currency = _check_fact(kind, amount, currency, occurred_at, cfg, now)
    c = await _locked(session, customer_id)
    fact_id = await session.scalar(
        insert(CustomerFact).values(id=new_id(), customer_id=c.id, kind=kind, ref=ref, amount=amount,
                                    margin=margin, currency=currency, occurred_at=occurred_at, created_at=now)
        .on_conflict_do_nothing(constraint="uq_customer_fact_kind_ref").returning(CustomerFact.id)
    )
    if fact_id is None:
        existing = (await session.scalars(
            select(CustomerFact).where(CustomerFact.kind == kind, CustomerFact.ref == ref))).one()
        if existing.customer_id != c.id:
            raise Conflict(f"The {kind} {ref!r} was already recorded for another customer.")
        return FactResult(existing, c, recorded=False)
    fact = (await session.scalars(select(CustomerFact).where(CustomerFact.id == fact_id))).one()
    if kind == "purchase":
        assert amount is not None
        value.apply_purchase(c, amount, occurred_at, now)
    await _climb(session, principal, c, fact, cfg, now)
    await value.refresh_own_key_reasons(session, c, cfg, now)
    await session.flush()
    emit(session, events.CUSTOMER_FACT_RECORDED, "customer", c.id,
         {"fact": fact_payload(fact), "customer": service.payload(c)})
    return FactResult(fact, c, recorded=True)


@consume(events.CUSTOMER_CREATED)
@consume(events.CUSTOMER_UPDATED)
async def referral_from_acquisition(session: AsyncSession, event: OutboxEvent) -> None:
    """A customer who names a referrer is a referral that referrer brought: it counts as their fact (once,
    whatever later edits say) and makes them an advocate."""
    referrer = event.payload.get("referrer_id")
    if not referrer or event.entity_id is None:
        return
    ref = f"customer:{event.entity_id}"
    # Most updates of a referred customer find the referral counted already: skip the referrer's row lock.
    if await session.scalar(select(CustomerFact.id).where(CustomerFact.kind == "referral", CustomerFact.ref == ref)):
        return
    try:
        await record_fact(session, uuid.UUID(referrer), "referral", ref,
                          occurred_at=event.occurred_at)
    except (NotFound, Conflict):
        return  # the referrer is gone, or this referral already counts for an earlier referrer


def facts_of(customer_id: uuid.UUID, kinds: list[str] | None = None) -> Select[Any]:
    """The facts recorded for a customer (whose visibility the caller has checked), for paging."""
    stmt = select(CustomerFact).where(CustomerFact.customer_id == customer_id)
    return stmt.where(CustomerFact.kind.in_(kinds)) if kinds else stmt


async def get_fact(session: AsyncSession, principal: Principal, customer_id: uuid.UUID,
                   fact_id: uuid.UUID) -> CustomerFact:
    """One fact of a customer the caller may see; anything else is not found."""
    c = await service.get_customer(session, principal, customer_id)
    found = (await session.scalars(facts_of(c.id).where(CustomerFact.id == fact_id))).first()
    if found is None:
        raise NotFound("No such fact for this customer.")
    return found


def fact_payload(f: CustomerFact) -> dict[str, Any]:
    return CustomerFactRead.model_validate(f).model_dump(mode="json")


# --- Lapsing -------------------------------------------------------------------------------------------

async def lapse_batch(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """Move up to ``ladder_batch_size`` buyers without a purchase for ``ladder_lapse_days`` to lapsed in one
    UPDATE … RETURNING, with their stage changes, audit entries and events. Rows another run holds are
    skipped, and a lapsed customer no longer matches, so running twice (or twice at once) is harmless.
    A buyer put on its rung without any recorded purchase lapses counting from that move."""
    cutoff = now - timedelta(days=settings.ladder_lapse_days)
    table = cast(Table, Customer.__table__)
    t = table.c
    stale = (
        select(t.id).where(t.stage.in_(BUYING), t.deleted_at.is_(None),
                           func.coalesce(t.last_purchase_at, t.stage_changed_at) < cutoff)
        .order_by(t.id).limit(settings.ladder_batch_size).with_for_update(skip_locked=True).scalar_subquery()
    )
    rows = (await session.execute(
        update(table).where(t.id.in_(stale))
        .values(lapsed_from=t.stage, stage="lapsed", stage_changed_at=now, updated_at=now, version=t.version + 1)
        .returning(t.id, t.lapsed_from, t.owner_id, t.team_id)
    )).all()
    if not rows:
        return 0
    # The cause says why (clients word it); there is no reference to keep as the reason.
    changes = [{"id": new_id(), "customer_id": r.id, "from_stage": r.lapsed_from, "to_stage": "lapsed",
                "cause": "lapse", "reason": None, "actor_user_id": None, "occurred_at": now} for r in rows]
    await session.execute(insert(StageChange), changes)
    for r in rows:
        audit.record(session, "update", "customer", r.id,
                     {"stage": [r.lapsed_from, "lapsed"], "lapsed_from": [None, r.lapsed_from]},
                     owner_id=r.owner_id, team_id=r.team_id)
    customers = (await session.scalars(
        select(Customer).where(Customer.id.in_([r.id for r in rows]))
        .options(selectinload(Customer.emails), selectinload(Customer.phones), selectinload(Customer.addresses))
        .execution_options(populate_existing=True)
    )).all()
    by_id = {c.id: c for c in customers}
    for ch in changes:
        c = by_id[ch["customer_id"]]
        data = {**service.payload(c), "from_stage": ch["from_stage"], "to_stage": "lapsed", "cause": "lapse",
                "reason": None}
        emit(session, events.CUSTOMER_STAGE_CHANGED, "customer", c.id, data)
        emit(session, events.CUSTOMER_LAPSED, "customer", c.id, data)
    return len(rows)
