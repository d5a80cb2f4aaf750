"""Users and the org chart of teams, as admins manage them through the API."""

from __future__ import annotations

import asyncio

import pytest
from helpers import assert_problem
from sqlalchemy import text

from api.core.access import Role

USERS = "/api/v1/users"
TEAMS = "/api/v1/teams"




def new_user(**overrides) -> dict:
    body = {"email": "sara@example.com", "full_name": "Sara Ahmadi", "password": "long-enough-pw", "role": "sales"}
    body.update(overrides)
    return body


async def walk(client, url: str, headers: dict, **params) -> list[dict]:
    """Every item of a list, one page at a time."""
    items, cursor, pages = [], None, 0
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        r = await client.get(url, params=query, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        items.extend(body["items"])
        pages += 1
        assert pages < 100, "pagination does not end"
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_admin_creates_a_user_with_location_and_etag(client, admin_headers, make_team):
    team = await make_team("Tehran sales")
    r = await client.post(USERS, json=new_user(team_id=str(team.id), language="fa"), headers=admin_headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/users/{body['id']}"
    assert r.headers["etag"]
    assert body["email"] == "sara@example.com"
    assert body["team_id"] == str(team.id)
    assert (body["role"], body["language"], body["calendar"], body["is_active"]) == ("sales", "fa", "gregorian", True)
    assert "password" not in body
    assert "password_hash" not in body

    got = await client.get(r.headers["location"], headers=admin_headers)
    assert got.status_code == 200
    assert got.json() == body
    assert got.headers["etag"] == r.headers["etag"]
    # The new user can log in with the password they were given.
    login = await client.post("/api/v1/auth/token", data={"username": "sara@example.com", "password": "long-enough-pw"})
    assert login.status_code == 200


async def test_admin_creates_a_team_with_location_and_etag(client, admin_headers, make_team):
    parent = await make_team("Head office")
    r = await client.post(TEAMS, json={"name": " Tabriz ", "parent_id": str(parent.id)}, headers=admin_headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/teams/{body['id']}"
    assert r.headers["etag"]
    assert (body["name"], body["parent_id"]) == ("Tabriz", str(parent.id))
    got = await client.get(r.headers["location"], headers=admin_headers)
    assert got.status_code == 200
    assert got.json() == body


async def test_emails_are_unique_regardless_of_case(client, admin_headers):
    assert (await client.post(USERS, json=new_user(), headers=admin_headers)).status_code == 201
    r = await client.post(USERS, json=new_user(email="SARA@Example.COM"), headers=admin_headers)
    assert_problem(r, 409, "conflict")


async def test_changing_email_to_one_already_taken_is_a_conflict(client, admin_headers, make_user):
    await make_user(email="taken@example.com")
    other = await make_user()
    r = await client.patch(f"{USERS}/{other.id}", json={"email": "Taken@example.com"}, headers=admin_headers)
    assert_problem(r, 409, "conflict")
    # Keeping one's own e-mail (in another case) is not a clash with oneself.
    r = await client.patch(f"{USERS}/{other.id}", json={"email": other.email.upper()}, headers=admin_headers)
    assert r.status_code == 200, r.text
    assert r.json()["email"] == other.email


async def test_unknown_team_is_422_pointing_at_the_field(client, admin_headers, make_user):
    missing = "01900000-0000-7000-8000-000000000000"
    body = assert_problem(
        await client.post(USERS, json=new_user(team_id=missing), headers=admin_headers), 422, "validation-error"
    )
    assert body["errors"][0]["loc"] == ["body", "team_id"]
    user = await make_user()
    r = await client.patch(f"{USERS}/{user.id}", json={"team_id": missing}, headers=admin_headers)
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "team_id"]
    r = await client.post(TEAMS, json={"name": "Orphan", "parent_id": missing}, headers=admin_headers)
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "parent_id"]


@pytest.mark.parametrize(
    "body",
    [
        new_user(is_admin=True),
        new_user(password_hash="x"),
        new_user(password="short"),
        new_user(role="superuser"),
        new_user(email="not-an-email"),
        {"email": "no-name@example.com", "password": "long-enough-pw"},
    ],
    ids=["unknown-field", "password-hash", "short-password", "unknown-role", "bad-email", "missing-name"],
)
async def test_invalid_user_bodies_are_422_with_errors(client, admin_headers, body):
    problem = assert_problem(await client.post(USERS, json=body, headers=admin_headers), 422, "validation-error")
    assert problem["errors"]
    assert all(e["loc"][0] == "body" and e["msg"] and e["type"] for e in problem["errors"])
    r = await client.get(USERS, headers=admin_headers)
    assert [u["email"] for u in r.json()["items"]] == ["admin@example.com"]


async def test_patch_refuses_unknown_fields_and_nulls(client, admin_headers, make_user):
    user = await make_user()
    r = await client.patch(f"{USERS}/{user.id}", json={"nickname": "x"}, headers=admin_headers)
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "nickname"]
    r = await client.patch(f"{USERS}/{user.id}", json={"full_name": None}, headers=admin_headers)
    assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "full_name"]


async def test_patch_with_current_etag_succeeds_and_stale_etag_is_412(client, admin_headers, make_user):
    user = await make_user(full_name="Old Name")
    got = await client.get(f"{USERS}/{user.id}", headers=admin_headers)
    etag = got.headers["etag"]

    r = await client.patch(
        f"{USERS}/{user.id}", json={"full_name": "New Name"}, headers={**admin_headers, "If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert r.json()["full_name"] == "New Name"
    new_etag = r.headers["etag"]
    assert new_etag != etag
    assert (await client.get(f"{USERS}/{user.id}", headers=admin_headers)).headers["etag"] == new_etag

    stale = await client.patch(
        f"{USERS}/{user.id}", json={"full_name": "Lost Update"}, headers={**admin_headers, "If-Match": etag}
    )
    assert_problem(stale, 412, "precondition-failed")
    assert stale.headers["etag"] == new_etag
    assert (await client.get(f"{USERS}/{user.id}", headers=admin_headers)).json()["full_name"] == "New Name"

    # Without If-Match the write is unconditional.
    r = await client.patch(f"{USERS}/{user.id}", json={"full_name": "Third"}, headers=admin_headers)
    assert r.status_code == 200, r.text


async def patch_racing_another_writer(client, engine, url: str, user_id, headers: dict):
    """PATCH while another transaction holds an uncommitted version bump of the same user, so the request
    reads the old version and writes after the other one committed."""
    async with engine.connect() as other:
        tx = await other.begin()
        await other.execute(text('UPDATE "user" SET full_name = \'Other writer\', version = version + 1 '
                                 "WHERE id = :id"), {"id": user_id})
        request = asyncio.create_task(client.patch(url, json={"full_name": "Mine"}, headers=headers))
        for _ in range(500):
            async with engine.connect() as probe:
                blocked = await probe.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE \"user\"%'"))
            if blocked or request.done():
                break
            await asyncio.sleep(0.01)
        await tx.commit()
        return await request


@pytest.mark.parametrize(("if_match", "status"), [(False, 409), (True, 412)], ids=["plain", "if-match"])
async def test_concurrent_edit_is_refused_instead_of_lost(client, engine, admin_headers, make_user, if_match, status):
    user = await make_user(full_name="Before")
    url = f"{USERS}/{user.id}"
    headers = dict(admin_headers)
    if if_match:
        headers["If-Match"] = (await client.get(url, headers=admin_headers)).headers["etag"]
    r = await patch_racing_another_writer(client, engine, url, user.id, headers)
    assert_problem(r, status)
    assert (await client.get(url, headers=admin_headers)).json()["full_name"] == "Other writer"
    r = await client.patch(url, json={"full_name": "Mine"}, headers=admin_headers)
    assert r.status_code == 200, r.text


async def test_team_patch_and_delete_honour_if_match(client, admin_headers, make_team):
    team = await make_team("Before")
    etag = (await client.get(f"{TEAMS}/{team.id}", headers=admin_headers)).headers["etag"]
    r = await client.patch(f"{TEAMS}/{team.id}", json={"name": "After"}, headers={**admin_headers, "If-Match": etag})
    assert r.status_code == 200, r.text
    assert_problem(await client.delete(f"{TEAMS}/{team.id}", headers={**admin_headers, "If-Match": etag}), 412)
    r = await client.delete(f"{TEAMS}/{team.id}", headers={**admin_headers, "If-Match": r.headers["etag"]})
    assert r.status_code == 204, r.text
    assert_problem(await client.get(f"{TEAMS}/{team.id}", headers=admin_headers), 404)


@pytest.mark.parametrize("change", [{"role": "manager"}, {"is_active": False}], ids=["demote", "deactivate"])
async def test_last_active_admin_cannot_demote_or_deactivate_themselves(client, admin, admin_headers, change):
    r = await client.patch(f"{USERS}/{admin.id}", json=change, headers=admin_headers)
    assert_problem(r, 409, "conflict")
    me = (await client.get("/api/v1/me", headers=admin_headers)).json()
    assert (me["role"], me["is_active"]) == ("admin", True)


async def test_an_admin_can_step_down_once_another_admin_exists(client, admin, admin_headers, make_user, login):
    other = await make_user(Role.admin)
    r = await client.patch(f"{USERS}/{admin.id}", json={"role": "manager"}, headers=admin_headers)
    assert r.status_code == 200, r.text
    # Now the other one is the last admin and is protected in turn.
    other_headers = await login(other)
    assert_problem(await client.patch(f"{USERS}/{other.id}", json={"role": "sales"}, headers=other_headers), 409)


async def test_a_team_cannot_move_under_itself_or_its_descendants(client, admin_headers, make_team):
    root = await make_team("Root")
    child = await make_team("Child", root.id)
    grandchild = await make_team("Grandchild", child.id)
    for parent in (grandchild, child, root):
        r = await client.patch(f"{TEAMS}/{root.id}", json={"parent_id": str(parent.id)}, headers=admin_headers)
        assert assert_problem(r, 422)["errors"][0]["loc"] == ["body", "parent_id"]
    assert (await client.get(f"{TEAMS}/{root.id}", headers=admin_headers)).json()["parent_id"] is None


async def test_moving_a_team_carries_its_subtree_into_the_new_managers_view(
    client, admin_headers, make_team, make_user, login
):
    north, south = await make_team("North"), await make_team("South")
    branch = await make_team("Branch", south.id)
    desk = await make_team("Desk", branch.id)
    seller = await make_user(Role.sales, team_id=desk.id)
    north_manager = await make_user(Role.manager, team_id=north.id)

    r = await client.patch(f"{TEAMS}/{branch.id}", json={"parent_id": str(north.id)}, headers=admin_headers)
    assert r.status_code == 200, r.text
    assert r.json()["parent_id"] == str(north.id)

    headers = await login(north_manager)
    seen = {u["id"] for u in (await client.get(USERS, headers=headers)).json()["items"]}
    assert str(seller.id) in seen
    teams = {t["id"] for t in (await client.get(TEAMS, headers=headers)).json()["items"]}
    assert teams == {str(north.id), str(branch.id), str(desk.id)}


async def test_deleting_a_team_with_members_or_sub_teams_is_a_conflict(client, admin_headers, make_team, make_user):
    parent = await make_team("Parent")
    await make_team("Child", parent.id)
    staffed = await make_team("Staffed")
    await make_user(team_id=staffed.id)
    assert_problem(await client.delete(f"{TEAMS}/{staffed.id}", headers=admin_headers), 409, "conflict")
    assert_problem(await client.delete(f"{TEAMS}/{parent.id}", headers=admin_headers), 409, "conflict")
    assert (await client.get(f"{TEAMS}/{staffed.id}", headers=admin_headers)).status_code == 200

    empty = await make_team("Empty")
    assert (await client.delete(f"{TEAMS}/{empty.id}", headers=admin_headers)).status_code == 204
    assert_problem(await client.get(f"{TEAMS}/{empty.id}", headers=admin_headers), 404)


async def test_pagination_walks_every_user_once(client, admin, admin_headers, make_user):
    created = {str(admin.id)} | {str((await make_user()).id) for _ in range(5)}
    first = (await client.get(USERS, params={"limit": 1}, headers=admin_headers)).json()
    assert len(first["items"]) == 1
    assert first["next_cursor"]

    items = await walk(client, USERS, admin_headers, limit=1)
    ids = [u["id"] for u in items]
    assert len(ids) == len(set(ids)) == 6
    assert set(ids) == created
    # The default order is oldest first.
    assert ids[0] == str(admin.id)

    by_email = await walk(client, USERS, admin_headers, limit=2, sort="-email")
    emails = [u["email"] for u in by_email]
    assert emails == sorted(emails, reverse=True)
    assert len(emails) == 6


async def test_pagination_stays_stable_when_users_are_added_between_pages(client, admin_headers, make_user):
    for _ in range(3):
        await make_user()
    first = (await client.get(USERS, params={"limit": 2}, headers=admin_headers)).json()
    late = await make_user()
    rest = await walk(client, USERS, admin_headers, limit=2, cursor=first["next_cursor"])
    ids = [u["id"] for u in first["items"] + rest]
    assert len(ids) == len(set(ids)) == 5
    assert ids[-1] == str(late.id)


async def test_bad_cursor_sort_and_limit_are_422(client, admin_headers):
    assert_problem(await client.get(USERS, params={"cursor": "garbage"}, headers=admin_headers), 422)
    body = assert_problem(await client.get(USERS, params={"sort": "password_hash"}, headers=admin_headers), 422)
    assert body["errors"][0]["loc"] == ["query", "sort"]
    assert_problem(await client.get(USERS, params={"limit": 201}, headers=admin_headers), 422)
    assert_problem(await client.get(USERS, params={"limit": 0}, headers=admin_headers), 422)


async def test_total_counts_all_matching_users(client, admin_headers, make_user):
    for _ in range(3):
        await make_user()
    body = (await client.get(USERS, params={"limit": 1, "include_total": "true"}, headers=admin_headers)).json()
    assert body["total"] == 4
    assert (await client.get(USERS, headers=admin_headers)).json()["total"] is None


async def test_role_filter_repeats_for_or(client, admin, admin_headers, make_user):
    manager = await make_user(Role.manager)
    seller = await make_user(Role.sales)
    await make_user(Role.finance)

    def ids(r):
        assert r.status_code == 200, r.text
        return {u["id"] for u in r.json()["items"]}

    assert ids(await client.get(USERS, params={"role": "sales"}, headers=admin_headers)) == {str(seller.id)}
    both = await client.get(USERS, params=[("role", "admin"), ("role", "manager")], headers=admin_headers)
    assert ids(both) == {str(admin.id), str(manager.id)}
    assert_problem(await client.get(USERS, params={"role": "king"}, headers=admin_headers), 422)


async def test_team_and_active_filters_combine_with_the_others(client, admin_headers, make_user, make_team):
    north, south = await make_team(name="North"), await make_team(name="South")
    north_seller = await make_user(Role.sales, team_id=north.id, full_name="Nora North")
    north_manager = await make_user(Role.manager, team_id=north.id, full_name="Nima North")
    south_seller = await make_user(Role.sales, team_id=south.id, full_name="Sami South")
    gone = await make_user(Role.sales, team_id=south.id, full_name="Sina South")
    r = await client.patch(f"{USERS}/{gone.id}", json={"is_active": False}, headers=admin_headers)
    assert r.status_code == 200, r.text

    async def ids(params):
        r = await client.get(USERS, params=params, headers=admin_headers)
        assert r.status_code == 200, r.text
        return {u["id"] for u in r.json()["items"]}

    assert await ids({"team_id": str(north.id)}) == {str(north_seller.id), str(north_manager.id)}
    assert await ids([("team_id", str(north.id)), ("team_id", str(south.id)), ("role", "sales")]) == {
        str(north_seller.id), str(south_seller.id), str(gone.id)}
    assert await ids({"team_id": str(south.id), "is_active": "false"}) == {str(gone.id)}
    assert await ids({"team_id": str(south.id), "is_active": "true", "q": "south"}) == {str(south_seller.id)}


async def test_q_searches_name_and_email_case_insensitively(client, admin_headers, make_user):
    by_name = await make_user(full_name="Parisa Karimi")
    by_email = await make_user(email="karimi.office@example.com", full_name="Front Desk")
    await make_user(full_name="Someone Else")
    percent = await make_user(full_name="100% literal")

    async def ids(q):
        r = await client.get(USERS, params={"q": q}, headers=admin_headers)
        assert r.status_code == 200, r.text
        return {u["id"] for u in r.json()["items"]}

    assert await ids("KARIMI") == {str(by_name.id), str(by_email.id)}
    assert await ids("parisa") == {str(by_name.id)}
    # LIKE wildcards in q are literal characters, not patterns.
    assert await ids("%") == await ids("0%") == {str(percent.id)}
    assert await ids("_") == set()


async def test_a_sales_rep_reads_colleagues_names_but_not_their_details(client, rep_a, rep_b, make_user, db):
    _, headers = rep_a
    other, _ = rep_b
    gone = await make_user(full_name="Zahra 100%_done")
    await db(lambda s: s.execute(text('UPDATE "user" SET is_active = false WHERE id = :i'), {"i": gone.id}))
    assert_problem(await client.get("/api/v1/users", headers=headers), 403)
    page = (await client.get("/api/v1/users/directory", params={"limit": 200}, headers=headers)).json()
    names = [c["full_name"] for c in page["items"]]
    assert names == sorted(names) and len(names) >= 3
    row = next(c for c in page["items"] if c["id"] == str(other.id))
    assert set(row) == {"id", "full_name", "team_id", "is_active"}  # no e-mail, role or login data
    # A literal % or _ in the search matches itself only; inactive users can be filtered out.
    hit = (await client.get("/api/v1/users/directory", params={"q": "100%_"}, headers=headers)).json()["items"]
    assert [c["full_name"] for c in hit] == ["Zahra 100%_done"] and hit[0]["is_active"] is False
    assert (await client.get("/api/v1/users/directory", params={"q": "100%_", "is_active": True},
                             headers=headers)).json()["items"] == []
    first = (await client.get("/api/v1/users/directory", params={"limit": 1}, headers=headers)).json()
    second = (await client.get("/api/v1/users/directory", params={"limit": 1, "cursor": first["next_cursor"]},
                               headers=headers)).json()
    assert second["items"][0]["full_name"] >= first["items"][0]["full_name"]
    named = (await client.get("/api/v1/users/directory", params={"id": [str(other.id), str(gone.id)]},
                              headers=headers)).json()["items"]
    assert sorted(c["id"] for c in named) == sorted([str(other.id), str(gone.id)])
    assert (await client.get("/api/v1/users/directory")).status_code == 401


async def test_me_names_its_version_in_the_etag_and_shows_a_change_at_once(client, admin, admin_headers):
    before = await client.get("/api/v1/me", headers=admin_headers)
    assert before.status_code == 200 and before.headers["etag"].startswith(f'"{admin.id}.')
    assert before.json()["scopes"] and before.json()["api_key_id"] is None
    r = await client.patch("/api/v1/me", json={"language": "fa", "calendar": "jalali"}, headers=admin_headers)
    assert r.status_code == 200, r.text
    after = await client.get("/api/v1/me", headers=admin_headers)
    assert (after.json()["language"], after.json()["calendar"]) == ("fa", "jalali")
    assert after.headers["etag"] == r.headers["etag"] != before.headers["etag"]
