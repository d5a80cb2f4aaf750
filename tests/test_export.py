"""CSV export of the customer list: the list's filters and scope, streamed, UTF-8 with a BOM."""

from __future__ import annotations

import csv
import io

from helpers import assert_problem

from api.customers import export

C = "/api/v1/customers"
X = "/api/v1/customers/csv"


def rows_of(r) -> list[dict[str, str]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


async def test_export_streams_a_bom_and_persian_text_with_the_list_filters(client, rep_a):
    user, headers = rep_a
    await client.post(C, json={"first_name": "علی", "last_name": "رضایی", "emails": [{"email": "Ali@Example.com"}],
                               "phones": [{"number": "۰۹۱۲۳۴۵۶۷۸۹"}], "tags": ["vip", "تهران"], "stage": "prospect",
                               "consent": {"email": {"granted": True, "source": "call"}}}, headers=headers)
    await client.post(C, json={"first_name": "Sara", "tags": ["retail"]}, headers=headers)
    r = await client.get(X, headers=headers)
    assert 'filename="customers.csv"' in r.headers["content-disposition"]
    everyone = rows_of(r)
    assert [row["display_name"] for row in everyone] == ["Sara", "علی رضایی"]  # newest first, like the list
    ali = everyone[1]
    assert (ali["email"], ali["phone"], ali["stage"]) == ("ali@example.com", "+989123456789", "prospect")
    assert ali["tags"] == "vip;تهران" or sorted(ali["tags"].split(";")) == ["vip", "تهران"]
    assert (ali["consent.email"], ali["owner_email"]) == ("true", user.email)
    assert [row["display_name"] for row in rows_of(await client.get(X, params={"tag": "vip"}, headers=headers))] \
        == ["علی رضایی"]
    assert [row["display_name"] for row in rows_of(await client.get(X, params={"q": "علي"}, headers=headers))] \
        == ["علی رضایی"]
    assert [row["display_name"] for row in rows_of(await client.get(X, params={"sort": "display_name"},
                                                                    headers=headers))] == ["Sara", "علی رضایی"]
    assert rows_of(await client.get(X, params={"stage": "client"}, headers=headers)) == []


async def test_export_holds_only_what_the_caller_may_see(client, rep_a, rep_b, admin_headers):
    _, headers_a = rep_a
    _, headers_b = rep_b
    await client.post(C, json={"first_name": "Mine"}, headers=headers_a)
    await client.post(C, json={"first_name": "Theirs"}, headers=headers_b)
    assert [r["display_name"] for r in rows_of(await client.get(X, headers=headers_a))] == ["Mine"]
    assert {r["display_name"] for r in rows_of(await client.get(X, headers=admin_headers))} == {"Mine", "Theirs"}


async def test_export_walks_every_batch(client, rep_a, monkeypatch):
    _, headers = rep_a
    monkeypatch.setattr(export, "BATCH", 2)
    for i in range(5):
        await client.post(C, json={"first_name": f"N{i}"}, headers=headers)
    names = [r["display_name"] for r in rows_of(await client.get(X, headers=headers))]
    assert names == [f"N{i}" for i in reversed(range(5))]


async def test_a_formula_in_a_cell_is_defused_but_a_phone_is_not(client, rep_a):
    _, headers = rep_a
    await client.post(C, json={"first_name": "=HYPERLINK(\"http://x\")", "phones": [{"number": "09123456789"}]},
                      headers=headers)
    (row,) = rows_of(await client.get(X, headers=headers))
    assert row["first_name"].startswith("'=") and row["phone"] == "+989123456789"


async def test_an_export_can_be_imported_back(client, rep_a, settings, maker):
    from test_imports import work

    _, headers = rep_a
    await client.post(C, json={"first_name": "Round", "last_name": "Trip", "emails": [{"email": "rt@example.com"}],
                               "tags": ["x"]}, headers=headers)
    exported = (await client.get(X, headers=headers)).content
    await client.delete(f"{C}/{(await client.get(C, headers=headers)).json()['items'][0]['id']}", headers=headers)
    r = await client.post("/api/v1/imports", files={"file": ("c.csv", exported, "text/csv")},
                          data={"dry_run": "false"}, headers=headers)
    assert r.status_code == 202, r.text
    await work(settings)
    job = (await client.get(r.headers["location"], headers=headers)).json()
    errors = (await client.get(r.headers["location"] + "/errors", headers=headers)).json()
    assert (job["created_count"], job["error_count"]) == (1, 0), errors
    (again,) = (await client.get(C, headers=headers)).json()["items"]
    assert (again["display_name"], again["primary_email"], again["tags"]) == ("Round Trip", "rt@example.com", ["x"])


async def test_export_needs_read_access_and_valid_filters(client, rep_a):
    _, headers = rep_a
    assert_problem(await client.get(X), 401)
    assert_problem(await client.get(X, params={"stage": "nope"}, headers=headers), 422)
    assert_problem(await client.get(X, params={"sort": "secret"}, headers=headers), 422)
