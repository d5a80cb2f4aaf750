"""``peyvand seed-demo``: a small, coherent organisation to explore (later domains add their data)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.access import Principal, Role
from api.core.audit import set_actor
from api.core.sql import write_driver
from api.customers import ladder, service
from api.customers.models import Customer, CustomerEmail
from api.customers.schemas import CustomerCreate
from api.users.models import Team, User
from api.users.schemas import TeamCreate, UserCreate
from api.users.service import create_team, create_user

DEMO_PASSWORD = "peyvand-demo-1234"

TEAMS = [
    ("Head office", None),
    ("Sales — Tehran", "Head office"),
    ("Sales — Shiraz", "Head office"),
    ("Marketing", "Head office"),
    ("Finance", "Head office"),
    ("Support", "Head office"),
]
USERS = [
    ("manager@demo.example.com", "مریم رضایی", Role.manager, "Head office", "fa", "jalali"),
    ("tehran.manager@demo.example.com", "Reza Karimi", Role.manager, "Sales — Tehran", "en", "gregorian"),
    ("sara@demo.example.com", "سارا احمدی", Role.sales, "Sales — Tehran", "fa", "jalali"),
    ("ali@demo.example.com", "علی محمدی", Role.sales, "Sales — Shiraz", "fa", "jalali"),
    ("john@demo.example.com", "John Miller", Role.sales, "Sales — Shiraz", "en", "gregorian"),
    ("neda@demo.example.com", "ندا حسینی", Role.marketing, "Marketing", "fa", "jalali"),
    ("omid@demo.example.com", "امید نوری", Role.finance, "Finance", "fa", "hijri"),
    ("lisa@demo.example.com", "Lisa Chen", Role.support, "Support", "en", "gregorian"),
    ("viewer@demo.example.com", "Viewer", Role.viewer, "Head office", "en", "gregorian"),
]


async def seed_demo(session: AsyncSession) -> str:
    """Create the demo org chart and users once; a second run changes nothing."""
    teams: dict[str, Team] = {t.name: t for t in (await session.scalars(select(Team))).all()}
    for name, parent in TEAMS:
        if name not in teams:
            parent_id = teams[parent].id if parent else None
            teams[name] = await create_team(session, TeamCreate(name=name, parent_id=parent_id))
    created = 0
    for email, full_name, role, team, language, calendar in USERS:
        exists = await session.scalar(select(User.id).where(func.lower(User.email) == email))
        if exists is None:
            await create_user(session, UserCreate(
                email=email, full_name=full_name, password=DEMO_PASSWORD, role=role,
                team_id=teams[team].id, language=language, calendar=calendar,
            ))
            created += 1
    customers = await seed_customers(session)
    return (f"Demo data ready: {len(TEAMS)} teams, {created} new users (password for all: {DEMO_PASSWORD}), "
            f"{customers} new customers.")


async def seed_if_empty(session: AsyncSession, enabled: bool) -> str:
    """For ``peyvand run``: load the demo into a database without customers when PEYVAND_DEMO_DATA is on,
    else say how to. Returns a line for the start-up banner (empty when customers exist)."""
    if await session.scalar(select(Customer.id).limit(1)) is not None:
        return ""
    if not enabled:
        return "\n  No customers yet: `peyvand seed-demo` (or PEYVAND_DEMO_DATA=true) loads a demo company."
    return "\n  " + await seed_demo(session)


# --- Customers -----------------------------------------------------------------------------------------

DEMO_CUSTOMERS = 300
DEMO_DOMAIN = "demo-customers.example.com"
FA_FIRST = ["علی", "مریم", "رضا", "زهرا", "حسین", "فاطمه", "محمد", "سارا", "امیر", "نرگس", "مهدی", "لیلا",
            "کاوه", "شیرین", "بابک", "پریسا", "آرش", "نگار", "سعید", "الهام"]
FA_LAST = ["محمدی", "حسینی", "رضایی", "احمدی", "کریمی", "موسوی", "جعفری", "صادقی", "نوری", "کاظمی",
           "قاسمی", "رحیمی", "شریفی", "ابراهیمی", "یزدانی"]
EN_FIRST = ["James", "Emma", "Oliver", "Sophia", "Liam", "Mia", "Noah", "Ava", "Lucas", "Isla", "Ethan", "Grace"]
EN_LAST = ["Smith", "Brown", "Wilson", "Taylor", "Clark", "Hall", "Young", "King", "Wright", "Green"]
FA_ORGS = ["فروشگاه زنجیره‌ای افق", "شرکت پخش البرز", "کافه رستوران نارنج", "هتل پارسیان شیراز", "داروخانه شفا",
           "کارخانه کاشی سینا", "آژانس مسافرتی سفیر", "شرکت ساختمانی آرمان", "رستوران سنتی شاندیز", "کتاب‌فروشی ققنوس"]
EN_ORGS = ["Caspian Trading Ltd", "Persepolis Tours", "Golden Saffron Co", "Zagros Logistics", "Tabriz Carpets Intl",
           "Kish Hospitality Group"]
TAGS = ["vip", "wholesale", "retail", "تهران", "شیراز", "رستوران", "newsletter", "b2b", "نمایشگاه"]
PREFERENCES = ["بدون سس", "فقط بعد از ساعت ۴ تماس بگیرید", "calls after 4pm only", "prefers e-mail to phone",
               "فاکتور رسمی می‌خواهد", "no meetings on Fridays", "خرید عمده در پایان فصل", "vegetarian"]
SOURCES = ["webform", "referral", "exhibition", "instagram", "google_ads", "cold_call", "walk_in"]
# The rung each demo customer stands on, weighted as a real base looks (many suspects, few partners).
RUNGS = (["suspect"] * 60 + ["prospect"] * 55 + ["first_time"] * 45 + ["repeat"] * 35 + ["client"] * 30
         + ["advocate"] * 20 + ["partner"] * 10 + ["disqualified"] * 20 + ["lapsed"] * 25)
OWNER_ROLES = (Role.sales, Role.manager, Role.support, Role.marketing)


def _demo_customer(i: int, rnd: random.Random, owner: User) -> CustomerCreate:
    persian = i % 3 != 2
    is_org = i % 7 == 0
    email = f"customer{i:03d}@{DEMO_DOMAIN}"
    consent_at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=rnd.randrange(600))
    data: dict[str, Any] = {
        "kind": "organization" if is_org else "person",
        "language": "fa" if persian else "en",
        "emails": [{"email": email, "label": "work" if is_org else None}],
        "phones": [{"number": f"09{rnd.choice([12, 13, 19, 35, 36])}{rnd.randrange(10**7):07d}", "label": "mobile"}],
        "tags": rnd.sample(TAGS, rnd.randrange(0, 3)),
        "preferences": rnd.sample(PREFERENCES, 1) if rnd.random() < 0.4 else [],
        "importance_tier": rnd.choice(["A", "B", "B", "C", "C", "C"]),
        "preferred_channel": rnd.choice(["email", "sms", "phone"]),
        "source_channel": rnd.choice(SOURCES),
        "consent": {"email": {"granted": rnd.random() < 0.7, "source": "webform", "at": consent_at.isoformat()},
                    "sms": {"granted": rnd.random() < 0.5, "source": "call", "at": consent_at.isoformat()}},
        "owner_id": owner.id,
        "stage": "prospect" if RUNGS[i % len(RUNGS)] != "suspect" else "suspect",
    }
    if is_org:
        data["organization_name"] = rnd.choice(FA_ORGS if persian else EN_ORGS) + f" {i:03d}"
        data["desired_outcome"] = "قرارداد تأمین سالانه" if persian else "Annual supply contract"
        data["target_value"] = str(rnd.randrange(100, 5000) * 1_000_000)
        data["target_currency"] = "IRR"
    else:
        data["first_name"] = rnd.choice(FA_FIRST if persian else EN_FIRST)
        data["last_name"] = rnd.choice(FA_LAST if persian else EN_LAST)
        data["birthday"] = date(1960, 1, 1) + timedelta(days=rnd.randrange(16000))
    return CustomerCreate.model_validate(data)


_REASONS_EN = {"partner": "Co-develops products with us", "disqualified": "Low credit: unpaid invoices elsewhere",
               "lapsed": "No purchase for over a year", "advocate": "Recommends us to friends", "": "Demo data"}
_REASONS_FA = {"partner": "با ما محصول مشترک می‌سازد", "disqualified": "اعتبار کم: فاکتورهای پرداخت‌نشده در جای دیگر",
               "lapsed": "بیش از یک سال خریدی نکرده", "advocate": "ما را به دوستانش معرفی می‌کند", "": "داده‌های نمونه"}


async def _climb(session: AsyncSession, actor: Principal, c: Customer, rung: str, rnd: random.Random) -> None:
    """Put a demo customer on its rung the way real facts would: purchases for the buying rungs, a
    referral for advocates, and by hand with a reason for the rest."""
    now = datetime.now(UTC)
    purchases = {"first_time": 1, "repeat": 2, "client": 3, "advocate": 3, "partner": 4, "lapsed": 2}.get(rung, 0)
    long_ago = rung == "lapsed"
    for n in range(purchases):
        when = now - timedelta(days=(400 + 60 * n) if long_ago else (200 - 50 * n))
        await ladder.record_fact(session, c.id, "purchase", f"demo:{c.id}:{n}", occurred_at=when, principal=actor,
                                 amount=Decimal(rnd.randrange(5, 500) * 100_000), currency="IRR")
    if rung == "advocate":
        await ladder.record_fact(session, c.id, "referral", f"demo:{c.id}:referral", occurred_at=now,
                                 principal=actor)
    await session.refresh(c)
    # What the demo's people typed as their reasons, in the customer's language.
    reasons = _REASONS_FA if c.language == "fa" else _REASONS_EN
    if c.stage != rung:
        await ladder.move(session, actor, c, rung, cause="manual", reason=reasons.get(rung, reasons[""]))


async def seed_customers(session: AsyncSession) -> int:
    """A few hundred customers in Persian and English on every rung, owned across the demo teams, through
    the same services as the API (search, audit, events, ladder history). Idempotent: demo customers are
    known by their e-mail, and only missing ones are created."""
    owners = list((await session.scalars(
        select(User).where(User.email.like("%@demo.example.com"), User.role.in_([r.value for r in OWNER_ROLES]))
        .order_by(User.email))).all())
    if not owners:
        return 0
    have = set((await session.scalars(select(CustomerEmail.email).where(
        CustomerEmail.email.like(f"%@{DEMO_DOMAIN}")))).all())
    created = 0
    for i in range(DEMO_CUSTOMERS):
        rnd = random.Random(i)  # noqa: S311 - the same demo customer on every run and machine
        if f"customer{i:03d}@{DEMO_DOMAIN}" in have:
            continue
        owner = owners[i % len(owners)]
        # Each customer is created by its owner, as if they had typed it in.
        actor = Principal(user_id=owner.id, role=Role(owner.role), team_id=owner.team_id,
                          team_ids=(owner.team_id,) if owner.team_id else ())
        set_actor(session, actor)
        created_one, _ = await service.create_customer(await write_driver(session), actor,
                                                       _demo_customer(i, rnd, owner), on_duplicate="create")
        c = await session.get_one(Customer, created_one.id)
        await _climb(session, actor, c, RUNGS[i % len(RUNGS)], rnd)
        created += 1
    set_actor(session, None)
    return created
