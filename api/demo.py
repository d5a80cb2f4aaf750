"""``peyvand seed-demo``: a small, coherent organisation to explore (later domains add their data)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.access import Role
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
    return f"Demo data ready: {len(TEAMS)} teams, {created} new users (password for all: {DEMO_PASSWORD})."
