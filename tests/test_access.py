"""Object-level access: which users and teams each caller sees, over a small org chart.

    Head office
    ├── Team A
    │   └── Team A1
    └── Team B
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import assert_problem
from sqlalchemy import select

from api.auth.models import ApiKey
from api.core.access import Principal, Role, Visibility, scope_filter, sees, visible
from api.core.audit import AuditEntry
from api.users.models import Team, User

USERS = "/api/v1/users"




@dataclass
class Org:
    head: Any
    a: Any
    a1: Any
    b: Any
    head_manager: Any
    a_manager: Any
    a_seller: Any
    a1_seller: Any
    b_seller: Any
    loose: Any  # a user in no team

    def ids(self, *users: Any) -> set[str]:
        return {str(u.id) for u in users}


@pytest.fixture
async def org(make_team, make_user, admin) -> Org:
    head = await make_team("Head office")
    a = await make_team("Team A", head.id)
    a1 = await make_team("Team A1", a.id)
    b = await make_team("Team B", head.id)
    return Org(
        head=head, a=a, a1=a1, b=b,
        head_manager=await make_user(Role.manager, team_id=head.id),
        a_manager=await make_user(Role.manager, team_id=a.id),
        a_seller=await make_user(Role.sales, team_id=a.id),
        a1_seller=await make_user(Role.sales, team_id=a1.id),
        b_seller=await make_user(Role.sales, team_id=b.id),
        loose=await make_user(Role.sales),
    )


async def listed_ids(client, headers, url: str = USERS) -> set[str]:
    r = await client.get(url, params={"limit": 200}, headers=headers)
    assert r.status_code == 200, r.text
    return {item["id"] for item in r.json()["items"]}


async def test_team_manager_sees_their_team_and_the_teams_below(client, org, login):
    headers = await login(org.a_manager)
    assert await listed_ids(client, headers) == org.ids(org.a_manager, org.a_seller, org.a1_seller)
    for user in (org.a_seller, org.a1_seller):
        r = await client.get(f"{USERS}/{user.id}", headers=headers)
        assert r.status_code == 200, r.text


async def test_user_outside_the_managers_subtree_is_not_found_rather_than_forbidden(client, org, admin, login):
    headers = await login(org.a_manager)
    for outsider in (org.b_seller, org.head_manager, org.loose, admin):
        body = assert_problem(await client.get(f"{USERS}/{outsider.id}", headers=headers), 404, "not-found")
        # The same answer as for an id that does not exist at all.
        missing = assert_problem(await client.get(f"{USERS}/{uuid.uuid4()}", headers=headers), 404)
        assert body["detail"] == missing["detail"]


async def test_manager_of_the_root_team_sees_every_team_below(client, org, login):
    headers = await login(org.head_manager)
    expected = org.ids(org.head_manager, org.a_manager, org.a_seller, org.a1_seller, org.b_seller)
    assert await listed_ids(client, headers) == expected
    teams = await listed_ids(client, headers, "/api/v1/teams")
    assert teams == org.ids(org.head, org.a, org.a1, org.b)


async def test_manager_sees_only_the_teams_of_their_subtree(client, org, login):
    headers = await login(org.a_manager)
    assert await listed_ids(client, headers, "/api/v1/teams") == org.ids(org.a, org.a1)
    assert_problem(await client.get(f"/api/v1/teams/{org.b.id}", headers=headers), 404)
    assert_problem(await client.get(f"/api/v1/teams/{org.head.id}", headers=headers), 404)


async def test_a_new_sub_team_joins_the_managers_view_without_logging_in_again(
    client, org, login, admin_headers, make_user
):
    headers = await login(org.a_manager)
    r = await client.post("/api/v1/teams", json={"name": "Team A2", "parent_id": str(org.a.id)}, headers=admin_headers)
    assert r.status_code == 201, r.text
    newcomer = await make_user(Role.sales, team_id=uuid.UUID(r.json()["id"]))
    assert str(newcomer.id) in await listed_ids(client, headers)


async def test_admin_sees_everyone(client, org, admin, admin_headers):
    everyone = org.ids(admin, org.head_manager, org.a_manager, org.a_seller, org.a1_seller, org.b_seller, org.loose)
    assert await listed_ids(client, admin_headers) == everyone


async def test_sales_user_cannot_list_users_but_can_read_themselves(client, org, login):
    headers = await login(org.a_seller)
    assert_problem(await client.get(USERS, headers=headers), 403, "forbidden")
    assert_problem(await client.get(f"{USERS}/{org.a_seller.id}", headers=headers), 403)
    assert_problem(await client.get("/api/v1/teams", headers=headers), 403)
    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["id"] == str(org.a_seller.id)


@pytest.mark.parametrize("role", [Role.viewer, Role.sales, Role.manager])
async def test_only_admins_change_users(client, org, login, make_user, role):
    caller = await make_user(role, team_id=org.a.id)
    headers = await login(caller)
    for target in (org.a_seller, caller):
        r = await client.patch(f"{USERS}/{target.id}", json={"role": "admin"}, headers=headers)
        assert_problem(r, 403, "forbidden")
    r = await client.post(USERS, json={"email": "x@example.com", "full_name": "X", "password": "long-enough-pw"},
                          headers=headers)
    assert_problem(r, 403)
    assert_problem(await client.post("/api/v1/teams", json={"name": "Mine"}, headers=headers), 403)
    assert (await client.get("/api/v1/me", headers=headers)).json()["role"] == role.value


async def test_api_key_sees_no_more_than_its_user(client, org, admin_headers):
    r = await client.post("/api/v1/api-keys", json={"name": "A report", "scopes": ["users:read"],
                                                     "user_id": str(org.a_manager.id)}, headers=admin_headers)
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['key']}"}
    assert await listed_ids(client, headers) == org.ids(org.a_manager, org.a_seller, org.a1_seller)
    assert_problem(await client.get(f"{USERS}/{org.b_seller.id}", headers=headers), 404)
    assert (await client.get(f"{USERS}/{org.a1_seller.id}", headers=headers)).status_code == 200


# scope_filter / visible against real rows -------------------------------------------------------

def principal_of(user: Any, role: Role, team_ids: tuple[Any, ...] = ()) -> Principal:
    return Principal(user_id=user.id, role=role, team_id=user.team_id, team_ids=team_ids)


async def visible_ids(db, principal: Principal, model: Any) -> set[str]:
    rows = await db(lambda s: s.scalars(select(model.id).where(visible(principal, model))))
    return {str(i) for i in rows.all()}


def test_visibility_levels_follow_the_role():
    def level(role: Role) -> Visibility:
        return Principal(user_id=uuid.uuid4(), role=role, team_id=None).visibility

    assert level(Role.sales) is Visibility.own
    assert level(Role.manager) is Visibility.team
    assert level(Role.admin) is Visibility.all


async def test_own_visibility_selects_only_the_callers_rows(db, org):
    principal = principal_of(org.a_seller, Role.sales, (org.a.id, org.a1.id))
    assert await visible_ids(db, principal, User) == org.ids(org.a_seller)
    rows = await db(lambda s: s.scalars(
        select(User.id).where(scope_filter(principal, User.id, User.team_id))))
    assert {str(i) for i in rows.all()} == org.ids(org.a_seller)


async def test_team_visibility_selects_the_team_subtree_and_own_rows(db, org):
    principal = principal_of(org.a_manager, Role.manager, (org.a.id, org.a1.id))
    assert await visible_ids(db, principal, User) == org.ids(org.a_manager, org.a_seller, org.a1_seller)
    # Teams: the subtree, plus any team the caller manages elsewhere.
    assert await visible_ids(db, principal, Team) == org.ids(org.a, org.a1)
    async def make_b_managed(s):
        (await s.get(Team, org.b.id)).manager_id = org.a_manager.id
    await db(make_b_managed)
    assert await visible_ids(db, principal, Team) == org.ids(org.a, org.a1, org.b)


async def test_team_visibility_without_a_team_falls_back_to_own_rows(db, org):
    principal = principal_of(org.loose, Role.manager)
    assert await visible_ids(db, principal, User) == org.ids(org.loose)


async def test_team_visibility_without_a_team_column_falls_back_to_own_rows(db, org):
    principal = principal_of(org.a_manager, Role.manager, (org.a.id, org.a1.id))
    mine = ApiKey(name="mine", prefix="pvk_mine", key_hash="a" * 64, scopes=["me"], user_id=org.a_manager.id)
    theirs = ApiKey(name="theirs", prefix="pvk_their", key_hash="b" * 64, scopes=["me"], user_id=org.a_seller.id)

    async def add(s):
        s.add_all([mine, theirs])

    await db(add)
    assert await visible_ids(db, principal, ApiKey) == {str(mine.id)}
    rows = await db(lambda s: s.scalars(select(User.id).where(scope_filter(principal, User.id))))
    assert {str(i) for i in rows.all()} == org.ids(org.a_manager)


async def test_all_visibility_selects_every_row(db, org, admin):
    principal = principal_of(admin, Role.admin)
    everyone = org.ids(admin, org.head_manager, org.a_manager, org.a_seller, org.a1_seller, org.b_seller, org.loose)
    assert await visible_ids(db, principal, User) == everyone
    assert await visible_ids(db, principal, Team) == org.ids(org.head, org.a, org.a1, org.b)


async def test_audit_entries_are_visible_by_the_owner_and_team_they_were_written_with(db, org):
    principal = principal_of(org.a_manager, Role.manager, (org.a.id, org.a1.id))
    expected = await db(lambda s: s.scalars(select(AuditEntry.id).where(
        AuditEntry.entity_type == "user",
        AuditEntry.entity_id.in_([org.a_manager.id, org.a_seller.id, org.a1_seller.id]))))
    expected_ids = {str(i) for i in expected.all()}
    assert len(expected_ids) == 3
    seen = await visible_ids(db, principal, AuditEntry)
    # Team entries carry the team as their team, so the manager also sees those of A and A1.
    team_entries = await db(lambda s: s.scalars(select(AuditEntry.id).where(
        AuditEntry.entity_type == "team", AuditEntry.entity_id.in_([org.a.id, org.a1.id]))))
    assert seen == expected_ids | {str(i) for i in team_entries.all()}


async def test_a_model_without_an_owner_column_shows_a_manager_nothing(db, org):
    class Ownerless:
        id = Team.id

    manager = principal_of(org.a_manager, Role.manager, (org.a.id,))
    rows = await db(lambda s: s.scalars(select(Team.id).where(visible(manager, Ownerless))))
    assert rows.all() == []


async def test_one_row_in_hand_is_seen_exactly_when_the_sql_filter_selects_it(db, org, admin):
    """``sees`` (a row read with the caller, checked afterwards) answers as ``scope_filter`` selects, for
    every level: users as the rows, each owning itself within their team."""
    users = [admin, org.head_manager, org.a_manager, org.a_seller, org.a1_seller, org.b_seller, org.loose]
    callers = [
        principal_of(admin, Role.admin),
        principal_of(org.a_manager, Role.manager, (org.a.id, org.a1.id)),
        principal_of(org.head_manager, Role.manager, (org.head.id, org.a.id, org.a1.id, org.b.id)),
        principal_of(org.loose, Role.manager),  # team level without a team: own rows
        principal_of(org.a_seller, Role.sales, (org.a.id, org.a1.id)),
        principal_of(org.b_seller, Role.marketing, (org.b.id,)),
    ]
    for principal in callers:
        rows = await db(lambda s, p=principal: s.scalars(
            select(User.id).where(User.id.in_([u.id for u in users]), scope_filter(p, User.id, User.team_id))))
        expected = {str(i) for i in rows.all()}
        assert {str(u.id) for u in users if sees(principal, u.id, u.team_id)} == expected, principal.role
        assert expected  # everyone sees at least their own row
