"""Customer value: lifetime revenue, purchases, RFM scores, key-customer flags and the relationship strategy.

Value is stored on the customer and maintained as facts arrive (``apply_purchase``), never recomputed per
request. What is relative to the whole base (RFM quintiles, the 80/20 profitability line) is ranked by the
nightly ``refresh_batch`` job; a fact updates at once only what a single customer can know cheaply: a
purchase today is the most recent in the base (recency 5), and loyalty and idea leadership depend on the
customer's own history."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.core import audit
from api.core.settings import Settings
from api.customers.models import Customer, CustomerFact
from api.customers.schemas import CustomerValueRead, StrategyRead

PURCHASE = "purchase"
IDEA_KINDS = ("referral", "suggestion")
BUYING = ("first_time", "repeat", "client", "advocate", "partner")
KEY_REASONS = ("profitability", "loyalty", "ideas")
# A purchase this fresh is as recent as any in the base: its recency quintile is the top one.
FRESH = timedelta(days=7)

MarginLevel = Literal["high", "medium", "low"]
CountLevel = Literal["many", "medium", "few"]
StrategyName = Literal["basic", "reactive", "accountable", "proactive", "partnership"]

# Kotler's relationship levels by margin and number of customers (PRODUCT.md). "Many customers, medium
# margin" reads "basic or reactive": we recommend reactive, since a medium margin pays for inviting
# questions and complaints, and complaints are how a business with many customers learns what goes wrong.
MATRIX: dict[tuple[CountLevel, MarginLevel], StrategyName] = {
    ("many", "high"): "reactive",
    ("many", "medium"): "reactive",
    ("many", "low"): "basic",
    ("medium", "high"): "accountable",
    ("medium", "medium"): "reactive",
    ("medium", "low"): "reactive",
    ("few", "high"): "partnership",
    ("few", "medium"): "proactive",
    ("few", "low"): "accountable",
}


def recommend_strategy(margin: MarginLevel, customers: CountLevel) -> StrategyName:
    """The relationship level Kotler's matrix recommends for this margin and number of customers."""
    return MATRIX[(customers, margin)]


def margin_level(rate_pct: Decimal | None, settings: Settings) -> MarginLevel:
    """High at or above ``strategy_high_margin_pct``, low below ``strategy_low_margin_pct``. Without any
    margin reported we cannot tell, and assume the middle rather than guess an extreme."""
    if rate_pct is None:
        return "medium"
    if rate_pct >= Decimal(str(settings.strategy_high_margin_pct)):
        return "high"
    if rate_pct < Decimal(str(settings.strategy_low_margin_pct)):
        return "low"
    return "medium"


def count_level(segment_size: int, settings: Settings) -> CountLevel:
    if segment_size >= settings.strategy_many_customers:
        return "many"
    if segment_size < settings.strategy_few_customers:
        return "few"
    return "medium"


def apply_purchase(c: Customer, amount: Decimal, occurred_at: datetime, now: datetime) -> None:
    """One more purchase: count, revenue, first and last purchase (facts may arrive out of order)."""
    c.purchase_count = (c.purchase_count or 0) + 1
    c.lifetime_revenue = (c.lifetime_revenue or Decimal(0)) + amount
    if c.first_purchase_at is None or occurred_at < c.first_purchase_at:
        c.first_purchase_at = occurred_at
    if c.last_purchase_at is None or occurred_at > c.last_purchase_at:
        c.last_purchase_at = occurred_at
    if c.last_purchase_at == occurred_at and now - occurred_at <= FRESH:
        c.rfm_recency = 5


async def idea_count(session: AsyncSession, customer_id: uuid.UUID) -> int:
    return int(await session.scalar(
        select(func.count()).select_from(CustomerFact)
        .where(CustomerFact.customer_id == customer_id, CustomerFact.kind.in_(IDEA_KINDS))
    ) or 0)


def _loyal(c: Customer, settings: Settings, now: datetime) -> bool:
    """Buying for years and still buying: a buying rung and a purchase within the lapse period."""
    since, active = _loyalty_cutoffs(settings, now)
    return (c.stage in BUYING and c.first_purchase_at is not None and c.first_purchase_at <= since
            and c.last_purchase_at is not None and c.last_purchase_at >= active)


def _loyalty_cutoffs(settings: Settings, now: datetime) -> tuple[datetime, datetime]:
    return (now - timedelta(days=round(365.25 * settings.key_loyalty_years)),
            now - timedelta(days=settings.ladder_lapse_days))


async def refresh_own_key_reasons(session: AsyncSession, c: Customer, settings: Settings, now: datetime) -> None:
    """Loyalty and idea leadership from the customer's own history; profitability is relative to the base
    and stays as the nightly ranking left it."""
    reasons = set(c.key_reasons or ())
    reasons.discard("loyalty")
    reasons.discard("ideas")
    if _loyal(c, settings, now):
        reasons.add("loyalty")
    if await idea_count(session, c.id) >= settings.key_ideas_min:
        reasons.add("ideas")
    ordered = [r for r in KEY_REASONS if r in reasons]
    if ordered != list(c.key_reasons or ()):
        c.key_reasons = ordered
    c.is_key = bool(ordered)


# --- The nightly ranking -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Bounds:
    """What ranks a customer against the base: for R, F and M the values a customer must exceed to reach
    quintiles 2..5, and the margin at or above which a customer is in the top 80 % of margin."""

    recency: tuple[Any, ...]
    frequency: tuple[Any, ...]
    monetary: tuple[Any, ...]
    profit_line: Decimal | None


_BUYERS = and_(Customer.purchase_count > 0, Customer.deleted_at.is_(None))
# A purchase without a reported margin counts at its revenue, so a business that never reports margins
# still gets a (revenue) Pareto instead of no key customers at all.
_MARGIN = func.coalesce(CustomerFact.margin, CustomerFact.amount)


async def _quintile_bounds(session: AsyncSession, column: Any, n: int) -> tuple[Any, ...]:
    """Sorted ascending as s_0..s_{n-1}, a value v scores 1 + floor(5 * #{x < v} / n): quintiles like NTILE
    but ties always share a score. v reaches quintile k+1 exactly when v > s_{ceil(k*n/5) - 1}."""
    positions = [math.ceil(k * n / 5) for k in range(1, 5)]  # 1-based row numbers
    ranked = select(column.label("v"), func.row_number().over(order_by=column).label("rn")).where(_BUYERS).subquery()
    rows = (await session.execute(select(ranked.c.rn, ranked.c.v).where(ranked.c.rn.in_(positions)))).all()
    by_rn = dict(rows)
    return tuple(by_rn[p] for p in positions)


async def compute_bounds(session: AsyncSession, settings: Settings) -> Bounds | None:
    """Rank the whole base once (window functions); None when nobody has bought yet."""
    n = int(await session.scalar(select(func.count()).select_from(Customer).where(_BUYERS)) or 0)
    if n == 0:
        return None
    recency = await _quintile_bounds(session, Customer.last_purchase_at, n)
    frequency = await _quintile_bounds(session, Customer.purchase_count, n)
    monetary = await _quintile_bounds(session, Customer.lifetime_revenue, n)
    per_customer = (
        select(CustomerFact.customer_id.label("cid"), func.sum(_MARGIN).label("m"))
        .join(Customer, Customer.id == CustomerFact.customer_id)
        .where(CustomerFact.kind == PURCHASE, Customer.deleted_at.is_(None))
        .group_by(CustomerFact.customer_id).having(func.sum(_MARGIN) > 0).subquery()
    )
    running = select(
        per_customer.c.m,
        func.sum(per_customer.c.m).over(order_by=(per_customer.c.m.desc(), per_customer.c.cid)).label("cum"),
        func.sum(per_customer.c.m).over().label("total"),
    ).subquery()
    # The customer whose margin carries the running total past the share: they and everyone above are key.
    profit_line = await session.scalar(
        select(running.c.m).where(running.c.cum >= running.c.total * settings.key_profit_share)
        .order_by(running.c.cum).limit(1)
    )
    return Bounds(recency, frequency, monetary, profit_line)


_REFRESH = text("""
UPDATE customer AS c
SET rfm_recency = s.r, rfm_frequency = s.f, rfm_monetary = s.m,
    key_reasons = s.reasons, is_key = cardinality(s.reasons) > 0,
    version = c.version + 1, updated_at = :now
FROM (
    SELECT c2.id, c2.key_reasons AS old_reasons,
        CASE WHEN c2.purchase_count > 0 THEN 1 + (c2.last_purchase_at > :r1)::int + (c2.last_purchase_at > :r2)::int
            + (c2.last_purchase_at > :r3)::int + (c2.last_purchase_at > :r4)::int END AS r,
        CASE WHEN c2.purchase_count > 0 THEN 1 + (c2.purchase_count > :f1)::int + (c2.purchase_count > :f2)::int
            + (c2.purchase_count > :f3)::int + (c2.purchase_count > :f4)::int END AS f,
        CASE WHEN c2.purchase_count > 0 THEN 1 + (c2.lifetime_revenue > :m1)::int + (c2.lifetime_revenue > :m2)::int
            + (c2.lifetime_revenue > :m3)::int + (c2.lifetime_revenue > :m4)::int END AS m,
        array_remove(ARRAY[
            CASE WHEN a.margin > 0 AND a.margin >= :profit_line THEN 'profitability' END,
            CASE WHEN c2.stage = ANY(:buying) AND c2.first_purchase_at <= :loyal_since
                AND c2.last_purchase_at >= :active_since THEN 'loyalty' END,
            CASE WHEN coalesce(a.ideas, 0) >= :ideas_min THEN 'ideas' END
        ], NULL)::varchar(20)[] AS reasons
    FROM customer AS c2
    LEFT JOIN (
        SELECT customer_id,
            sum(coalesce(margin, amount)) FILTER (WHERE kind = 'purchase') AS margin,
            count(*) FILTER (WHERE kind = ANY(:idea_kinds)) AS ideas
        FROM customer_fact WHERE customer_id = ANY(:ids) GROUP BY customer_id
    ) AS a ON a.customer_id = c2.id
    WHERE c2.id = ANY(:ids)
) AS s
WHERE c.id = s.id AND (c.rfm_recency IS DISTINCT FROM s.r OR c.rfm_frequency IS DISTINCT FROM s.f
    OR c.rfm_monetary IS DISTINCT FROM s.m OR c.key_reasons IS DISTINCT FROM s.reasons)
RETURNING c.id, c.owner_id, c.team_id, s.old_reasons, c.key_reasons
""")


async def refresh_batch(session: AsyncSession, settings: Settings, bounds: Bounds | None, now: datetime,
                        after: uuid.UUID | None, limit: int) -> tuple[uuid.UUID | None, int]:
    """Re-rank the next ``limit`` customers (by id after ``after``) in one UPDATE that touches only rows
    whose scores or key reasons changed; key-flag changes are audited. Returns the last id seen (None at
    the end) and how many rows changed."""
    ids_stmt = select(Customer.id).where(Customer.deleted_at.is_(None)).order_by(Customer.id).limit(limit)
    if after is not None:
        ids_stmt = ids_stmt.where(Customer.id > after)
    ids = list((await session.scalars(ids_stmt)).all())
    if not ids:
        return None, 0
    # Before anyone bought, no score can be reached: every bound is +infinity in effect (NULL > x is NULL
    # and the CASE yields NULL for non-buyers anyway).
    r = bounds.recency if bounds else (None,) * 4
    f = bounds.frequency if bounds else (None,) * 4
    m = bounds.monetary if bounds else (None,) * 4
    loyal_since, active_since = _loyalty_cutoffs(settings, now)
    params: dict[str, Any] = {
        "now": now, "ids": ids, "buying": list(BUYING), "idea_kinds": list(IDEA_KINDS),
        "ideas_min": settings.key_ideas_min,
        "loyal_since": loyal_since, "active_since": active_since,
        "profit_line": bounds.profit_line if bounds else None,
        **{f"r{i + 1}": v for i, v in enumerate(r)}, **{f"f{i + 1}": v for i, v in enumerate(f)},
        **{f"m{i + 1}": v for i, v in enumerate(m)},
    }
    rows = (await session.execute(_REFRESH, params)).all()
    for row in rows:
        old, new = list(row.old_reasons or []), list(row.key_reasons or [])
        if old != new:
            audit.record(session, "update", "customer", row.id,
                         {"is_key": [bool(old), bool(new)], "key_reasons": [old, new]},
                         owner_id=row.owner_id, team_id=row.team_id)
    return ids[-1], len(rows)


# --- Reading value and strategy ------------------------------------------------------------------------

@dataclass(frozen=True)
class Margin:
    total: Decimal | None       # sum of reported margins (None when no purchase reported one)
    revenue_with_margin: Decimal  # revenue of the purchases that reported a margin

    @property
    def rate_pct(self) -> Decimal | None:
        if self.total is None or self.revenue_with_margin <= 0:
            return None
        return (self.total * 100 / self.revenue_with_margin).quantize(Decimal("0.01"))


async def margin_of(session: AsyncSession, customer_id: uuid.UUID) -> Margin:
    total, revenue = (await session.execute(
        select(func.sum(CustomerFact.margin), func.coalesce(func.sum(CustomerFact.amount), 0))
        .where(CustomerFact.customer_id == customer_id, CustomerFact.kind == PURCHASE,
               CustomerFact.margin.is_not(None))
    )).one()
    return Margin(total, Decimal(revenue or 0))


async def segment_size(session: AsyncSession, c: Customer) -> int:
    """The customer's segment for the strategy matrix: customers of the same kind and importance tier on
    a buying rung. Tier A customers are few by design, so they are recommended the closer relationships."""
    tier = Customer.importance_tier.is_(None) if c.importance_tier is None else \
        Customer.importance_tier == c.importance_tier
    return int(await session.scalar(
        select(func.count()).select_from(Customer)
        .where(Customer.kind == c.kind, tier, Customer.stage.in_(BUYING), Customer.deleted_at.is_(None))
    ) or 0)


@dataclass(frozen=True)
class StrategyView:
    margin: Margin
    margin_level: MarginLevel
    segment_size: int
    count_level: CountLevel
    recommended: StrategyName
    override: str | None

    @property
    def effective(self) -> str:
        return self.override or self.recommended


async def strategy_of(session: AsyncSession, c: Customer, settings: Settings) -> StrategyView:
    """The recommended relationship level for this customer, and the one in force (an override wins)."""
    margin = await margin_of(session, c.id)
    size = await segment_size(session, c)
    m_level, c_level = margin_level(margin.rate_pct, settings), count_level(size, settings)
    return StrategyView(margin, m_level, size, c_level, recommend_strategy(m_level, c_level), c.strategy_override)


async def value_of(session: AsyncSession, c: Customer, settings: Settings) -> CustomerValueRead:
    """The customer's value as stored, with the margin reported so far and the average order."""
    margin = await margin_of(session, c.id)
    average = (c.lifetime_revenue / c.purchase_count).quantize(Decimal("0.01")) if c.purchase_count else None
    return CustomerValueRead(
        customer_id=c.id, currency=settings.value_currency, lifetime_revenue=c.lifetime_revenue,
        margin=margin.total, purchase_count=c.purchase_count, average_order=average,
        first_purchase_at=c.first_purchase_at, last_purchase_at=c.last_purchase_at, rfm_recency=c.rfm_recency,
        rfm_frequency=c.rfm_frequency, rfm_monetary=c.rfm_monetary, is_key=c.is_key, key_reasons=c.key_reasons,
    )


async def strategy_read(session: AsyncSession, c: Customer, settings: Settings) -> StrategyRead:
    view = await strategy_of(session, c, settings)
    return StrategyRead(
        customer_id=c.id, recommended=view.recommended, effective=view.effective,
        override=view.override,
        margin_rate_pct=view.margin.rate_pct, margin_level=view.margin_level, segment_size=view.segment_size,
        customer_count_level=view.count_level,
    )
