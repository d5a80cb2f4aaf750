"""The fast paths under the busiest endpoints behave exactly like the ordinary ones they replace:
driver-run statements return what SQLAlchemy returns, reads cannot write, routes are mounted flat."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from sqlalchemy import select, text

from api.core.access import Principal, Role, Visibility, scope_values
from api.core.db import create_read_sessionmaker
from api.core.routing import mount_flat
from api.core.sql import shaped
from api.customers import repository
from api.customers.models import Customer
from api.customers.repository import CustomerFilters
from api.customers.schemas import CustomerRead
from api.main import create_app


async def _customers(client, headers, n=3):
    ids = []
    for i in range(n):
        r = await client.post("/api/v1/customers", headers=headers, json={
            "kind": "person", "first_name": "سارا", "last_name": f"کریمی {i}", "tags": ["vip", f"t{i}"],
            "emails": [{"email": f"sara{i}@example.com"}], "phones": [{"number": f"0912555000{i}"}],
            "addresses": [{"line1": "خیابان ولیعصر", "city": "تهران", "country": "IR"}],
            "consent": {"email": {"granted": i % 2 == 0, "source": "webform"}}, "custom_fields": {},
        })
        assert r.status_code == 201, r.text
        ids.append(uuid.UUID(r.json()["id"]))
    return ids


@pytest.mark.parametrize("filters", [
    CustomerFilters(),
    CustomerFilters(tag=["vip"], stage=["suspect"]),
    CustomerFilters(tag=["vip"], stage=["suspect", "client"]),
    CustomerFilters(stage=["suspect", "suspect"], tag=["t1", "t2"]),
    CustomerFilters(q="سارا"),
    CustomerFilters(q="۰۹۱۲۵۵۵۰۰۰۱"),
    CustomerFilters(consent=["email"]),
    CustomerFilters(kind="person", is_key=False),
    CustomerFilters(q="سارا", stage=["suspect"], owner_id=[uuid.uuid4()], tag=["VIP"], created_to=datetime.now(UTC)),
])
async def test_driver_rows_equal_sqlalchemy_rows(client, rep_a, engine, filters):
    user, headers = rep_a
    await _customers(client, headers)
    principal = Principal(user_id=user.id, role=Role.sales, team_id=user.team_id, team_ids=(user.team_id,))
    shape, values = repository.filter_shape(filters)
    stmt = repository.filtered(Visibility.team, shape, *repository.SUMMARY_COLUMNS).order_by(Customer.id)
    bound = {**values, **scope_values(principal)}
    async with create_read_sessionmaker(engine)() as session:
        expected = [dict(r._mapping) for r in (await session.execute(stmt, bound)).all()]
        got = [dict(r) for r in await shaped(("test", shape), lambda: stmt).fetch(session, **bound)]
    assert got == expected
    assert expected or filters.consent or filters.q  # the filters match something in most cases


async def test_one_statement_read_equals_the_orm_read(client, rep_a, engine):
    user, headers = rep_a
    cid = (await _customers(client, headers, n=1))[0]
    principal = Principal(user_id=user.id, role=Role.sales, team_id=user.team_id, team_ids=(user.team_id,))
    async with create_read_sessionmaker(engine)() as session:
        fast = await repository.read_visible(session, principal, cid)
        orm = await repository.get_visible(session, principal, cid)
    assert fast == CustomerRead.model_validate(orm)
    assert [e.email for e in fast.emails] == ["sara0@example.com"] and fast.addresses[0].city == "تهران"


async def test_one_statement_read_respects_visibility(client, rep_a, rep_b, engine):
    _, headers = rep_a
    cid = (await _customers(client, headers, n=1))[0]
    other, _ = rep_b
    stranger = Principal(user_id=other.id, role=Role.sales, team_id=other.team_id, team_ids=(other.team_id,))
    admin = Principal(user_id=uuid.uuid4(), role=Role.admin, team_id=None)
    async with create_read_sessionmaker(engine)() as session:
        assert await repository.read_visible(session, stranger, cid) is None
        assert (await repository.read_visible(session, admin, cid)) is not None


async def test_our_connections_carry_the_planner_cost_of_the_settings(settings):
    from api.core.db import create_engine

    async def shown(cfg):
        engine = create_engine(cfg)
        try:
            async with engine.connect() as conn:
                return tuple((await conn.execute(text(
                    "SELECT setting, source FROM pg_settings WHERE name = 'random_page_cost'"))).one())
        finally:
            await engine.dispose()

    assert await shown(settings) == ("1.1", "client")
    assert await shown(settings.model_copy(update={"db_random_page_cost": 2.5})) == ("2.5", "client")
    assert (await shown(settings.model_copy(update={"db_random_page_cost": None})))[1] != "client"  # the server's


async def test_a_read_session_refuses_to_write(engine, rep_a):
    user, _ = rep_a
    async with create_read_sessionmaker(engine)() as session:
        session.add(Customer(kind="person", display_name="x", owner_id=user.id))
        with pytest.raises(RuntimeError, match="GET request tried to change data"):
            await session.flush()
        await session.rollback()
        assert (await session.execute(select(Customer.id))).all() == []


def test_nested_routers_are_refused_when_mounting_flat():
    outer, inner = APIRouter(), APIRouter()

    @inner.get("/x")
    async def x() -> dict[str, str]:
        return {}

    outer.include_router(inner)
    with pytest.raises(TypeError, match="flat"):
        mount_flat(APIRouter(), (outer,))


async def test_the_read_connection_goes_back_to_the_pool_whatever_the_answer(app_settings, rep_a, rep_b):
    application = create_app(app_settings)
    async with LifespanManager(application) as manager, httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as client:
        await _read_connection_released(application.state.engine.pool, client, rep_a, rep_b)


async def _read_connection_released(pool, client, rep_a, rep_b):
    _, headers = rep_a
    _, other_headers = rep_b
    cid = (await _customers(client, headers, n=1))[0]
    answers = [
        (await client.get(f"/api/v1/customers/{cid}", headers=headers)).status_code,
        (await client.get(f"/api/v1/customers/{cid}", headers=other_headers)).status_code,  # not theirs
        (await client.get(f"/api/v1/customers/{uuid.uuid4()}", headers=headers)).status_code,
        (await client.get(f"/api/v1/customers/{cid}", headers={"Authorization": "Bearer pvt_nope"})).status_code,
        (await client.get(f"/api/v1/customers/{cid}")).status_code,
        (await client.get("/api/v1/customers?limit=2", headers=headers)).status_code,
        (await client.get("/api/v1/customers?limit=0", headers=headers)).status_code,
        (await client.get("/api/v1/customers?q=سارا&include_total=true", headers=headers)).status_code,
        (await client.head(f"/api/v1/customers/{cid}", headers=headers)).status_code,
        (await client.get("/api/v1/customers?cf.nope=1", headers=headers)).status_code,
        (await client.get("/api/v1/customers/csv?tag=vip", headers=headers)).status_code,
        (await client.get("/api/v1/customers/csv?cf.nope=1", headers=headers)).status_code,
        (await client.get("/api/v1/me", headers=headers)).status_code,
        (await client.get("/api/v1/me")).status_code,
    ]
    assert answers == [200, 404, 404, 401, 401, 200, 422, 200, 405, 422, 200, 422, 200, 401]
    assert pool.checkedout() == 0
    listed = (await client.get("/api/v1/customers?q=سارا&include_total=true", headers=headers)).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == str(cid)
    assert (await client.get("/api/v1/customers?include_total=true", headers=other_headers)).json()["total"] == 0


async def test_the_write_connection_goes_back_to_the_pool_whatever_the_answer(app_settings, rep_a, rep_b):
    application = create_app(app_settings)
    async with LifespanManager(application) as manager, httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as client:
        _, headers = rep_a
        _, other_headers = rep_b
        cid = (await _customers(client, headers, n=1))[0]
        url = f"/api/v1/customers/{cid}"
        answers = [
            (await client.patch(url, headers=headers, json={"job_title": "CEO"})).status_code,
            (await client.patch(url, headers=other_headers, json={"job_title": "x"})).status_code,  # not theirs
            (await client.patch(url, headers={**headers, "If-Match": '"stale.1"'}, json={})).status_code,
            (await client.patch(url, headers=headers, json={"phones": [{"number": "12"}]})).status_code,
            (await client.patch(url, headers={"Authorization": "Bearer pvt_nope"}, json={})).status_code,
            (await client.post("/api/v1/customers", headers=headers, json={
                "first_name": "Dup", "emails": [{"email": "sara0@example.com"}]})).status_code,
            (await client.post("/api/v1/customers", headers=headers, json={"kind": "robot"})).status_code,
        ]
        assert answers == [200, 404, 412, 422, 401, 409, 422]
        assert application.state.engine.pool.checkedout() == 0


async def test_a_failed_write_leaves_nothing_behind(client, rep_a, maker, monkeypatch):
    """Customer, e-mails, phones, ladder step and audit entry are written before the event: when the event
    cannot be written, the request fails and none of them stays."""
    from api.core.audit import AuditEntry
    from api.customers import service

    _, headers = rep_a

    async def broken(*args, **kwargs):
        raise RuntimeError("the outbox is unreachable")

    monkeypatch.setattr(service, "emit_on", broken)
    r = await client.post("/api/v1/customers", headers=headers, json={
        "first_name": "Lost", "emails": [{"email": "lost@example.com"}], "phones": [{"number": "09120000001"}]})
    assert r.status_code == 500
    async with maker() as session:
        assert (await session.scalars(select(Customer.id))).all() == []
        assert (await session.scalars(select(AuditEntry.id).where(AuditEntry.entity_type == "customer"))).all() == []
    monkeypatch.undo()
    ok = await client.post("/api/v1/customers", headers=headers, json={
        "first_name": "Found", "emails": [{"email": "lost@example.com"}], "phones": [{"number": "09120000001"}]})
    assert ok.status_code == 201, ok.text  # nothing half-written blocks the same e-mail and phone


async def test_a_change_made_meanwhile_is_not_overwritten(client, rep_a, maker, monkeypatch):
    _, headers = rep_a
    cid = (await _customers(client, headers, n=1))[0]
    loaded = repository.to_change

    async def load_then_someone_else_writes(db, principal, customer_id):
        row = await loaded(db, principal, customer_id)
        async with maker() as other, other.begin():
            c = await other.get_one(Customer, customer_id)
            c.job_title = "changed by someone else"
        return row

    monkeypatch.setattr(repository, "to_change", load_then_someone_else_writes)
    r = await client.patch(f"/api/v1/customers/{cid}", headers=headers, json={"job_title": "mine"})
    assert r.status_code == 409, r.text
    monkeypatch.undo()
    got = (await client.get(f"/api/v1/customers/{cid}", headers=headers)).json()
    assert got["job_title"] == "changed by someone else" and got["version"] == 2


async def test_changing_only_addresses_gives_a_new_etag(client, rep_a):
    _, headers = rep_a
    cid = (await _customers(client, headers, n=1))[0]
    before = await client.get(f"/api/v1/customers/{cid}", headers=headers)
    r = await client.patch(f"/api/v1/customers/{cid}", headers={**headers, "If-Match": before.headers["ETag"]},
                           json={"addresses": [{"line1": "Valiasr 12", "city": "Tehran"}]})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] != before.headers["ETag"] and r.json()["version"] == before.json()["version"] + 1
    assert [a["line1"] for a in r.json()["addresses"]] == ["Valiasr 12"]
    stale = await client.patch(f"/api/v1/customers/{cid}", headers={**headers, "If-Match": before.headers["ETag"]},
                               json={"job_title": "x"})
    assert stale.status_code == 412


@pytest.mark.parametrize("sort", ["display_name", "-display_name", "-updated_at", "created_at"])
async def test_shaped_list_pages_through_every_sort_and_filter(client, rep_a, rep_b, sort):
    _, headers = rep_a
    ids = await _customers(client, headers, n=5)
    before = datetime.now(UTC).isoformat()
    params = {"limit": 2, "sort": sort, "is_key": "false", "created_to": before, "tag": "VIP", "q": "سارا",
              "include_total": "true", "kind": "person"}
    seen, cursor, totals = [], None, set()
    for _ in range(5):
        page = (await client.get("/api/v1/customers", params={**params, **({"cursor": cursor} if cursor else {})},
                                 headers=headers)).json()
        seen += [c["display_name"] for c in page["items"]]
        totals.add(page["total"])
        if not (cursor := page["next_cursor"]):
            break
    names = [f"سارا کریمی {i}" for i in range(5)]
    expected = {"display_name": names, "-display_name": names[::-1], "-updated_at": names[::-1],
                "created_at": names}[sort]
    assert seen == expected and totals == {5} and len(ids) == 5
    _, other = rep_b
    assert (await client.get("/api/v1/customers", params=params, headers=other)).json() == {
        "items": [], "next_cursor": None, "total": 0}


async def test_writes_on_a_sessions_driver_connection_share_its_transaction(maker, rep_a):
    """``write_driver``: what the demo seeder (and any job) writes through the service's compiled statements
    commits or rolls back with the session around it."""
    from api.core.sql import write_driver
    from api.customers import service
    from api.customers.schemas import CustomerCreate

    user, _ = rep_a
    principal = Principal(user_id=user.id, role=Role.sales, team_id=user.team_id, team_ids=(user.team_id,))
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with maker() as session, session.begin():
            await service.create_customer(await write_driver(session), principal, CustomerCreate(first_name="Gone"))
            raise RuntimeError("changed my mind")
    async with maker() as session, session.begin():
        created, _ = await service.create_customer(await write_driver(session), principal,
                                                   CustomerCreate(first_name="Kept"))
        assert (await session.get_one(Customer, created.id)).display_name == "Kept"  # visible to the ORM too
    async with maker() as session:
        assert (await session.scalars(select(Customer.display_name))).all() == ["Kept"]


async def test_concurrent_requests_each_get_their_own_connection(app_settings, rep_a):
    """The request's pooled connection is kept in a slot of its own scope, not in the lifespan "state",
    which asgi-lifespan (and possibly a server) hands to every request as one shared dict: concurrent
    reads and writes must not end up on one connection."""
    import asyncio

    application = create_app(app_settings)
    async with LifespanManager(application) as manager, httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test") as client:
        _, headers = rep_a
        ids = await _customers(client, headers, n=4)
        answers = await asyncio.gather(*[
            client.get(f"/api/v1/customers/{ids[i // 2 % 4]}", headers=headers) if i % 2 else
            client.patch(f"/api/v1/customers/{ids[i // 2 % 4]}", headers=headers, json={"job_title": f"t{i}"})
            for i in range(24)
        ])
        reads, writes = answers[1::2], answers[0::2]
        assert [r.status_code for r in reads] == [200] * 12
        # Two changes of one customer at once: one may be refused as stale (409), never broken (500).
        assert {r.status_code for r in writes} <= {200, 409} and sum(r.status_code == 200 for r in writes) >= 4
        assert application.state.engine.pool.checkedout() == 0


def test_route_prefilter_picks_the_same_route_as_matching_every_route(app_settings):
    """``FlatRoute`` turns paths away before its regular expression: for a path made up for every route (and
    with a trailing slash, and one segment more), the first match is the one a full scan would find."""
    from fastapi.routing import APIRoute
    from starlette.routing import Match

    from api.core.routing import FlatRoute

    routes = [r for r in create_app(app_settings).router.routes if isinstance(r, APIRoute)]
    # Every domain's route; the docs page and the SPA's index, added after them, keep FastAPI's own class.
    assert {r.path for r in routes if not isinstance(r, FlatRoute)} == {"/api/docs", "/"}
    paths = []
    for route in routes:
        path = route.path_format.replace("{", "").replace("}", "")
        for name in route.param_convertors:
            path = path.replace(name, str(uuid.UUID(int=7)), 1)
        paths += [path, path + "/", path + "/extra"]
    for path in paths:
        for method in ("GET", "POST", "PATCH"):
            scope = {"type": "http", "method": method, "path": path, "root_path": ""}
            fast = [(r, m) for r in routes if (m := r.matches(dict(scope))[0]) != Match.NONE]
            full = [(r, m) for r in routes if (m := APIRoute.matches(r, dict(scope))[0]) != Match.NONE]
            assert fast == full, (method, path)


def _dependants(root):
    """``root`` and every dependency under it, depth first."""
    stack = [root]
    while stack:
        dependant = stack.pop()
        stack += dependant.dependencies
        yield dependant


def test_remembered_parameter_introspection_gives_fastapis_own_answers(app_settings):
    import fastapi.dependencies.utils as U
    from fastapi.routing import APIRoute

    app = create_app(app_settings)  # installs the cache
    dependants = [(route, d) for route in app.router.routes if isinstance(route, APIRoute)
                  for d in _dependants(route.dependant)]
    fields = [f for _, d in dependants for f in d.query_params + d.header_params + d.path_params]
    assert len(fields) > 50
    for name in ("_get_param_model", "_get_param_aliases", "_is_json_field"):
        cached = getattr(U, name)
        assert cached.__wrapped__ is not cached
        for field in fields:
            for _ in range(2):  # the second answer comes from the cache
                assert cached(field) == cached.__wrapped__(field), (name, field.name)
    # The key of a solved dependency: FastAPI's own, for every dependency of every route, twice.
    key = U._get_cache_key
    assert key.__wrapped__ is not key
    assert len({id(d) for _, d in dependants}) > 50
    for _, dependant in dependants:
        for _ in range(2):
            assert key(dependant=dependant, uses_scopes_cache={}) == key.__wrapped__(dependant=dependant)
    # What kind of callable each dependency is: FastAPI's own answer, for every one (generators included).
    kinds = [getattr(U, name) for name in ("_is_gen_callable", "_is_async_gen_callable", "_is_coroutine_callable")]
    answers = set()
    for _, dependant in dependants:
        for kind in kinds:
            assert kind.__wrapped__ is not kind
            for _ in range(2):
                assert kind(dependant.call) == kind.__wrapped__(dependant.call), (kind.__name__, dependant.call)
            answers.add((kind.__name__, kind(dependant.call)))
    assert {("_is_async_gen_callable", True), ("_is_coroutine_callable", True),
            ("_is_coroutine_callable", False)} <= answers  # the app has each kind
    for field in fields:
        assert U._get_param_aliases(field, convert_underscores=True) == \
            U._get_param_aliases.__wrapped__(field, convert_underscores=True)
        annotation = field.field_info.annotation
        assert U.field_annotation_is_sequence(annotation) == U.field_annotation_is_sequence.__wrapped__(annotation)
    # Reading a request's parameters: the same values and errors as FastAPI's own reading, whether each
    # parameter is left out, given once or given twice.
    from starlette.datastructures import Headers, QueryParams

    to_args = U.request_params_to_args
    assert to_args.__wrapped__ is not to_args
    skipped = 0
    for route, dependant in dependants:
        for params, kind in ((dependant.query_params, QueryParams), (dependant.header_params, Headers)):
            names = [alias for f in params for _, alias in U._get_param_aliases(f)]
            given = [[], [(n, "1") for n in names[::2]], [(n, v) for n in names for v in ("7", "x")]]
            for pairs in given:
                received = QueryParams(pairs) if kind is QueryParams else Headers(raw=[
                    (n.lower().encode(), v.encode()) for n, v in pairs])
                for _ in range(2):
                    got = to_args(params, received)
                    assert got == to_args.__wrapped__(params, received), (route.path, pairs)
                skipped += sum(1 for f in params if f.__dict__.get("_peyvand_skippable") is not None)
    assert skipped > 100


async def test_an_idle_pooled_connection_is_handed_out_without_the_greenlet_and_the_rest_wait_for_it(
        settings, monkeypatch):
    """``_checkout`` takes an idle connection directly; opening one, waiting for one (pool exhausted) and
    reopening one due for recycling go through SQLAlchemy's greenlet as before, and leave the pool whole."""
    import asyncio

    from sqlalchemy.ext.asyncio import AsyncEngine

    from api.core.db import create_engine
    from api.core.deps import _checkout

    engine = create_engine(settings.model_copy(update={"db_pool_size": 2, "db_max_overflow": 0}))
    pool = engine.sync_engine.pool
    through_greenlet = 0
    real_raw_connection = AsyncEngine.raw_connection

    async def counted(self):
        nonlocal through_greenlet
        through_greenlet += 1
        return await real_raw_connection(self)

    monkeypatch.setattr(AsyncEngine, "raw_connection", counted)

    async def select_one(pooled):
        return await pooled.driver_connection.fetchval("SELECT 1")

    try:
        first, second = await _checkout(engine), await _checkout(engine)  # none idle yet: both opened
        assert through_greenlet == 2 and pool.checkedout() == 2
        waiting = asyncio.ensure_future(_checkout(engine))  # exhausted: waits in the greenlet
        await asyncio.sleep(0.05)
        assert not waiting.done() and through_greenlet == 3
        first.close()  # returned without a greenlet; the waiting request gets it
        third = await asyncio.wait_for(waiting, 5)
        assert await select_one(third) == 1 and pool.checkedout() == 2
        second.close()
        third.close()
        assert pool.checkedout() == 0 and pool.checkedin() == 2
        for _ in range(3):  # idle ones: no greenlet
            pooled = await _checkout(engine)
            assert await select_one(pooled) == 1
            pooled.close()
        assert through_greenlet == 3
        pool._recycle = 0.000001  # every connection is now due for recycling: reopened through the greenlet
        pooled = await _checkout(engine)
        assert await select_one(pooled) == 1 and through_greenlet == 4 and pool.checkedout() == 1
        pooled.close()
        assert pool.checkedout() == 0
    finally:
        await engine.dispose()


async def test_a_customer_read_with_its_caller_answers_like_the_read_after_the_caller(
        client, rep_a, rep_b, admin_headers, make_user, org, login, engine):
    """GET /customers/{id} reads the customer in the caller lookup's round trip (``WithCaller``) and
    checks it against the caller afterwards: the same body as ``read_visible``, and the same 401 / 403 /
    404 for every kind of caller and credential."""
    user, headers = rep_a
    cid = (await _customers(client, headers, n=1))[0]
    url = f"/api/v1/customers/{cid}"
    mine = await client.get(url, headers=headers)
    assert mine.status_code == 200
    principal = Principal(user_id=user.id, role=Role.sales, team_id=user.team_id, team_ids=(user.team_id,))
    async with create_read_sessionmaker(engine)() as session:
        expected = await repository.read_visible(session, principal, cid)
    assert mine.json() == expected.model_dump(mode="json")
    assert mine.headers["etag"] == f'"{cid}.1"'

    manager_a = await login(await make_user(Role.manager, team_id=org["a"].id))
    manager_b = await login(await make_user(Role.manager, team_id=org["b"].id))
    head = await login(await make_user(Role.manager, team_id=org["root"].id))

    async def key(scopes, user_id):
        r = await client.post("/api/v1/api-keys", json={"name": "sync", "scopes": scopes, "user_id": str(user_id)},
                              headers=admin_headers)
        assert r.status_code == 201, r.text
        return r.json()

    reader_key = await key(["customers:read"], user.id)
    other_key = await key(["customers:read"], rep_b[0].id)
    narrow_key = await key(["me"], user.id)
    revoked = await key(["customers:read"], user.id)
    assert (await client.delete(f"/api/v1/api-keys/{revoked['id']}", headers=admin_headers)).status_code == 204

    def bearer(secret):
        return {"Authorization": f"Bearer {secret}"}

    cases = [
        (headers, url, 200), (rep_b[1], url, 404), (admin_headers, url, 200), (manager_a, url, 200),
        (manager_b, url, 404), (head, url, 200),
        (bearer(reader_key["key"]), url, 200), (bearer(other_key["key"]), url, 404),
        (bearer(narrow_key["key"]), url, 403), (bearer(revoked["key"]), url, 401),
        (bearer("pvk_unknown"), url, 401), (bearer("pvt_unknown"), url, 401), (bearer("nonsense"), url, 401),
        ({"Authorization": "Basic abc"}, url, 401), ({}, url, 401),
        (headers, f"/api/v1/customers/{uuid.uuid4()}", 404),
        (headers, "/api/v1/customers/not-a-uuid", 422),
    ]
    for case_headers, case_url, status in cases:
        r = await client.get(case_url, headers=case_headers)
        assert r.status_code == status, (case_headers, case_url, r.text)
        if status == 200:
            assert r.json() == mine.json()
        else:
            assert r.headers["content-type"].startswith("application/problem+json")
    # A deleted customer is gone for everyone.
    assert (await client.delete(url, headers={**headers, "If-Match": mine.headers["etag"]})).status_code == 204
    assert (await client.get(url, headers=admin_headers)).status_code == 404
    # The key used to read is marked as used, as on any other route.
    used = (await client.get(f"/api/v1/api-keys/{reader_key['id']}", headers=admin_headers)).json()
    assert used["last_used_at"] is not None


async def test_the_pool_hands_out_the_connection_returned_last(settings):
    """LIFO, as asyncpg's own pool: under load the same few PostgreSQL backends serve the requests, with
    their caches warm, instead of every pooled connection in turn."""
    from api.core.db import create_engine
    from api.core.deps import _checkout

    engine = create_engine(settings.model_copy(update={"db_pool_size": 3, "db_max_overflow": 0}))
    try:
        held = [await _checkout(engine) for _ in range(3)]
        pids = [await p.driver_connection.fetchval("SELECT pg_backend_pid()") for p in held]
        for pooled in held:  # returned in order: the third one last
            pooled.close()
        for _ in range(3):
            again = await _checkout(engine)
            assert await again.driver_connection.fetchval("SELECT pg_backend_pid()") == pids[-1]
            again.close()
    finally:
        await engine.dispose()
