"""The bench's load driver reads every way an HTTP/1.1 answer can be framed, keeps its connection alive
when it may, starts afresh when it must, and gives up on an answer that does not come."""

from __future__ import annotations

import asyncio

import pytest

from bench.driver import Connection, Context, Request

ANSWERS = {
    b"/length": b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}',
    b"/upper": b"HTTP/1.1 201 Created\r\nCONTENT-LENGTH:  2\r\nETag: \"x.1\"\r\n\r\nok",
    b"/chunked": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n"),
    b"/empty": b"HTTP/1.1 204 No Content\r\n\r\n",
    b"/close": b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye",
    b"/eof": b"HTTP/1.1 200 OK\r\n\r\nuntil the end",
}


@pytest.fixture
async def server():
    """A server answering each path as ANSWERS says (``/slow``: never); counts the connections opened."""
    opened = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        opened.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ")[1]
                if path == b"/slow":
                    await asyncio.sleep(5)
                if path.startswith(b"/pieces"):  # the answer of the path after it, a few bytes at a time
                    answer = ANSWERS[path[len(b"/pieces"):]]
                    for i in range(0, len(answer), 5):
                        writer.write(answer[i:i + 5])
                        await writer.drain()
                        await asyncio.sleep(0.001)
                    continue
                writer.write(ANSWERS[path])
                await writer.drain()
                if path in (b"/close", b"/eof"):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    srv = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", opened
    srv.close()
    await srv.wait_closed()


async def test_every_framing_is_read_and_the_connection_kept_when_it_may_be(server):
    url, opened = server
    conn = Connection(url, Context(token="pvt_t", users=0, admin_id=""), timeout=2)

    async def get(path):
        return await conn.send(conn.encode(Request("GET", path)))

    r = await get("/length")
    assert (r.status_code, r.content, r.json()) == (200, b'{"a":1}', {"a": 1})
    assert r.headers["content-type"] == "application/json"
    r = await get("/upper")
    assert (r.status_code, r.content, r.headers["etag"]) == (201, b"ok", '"x.1"')
    r = await get("/chunked")
    assert (r.status_code, r.content) == (200, b"hello world")
    r = await get("/empty")
    assert (r.status_code, r.content, r.is_success) == (204, b"", True)
    assert len(opened) == 1  # all on one keep-alive connection so far
    for path in ANSWERS:  # an answer arriving in pieces is read whole, whatever its framing
        if path not in (b"/close", b"/eof"):
            whole = await get(path.decode())
            assert await get("/pieces" + path.decode()) == whole
    assert len(opened) == 1
    r = await get("/close")
    assert r.content == b"bye"
    r = await get("/eof")
    assert (r.content, len(opened)) == (b"until the end", 2)  # a new connection after "Connection: close"
    r = await get("/length")
    assert (r.content, len(opened)) == (b'{"a":1}', 3)  # and again after an answer framed by closing


async def test_an_answer_that_does_not_come_times_out_and_the_next_request_starts_afresh(server):
    url, opened = server
    conn = Connection(url, Context(token="pvt_t", users=0, admin_id=""), timeout=0.2)
    with pytest.raises(TimeoutError):
        await conn.send(conn.encode(Request("GET", "/slow")))
    r = await conn.send(conn.encode(Request("GET", "/length")))
    assert r.status_code == 200 and len(opened) == 2


def test_requests_carry_the_token_and_a_json_body():
    conn = Connection("http://127.0.0.1:1", Context(token="pvt_t", users=0, admin_id=""))
    raw = conn.encode(Request("POST", "/x?q=1", json={"name": "سارا"}, headers=(("If-Match", '"a.1"'),)))
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"POST /x?q=1 HTTP/1.1\r\n")
    assert b"\r\nAuthorization: Bearer pvt_t" in head and b'\r\nIf-Match: "a.1"' in head
    assert body == '{"name":"سارا"}'.encode() and f"Content-Length: {len(body)}".encode() in head
