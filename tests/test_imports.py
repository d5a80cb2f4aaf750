"""CSV import of customers: upload, dry run, batched real run in the worker, duplicates, scope, resume."""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import time
import uuid

import pytest
from helpers import assert_problem
from sqlalchemy import func, select, text

from api.core.access import Role
from api.core.audit import AuditEntry, set_actor
from api.core.events import OutboxEvent
from api.customers import import_run, imports
from api.customers.models import Customer, CustomerEmail, CustomerPhone, ImportJob, ImportRowError
from workers.main import create_worker

IMP = "/api/v1/imports"
C = "/api/v1/customers"
HEADER = "First,Last,Email,Mobile,Tags,Tier\n"
MAPPING = {"First": "first_name", "Last": "last_name", "Email": "email", "Mobile": "phone",
           "Tags": {"field": "tags", "separator": "|"}, "Tier": "importance_tier"}


@pytest.fixture
def app_settings(settings):
    return settings.model_copy(update={"import_batch_size": 2, "max_upload_bytes": 4096})


async def upload(client, headers, body: str | bytes, *, mapping=MAPPING, policy="skip", dry_run=False,
                 name="customers.csv"):
    content = body.encode() if isinstance(body, str) else body
    data = {"duplicate_policy": policy, "dry_run": "true" if dry_run else "false"}
    if mapping is not None:
        data["mapping"] = json.dumps(mapping)
    return await client.post(IMP, files={"file": (name, content, "text/csv")}, data=data, headers=headers)


async def work(app_settings):
    worker = create_worker(app_settings, burst=True, cron_jobs=[], handle_signals=False, poll_delay=0.05)
    try:
        await worker.main()
    finally:
        await worker.close()


async def stored(maker, user, body: str, policy: str = "skip") -> uuid.UUID:
    """An import created as the API would, without the upload size limit of this module's app."""
    async with maker() as s:
        principal = await imports.importer(s, user.id)
        set_actor(s, principal)
        job = await imports.create_import(s, principal, filename="big.csv", content=body.encode(),
                                          mapping=json.dumps(MAPPING), duplicate_policy=policy, dry_run=False)
        await s.commit()
        return job.id


async def count(maker, model, *where) -> int:
    async with maker() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)))


async def imported(client, headers, app_settings, body, **kw):
    r = await upload(client, headers, body, **kw)
    assert r.status_code == 202, r.text
    await work(app_settings)
    got = await client.get(f"{IMP}/{r.json()['id']}", headers=headers)
    assert got.status_code == 200
    return got.json()


GOOD = (HEADER
        + "Ali,Rezaei,Ali@Example.com,۰۹۱۲۳۴۵۶۷۸۹,vip|tehran,A\n"
        + "Sara,Ahmadi,sara@example.com,0912 111 2233,,B\n"
        + "Reza,Karimi,reza@example.com,,,\n")


async def test_upload_is_stored_and_answered_202_before_any_work(client, rep_a, maker):
    user, headers = rep_a
    r = await upload(client, headers, GOOD)
    assert r.status_code == 202, r.text
    body = r.json()
    assert r.headers["location"] == f"{IMP}/{body['id']}"
    assert body["status"] == "pending" and body["processed_rows"] == 0 and body["total_rows"] is None
    assert body["owner_id"] == str(user.id) and body["dry_run"] is False
    async with maker() as s:
        assert (await s.get(ImportJob, uuid.UUID(body["id"]))).content == GOOD.encode()
    assert await count(maker, Customer) == 0


async def test_real_run_creates_normalised_searchable_customers_with_audit_and_events(client, rep_a, app_settings,
                                                                                     maker):
    user, headers = rep_a
    job = await imported(client, headers, app_settings, GOOD)
    assert job["status"] == "completed", job
    assert (job["total_rows"], job["processed_rows"], job["created_count"], job["error_count"]) == (3, 3, 3, 0)
    assert job["started_at"] and job["finished_at"]
    found = (await client.get(C, params={"q": "علی"}, headers=headers)).json()["items"]
    assert found == []
    ali = (await client.get(C, params={"q": "09123456789"}, headers=headers)).json()["items"]
    assert [c["display_name"] for c in ali] == ["Ali Rezaei"]
    full = (await client.get(f"{C}/{ali[0]['id']}", headers=headers)).json()
    assert full["primary_email"] == "ali@example.com" and full["primary_phone"] == "+989123456789"
    assert full["tags"] == ["tehran", "vip"] and full["importance_tier"] == "A"
    assert full["owner_id"] == str(user.id) and full["team_id"] == str(user.team_id)
    assert (await client.get(C, params={"q": "sara"}, headers=headers)).json()["items"][0]["primary_phone"] \
        == "+989121112233"
    assert await count(maker, AuditEntry, AuditEntry.entity_type == "customer", AuditEntry.action == "create") == 3
    assert await count(maker, OutboxEvent, OutboxEvent.type == "customer.created") == 3
    assert await count(maker, OutboxEvent, OutboxEvent.type == "import.completed") == 1
    history = (await client.get(f"{C}/{ali[0]['id']}/stage-history", headers=headers)).json()
    assert [h["to_stage"] for h in history] == ["suspect"]



async def test_an_imported_customer_its_event_and_audit_entry_hold_what_the_api_would_even_for_awkward_text(
        client, rep_a, admin_headers, app_settings, maker):
    """Rows are written through COPY with JSON serialised in worker processes: tabs, line breaks,
    backslashes, quotes and braces in cells come back exactly as a POST would have stored them."""
    user, headers = rep_a
    r = await client.post("/api/v1/custom-fields", json={"key": "nickname", "label": "Nickname", "type": "text"},
                          headers=admin_headers)
    assert r.status_code == 201, r.text
    cells = {"First": 'Ta\tb "q" \\ back', "Last": "two\nlines", "Email": "Odd@Example.com", "Mobile": "09351234567",
             "Tags": 'a"b|c\\d|{e,f}|NULL', "Tier": "B", "Title": "C\\O", "News": "بله", "Utm": "news\\letter",
             "Prefs": "no sauce;calls after 4pm", "Target": "1250000.50", "Currency": "IRR", "Born": "1990-05-17",
             "Nick": "\\N"}
    mapping = {**MAPPING, "Title": "job_title", "News": "consent.email", "Utm": "utm.source", "Prefs": "preferences",
               "Target": "target_value", "Currency": "target_currency", "Born": "birthday", "Nick": "cf.nickname"}
    out = io.StringIO()
    csv.writer(out).writerows([list(cells), list(cells.values())])
    job = await imported(client, headers, app_settings, out.getvalue(), mapping=mapping)
    assert (job["created_count"], job["error_count"]) == (1, 0), job
    async with maker() as s:
        customer_id = await s.scalar(select(Customer.id))
        event = await s.scalar(select(OutboxEvent).where(OutboxEvent.type == "customer.created"))
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.entity_type == "customer"))
    got = (await client.get(f"{C}/{customer_id}", headers=headers)).json()
    # The event's data is the customer as the API returns it (as on create, before PostgreSQL gives the
    # zero revenue its two decimals).
    assert event.entity_id == customer_id and event.payload | {"lifetime_revenue": "0.00"} == got
    assert (got["first_name"], got["last_name"], got["display_name"]) == \
        ('Ta\tb "q" \\ back', "two\nlines", 'Ta\tb "q" \\ back two\nlines')
    assert got["tags"] == sorted(['a"b', "c\\d", "{e,f}", "null"]) and got["job_title"] == "C\\O"
    assert got["custom_fields"] == {"nickname": "\\N"} and got["utm"] == {"source": "news\\letter"}
    assert (got["owner_id"], got["team_id"]) == (str(user.id), str(user.team_id))
    # What POST /customers stores for the same body, field for field.
    twin = (await client.post(C, params={"on_duplicate": "create"}, headers=headers, json={
        "first_name": cells["First"], "last_name": cells["Last"], "emails": [{"email": cells["Email"]}],
        "phones": [{"number": cells["Mobile"]}], "tags": cells["Tags"].split("|"), "importance_tier": "B",
        "job_title": cells["Title"], "consent": {"email": {"granted": True, "source": "import"}},
        "utm": {"source": cells["Utm"]}, "preferences": cells["Prefs"].split(";"), "target_value": cells["Target"],
        "target_currency": "IRR", "birthday": cells["Born"], "custom_fields": {"nickname": cells["Nick"]}}))
    assert twin.status_code == 201, twin.text
    async with maker() as s:
        twin_event = await s.scalar(select(OutboxEvent).where(OutboxEvent.entity_id == uuid.UUID(twin.json()["id"])))

    def same(customer):  # without what differs between two customers created a moment apart
        return {k: v for k, v in customer.items() if k not in {"id", "created_at", "updated_at", "stage_changed_at"}} \
            | {"consent": {c: {**v, "at": None} for c, v in customer["consent"].items()}}

    stored_twin = (await client.get(twin.headers["location"], headers=headers)).json()
    assert same(got) == same(stored_twin) and same(event.payload) == same(twin_event.payload)
    assert got["consent"]["email"]["granted"] is True
    # The audit entry records the new values as the API's JSON, and the derived columns, never the search text.
    assert (audit.entity_id, audit.action, audit.owner_id, audit.team_id) == (customer_id, "create", user.id,
                                                                              user.team_id)
    assert {k: v[1] for k, v in audit.changes.items() if k in got} == \
        {k: v for k, v in event.payload.items() if k in audit.changes}
    assert audit.changes["normalized_name"] == [None, 'ta b "q" \\ back two lines']
    assert {"owner_id", "team_id", "custom_fields", "tags", "first_name"} <= audit.changes.keys()
    assert not {"search_text", "id", "version"} & audit.changes.keys()


BAD = (HEADER
       + "Ali,Rezaei,ali@example.com,09123456789,,A\n"
       + "Bad,Mail,not-an-email,,,\n"
       + "Bad,Phone,,12,,\n"
       + ",,,,,\n"
       + ",,nameless@example.com,,,\n"
       + "Bad,Tier,tier@example.com,,,Z\n")


async def test_dry_run_reports_every_invalid_row_and_changes_nothing(client, rep_a, app_settings, maker):
    _, headers = rep_a
    job = await imported(client, headers, app_settings, BAD, dry_run=True)
    assert job["status"] == "completed" and job["dry_run"] is True
    # The blank row is no row; four of the other five are refused.
    assert (job["total_rows"], job["created_count"], job["error_count"]) == (5, 1, 4)
    r = await client.get(f"{IMP}/{job['id']}/errors", headers=headers, params={"limit": 2})
    page1 = r.json()
    assert [e["row_number"] for e in page1["items"]] == [3, 4] and page1["next_cursor"]
    page2 = (await client.get(f"{IMP}/{job['id']}/errors", headers=headers,
                              params={"limit": 2, "cursor": page1["next_cursor"]})).json()
    assert [e["row_number"] for e in page2["items"]] == [6, 7] and page2["next_cursor"] is None
    errors = {e["row_number"]: e["errors"] for e in page1["items"] + page2["items"]}
    assert errors[3][0]["loc"][0] == "emails"
    assert errors[4][0]["loc"] == ["phones", 0, "number"]
    assert errors[6][0]["loc"] == ["display_name"]
    assert errors[7][0]["loc"] == ["importance_tier"]
    assert await count(maker, Customer) == 0
    assert await count(maker, OutboxEvent, OutboxEvent.type == "customer.created") == 0
    assert await count(maker, AuditEntry, AuditEntry.entity_type == "customer") == 0


async def test_a_dry_run_can_then_be_run_for_real(client, rep_a, app_settings, maker):
    _, headers = rep_a
    dry = await imported(client, headers, app_settings, GOOD, dry_run=True)
    assert await count(maker, Customer) == 0
    r = await client.post(f"{IMP}/{dry['id']}/run", headers=headers)
    assert r.status_code == 202, r.text
    await work(app_settings)
    real = (await client.get(r.headers["location"], headers=headers)).json()
    assert (real["dry_run"], real["status"], real["created_count"]) == (False, "completed", 3)
    assert await count(maker, Customer) == 3


async def test_bom_persian_text_and_semicolons_as_excel_writes_them(client, rep_a, app_settings):
    _, headers = rep_a
    body = ("نام;نام خانوادگی;ایمیل;تلفن;برچسب‌ها;خبرنامه\n"
            "علي;رضايي;ali@example.com;۰۹۱۲۳۴۵۶۷۸۹;مشتری ویژه,تهران;بله\n").encode("utf-8-sig")
    mapping = {"نام": "first_name", "نام خانوادگی": "last_name", "ایمیل": "email", "تلفن": "phone",
               "برچسب‌ها": {"field": "tags", "separator": ","}, "خبرنامه": "consent.email"}
    job = await imported(client, headers, app_settings, body, mapping=mapping)
    assert (job["created_count"], job["error_count"]) == (1, 0), job
    found = (await client.get(C, params={"q": "علی رضایی"}, headers=headers)).json()["items"]
    assert len(found) == 1
    full = (await client.get(f"{C}/{found[0]['id']}", headers=headers)).json()
    assert full["first_name"] == "علي" and full["primary_phone"] == "+989123456789"
    assert full["consent"]["email"]["granted"] is True and full["consent"]["email"]["source"] == "import"
    assert sorted(full["tags"]) == sorted(["مشتری ویژه", "تهران"])


async def test_without_a_mapping_columns_named_like_fields_are_taken(client, rep_a, app_settings):
    _, headers = rep_a
    body = "first_name,email,unknown\nNima,nima@example.com,x\n"
    job = await imported(client, headers, app_settings, body, mapping=None)
    assert {c: m["field"] for c, m in job["mapping"].items()} == {"first_name": "first_name", "email": "email"}
    assert job["created_count"] == 1


async def test_skip_policy_skips_existing_customers_and_repeats_within_the_file(client, rep_a, app_settings, maker):
    _, headers = rep_a
    await client.post(C, json={"first_name": "Old", "emails": [{"email": "ali@example.com"}]}, headers=headers)
    body = (HEADER + "Ali,New,ALI@example.com,,,\n" + "Sara,One,sara@example.com,,,\n"
            + "Sara,Two,,0912 111 2233,,\n" + "Sara,Three,Sara@Example.com,,,\n" + "Zed,Four,,09121112233,,\n")
    job = await imported(client, headers, app_settings, body, policy="skip")
    assert (job["created_count"], job["skipped_count"], job["updated_count"]) == (2, 3, 0), job
    assert await count(maker, Customer) == 3
    assert await count(maker, CustomerEmail, CustomerEmail.email == "sara@example.com") == 1


async def test_an_email_starting_with_a_plus_is_matched_as_an_email(client, rep_a, app_settings, maker):
    _, headers = rep_a
    r = await client.post(C, json={"first_name": "Old", "emails": [{"email": "+vip@example.com"}]}, headers=headers)
    assert r.status_code == 201, r.text
    job = await imported(client, headers, app_settings, HEADER + "Vip,New,+VIP@example.com,,,\n", policy="skip")
    assert (job["created_count"], job["skipped_count"]) == (0, 1), job
    assert await count(maker, Customer) == 1


async def test_update_policy_updates_existing_and_earlier_rows_adding_contact_points(client, rep_a, app_settings,
                                                                                    maker):
    _, headers = rep_a
    old = (await client.post(C, json={"first_name": "Old", "emails": [{"email": "ali@example.com"}],
                                      "tags": ["old"]}, headers=headers)).json()
    body = (HEADER + "Ali,Rezaei,ali@example.com,09123456789,new,A\n"
            + "Sara,One,sara@example.com,,,\n" + ",Ahmadi,sara@example.com,09121112233,,C\n"
            + "Mina,X,mina@example.com,,,\n")
    job = await imported(client, headers, app_settings, body, policy="update")
    assert (job["created_count"], job["updated_count"], job["error_count"]) == (2, 2, 0), job
    ali = (await client.get(f"{C}/{old['id']}", headers=headers)).json()
    assert ali["display_name"] == "Ali Rezaei" and ali["importance_tier"] == "A"
    assert ali["tags"] == ["new", "old"] and ali["primary_email"] == "ali@example.com"
    assert [p["e164"] for p in ali["phones"]] == ["+989123456789"]
    sara = (await client.get(C, params={"q": "sara@example.com"}, headers=headers)).json()["items"]
    assert len(sara) == 1
    full = (await client.get(f"{C}/{sara[0]['id']}", headers=headers)).json()
    assert (full["first_name"], full["last_name"], full["importance_tier"]) == ("Sara", "Ahmadi", "C")
    assert full["primary_phone"] == "+989121112233"
    assert await count(maker, Customer) == 3
    assert await count(maker, OutboxEvent, OutboxEvent.type == "customer.updated") == 2


async def test_create_policy_creates_duplicates_too(client, rep_a, app_settings, maker):
    _, headers = rep_a
    await client.post(C, json={"first_name": "Old", "emails": [{"email": "ali@example.com"}]}, headers=headers)
    body = HEADER + "Ali,A,ali@example.com,,,\n" + "Ali,B,ali@example.com,,,\n"
    job = await imported(client, headers, app_settings, body, policy="create")
    assert (job["created_count"], job["skipped_count"]) == (2, 0)
    assert await count(maker, CustomerEmail, CustomerEmail.email == "ali@example.com") == 3


async def test_a_duplicate_outside_the_importers_scope_is_a_row_error(client, rep_a, rep_b, app_settings, maker):
    _, headers_a = rep_a
    _, headers_b = rep_b
    await client.post(C, json={"first_name": "B's", "emails": [{"email": "ali@example.com"}]}, headers=headers_b)
    job = await imported(client, headers_a, app_settings, HEADER + "Ali,R,ali@example.com,,,\n", policy="update")
    assert (job["created_count"], job["updated_count"], job["error_count"]) == (0, 0, 1)
    errors = (await client.get(f"{IMP}/{job['id']}/errors", headers=headers_a)).json()["items"]
    assert errors[0]["errors"][0]["type"] == "duplicate_outside_scope"


async def test_a_sales_rep_cannot_import_into_another_owner(client, rep_a, rep_b, app_settings, maker):
    user_a, headers_a = rep_a
    user_b, _ = rep_b
    body = "first_name,owner_email\nOwn,\nTheirs," + user_b.email + "\nNobody,nobody@example.com\n"
    job = await imported(client, headers_a, app_settings, body, mapping=None)
    assert (job["created_count"], job["error_count"]) == (1, 2)
    async with maker() as s:
        assert (await s.scalars(select(Customer.owner_id))).all() == [user_a.id]
    errors = (await client.get(f"{IMP}/{job['id']}/errors", headers=headers_a)).json()["items"]
    assert [e["errors"][0]["loc"] for e in errors] == [["owner_id"], ["owner_email"]]


async def test_a_manager_imports_for_a_rep_of_their_team(client, make_user, org, login, app_settings, maker):
    rep = await make_user(Role.sales, team_id=org["a"].id)
    manager = await make_user(Role.manager, team_id=org["root"].id)
    body = f"first_name,owner_email\nX,{rep.email.upper()}\n"
    job = await imported(client, await login(manager), app_settings, body, mapping=None)
    assert job["created_count"] == 1
    async with maker() as s:
        assert (await s.scalar(select(Customer.owner_id))) == rep.id


async def test_another_teams_rep_cannot_see_my_import(client, rep_a, rep_b, admin_headers):
    _, headers_a = rep_a
    _, headers_b = rep_b
    job = (await upload(client, headers_a, GOOD, dry_run=True)).json()
    assert_problem(await client.get(f"{IMP}/{job['id']}", headers=headers_b), 404)
    assert_problem(await client.get(f"{IMP}/{job['id']}/errors", headers=headers_b), 404)
    assert_problem(await client.post(f"{IMP}/{job['id']}/cancel", headers=headers_b), 404)
    assert (await client.get(IMP, headers=headers_b)).json()["items"] == []
    assert [j["id"] for j in (await client.get(IMP, headers=headers_a)).json()["items"]] == [job["id"]]
    assert [j["id"] for j in (await client.get(IMP, headers=admin_headers)).json()["items"]] == [job["id"]]


async def test_viewers_cannot_import(client, make_user, org, login):
    viewer = await make_user(Role.viewer, team_id=org["a"].id)
    assert_problem(await upload(client, await login(viewer), GOOD), 403)


async def test_bad_uploads_are_refused_with_422(client, rep_a):
    _, headers = rep_a
    assert_problem(await upload(client, headers, ""), 422)
    assert_problem(await upload(client, headers, b"\xff\xfe" + "x".encode("utf-16-le")), 422)
    body = assert_problem(await upload(client, headers, GOOD, mapping={"Nope": "first_name", "First": "shoe"}), 422)
    assert [e["loc"] for e in body["errors"]] == [["body", "mapping", "Nope"], ["body", "mapping", "First"]]
    assert_problem(await upload(client, headers, "a,b\n1,2\n", mapping=None), 422)
    assert_problem(await upload(client, headers, GOOD, policy="merge"), 422)


async def test_uploads_have_their_own_size_limit(client, rep_a):
    _, headers = rep_a
    # 4 KiB here (PEYVAND_MAX_UPLOAD_BYTES); other routes keep the 1 MiB body limit.
    big = HEADER + "".join(f"N{i},L,n{i}@example.com,,,\n" for i in range(200))
    assert len(big) > 4096
    assert_problem(await upload(client, headers, big), 413)
    assert (await upload(client, headers, GOOD)).status_code == 202


async def test_progress_is_committed_batch_by_batch_and_a_restart_resumes_without_doubling(
        client, rep_a, app_settings, maker):
    _, headers = rep_a
    body = HEADER + "".join(f"N{i},L,n{i}@example.com,0912000{i:04d},,\n" for i in range(5))
    job = (await upload(client, headers, body)).json()
    key = uuid.UUID(job["id"])
    # The worker stops after its first batch (two rows), as if it had been killed there.
    assert await import_run.run_import(maker, None, key, app_settings, max_batches=1) == "running"
    mid = (await client.get(f"{IMP}/{key}", headers=headers)).json()
    assert (mid["status"], mid["total_rows"], mid["processed_rows"], mid["created_count"]) == ("running", 5, 2, 2)
    assert await count(maker, Customer) == 2
    await work(app_settings)  # the queued job picks up from the checkpoint
    done = (await client.get(f"{IMP}/{key}", headers=headers)).json()
    assert (done["status"], done["processed_rows"], done["created_count"]) == ("completed", 5, 5)
    assert await count(maker, Customer) == 5
    assert await count(maker, CustomerPhone) == 5
    assert await count(maker, OutboxEvent, OutboxEvent.type == "customer.created") == 5
    # Running a finished import again does nothing.
    assert await import_run.run_import(maker, None, key, app_settings) == "completed"
    assert await count(maker, Customer) == 5


async def test_a_batch_that_fails_midway_leaves_nothing_and_the_retry_resumes(client, rep_a, app_settings, maker,
                                                                              engine):
    _, headers = rep_a
    body = HEADER + "".join(f"N{i},L,n{i}@example.com,,,\n" for i in range(3)) + "Boom,L,boom@example.com,,,\n"
    job = (await upload(client, headers, body, policy="create")).json()
    key = uuid.UUID(job["id"])
    # A real database failure in the second batch (rows 3-4): a trigger refuses one of its customers.
    async with engine.begin() as conn:
        await conn.execute(text("""CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.first_name = 'Boom' THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN NEW; END $$"""))
        await conn.execute(text("CREATE TRIGGER refuse_boom BEFORE INSERT ON customer FOR EACH ROW "
                                "EXECUTE FUNCTION refuse_boom()"))
    try:
        with pytest.raises(Exception, match="disk on fire"):
            await import_run.run_import(maker, None, key, app_settings)
        mid = (await client.get(f"{IMP}/{key}", headers=headers)).json()
        assert (mid["status"], mid["processed_rows"], mid["created_count"]) == ("running", 2, 2)
        assert await count(maker, Customer) == 2  # N2 of the failed batch was rolled back with it
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DROP TRIGGER refuse_boom ON customer"))
            await conn.execute(text("DROP FUNCTION refuse_boom()"))
    assert await import_run.run_import(maker, None, key, app_settings) == "completed"
    assert await count(maker, Customer) == 4
    assert await count(maker, CustomerEmail, CustomerEmail.email == "n2@example.com") == 1


async def test_a_cancelled_import_stops_between_batches(client, rep_a, app_settings, maker):
    _, headers = rep_a
    body = HEADER + "".join(f"N{i},L,n{i}@example.com,,,\n" for i in range(5))
    job = (await upload(client, headers, body)).json()
    key = uuid.UUID(job["id"])
    await import_run.run_import(maker, None, key, app_settings, max_batches=1)
    r = await client.post(f"{IMP}/{key}/cancel", headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    await work(app_settings)
    assert await count(maker, Customer) == 2
    assert await count(maker, ImportRowError) == 0


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("PEYVAND_IMPORT_ROWS"), reason="set PEYVAND_IMPORT_ROWS=100000 to measure")
async def test_a_large_import_is_written_in_batches(rep_a, settings, maker, capsys):
    """A measurement, not a timing assert: prints rows per second for PEYVAND_IMPORT_ROWS rows."""
    n = int(os.environ["PEYVAND_IMPORT_ROWS"])
    lines = [HEADER] + [f"نام{i},Family{i},user{i}@example.com,0912{i:07d},t{i % 10}|all,{'ABC'[i % 3]}\n"
                        for i in range(n)]
    key = await stored(maker, rep_a[0], "".join(lines))
    started, cpu = time.perf_counter(), _cpu()
    assert await import_run.run_import(maker, None, key, settings) == "completed"
    elapsed, (main, workers) = time.perf_counter() - started, (b - a for a, b in zip(cpu, _cpu(), strict=True))
    assert await count(maker, Customer) == n
    with capsys.disabled():
        print(f"\nimported {n} rows in {elapsed:.1f} s ({n / elapsed:,.0f} rows/s); CPU: {main:.1f} s in this "
              f"process, {workers:.1f} s in its worker processes; load average {os.getloadavg()[0]:.1f}")


def _cpu() -> tuple[float, float]:
    # The worker processes' time is counted once the import has shut its pool down and reaped them.
    own, reaped = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, reaped.ru_utime + reaped.ru_stime


async def test_large_files_are_checked_in_worker_processes_with_the_same_results(client, rep_a, app_settings, maker,
                                                                                 monkeypatch):
    _, headers = rep_a
    monkeypatch.setattr(import_run, "POOL_MIN_ROWS", 1)
    rows = [f"N{i},L,n{i}@example.com,0912{i:07d},,\n" for i in range(450)]
    rows[10] = "Bad,Mail,not-an-email,,,\n"
    rows[300] = "Again,L,n5@example.com,,,\n"  # a repeat of row 7, in another batch
    key = await stored(maker, rep_a[0], HEADER + "".join(rows))
    big = app_settings.model_copy(update={"import_batch_size": 250})
    assert await import_run.run_import(maker, None, key, big) == "completed"
    done = (await client.get(f"{IMP}/{key}", headers=headers)).json()
    assert (done["created_count"], done["skipped_count"], done["error_count"]) == (448, 1, 1)
    assert await count(maker, Customer) == 448
    errors = (await client.get(f"{IMP}/{key}/errors", headers=headers)).json()["items"]
    assert [e["row_number"] for e in errors] == [12]
