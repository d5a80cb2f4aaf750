"""uvicorn as the API serves it (``api.core.serve.HTTP_PROTOCOL``): what one step of a handler writes to
a connection leaves in one piece (a response's head and body together), in order, and nothing held is
lost when the connection closes."""

from __future__ import annotations

import asyncio

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from api.core.serve import HTTP_PROTOCOL, _OneWritePerTurn


class FakeTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = self.aborted = self.eof = False

    def write(self, data) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = self.closed = True

    def write_eof(self) -> None:
        self.eof = True

    def get_write_buffer_size(self) -> int:
        return 7

    def get_extra_info(self, name, default=None):
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def test_the_writes_of_one_turn_leave_together_and_in_order():
    fake = FakeTransport()
    t = _OneWritePerTurn(fake, asyncio.get_running_loop())
    t.write(b"head ")
    t.writelines([b"body", b"!"])
    assert fake.writes == [] and t.get_write_buffer_size() == 7 + 10
    await asyncio.sleep(0)
    assert fake.writes == [b"head body!"]
    t.write(b"next")
    await asyncio.sleep(0)
    assert fake.writes == [b"head body!", b"next"]  # another turn, another piece
    assert t.get_extra_info("peername") == ("127.0.0.1", 50000)


async def test_closing_sends_what_is_held_first_and_aborting_drops_it():
    fake = FakeTransport()
    t = _OneWritePerTurn(fake, asyncio.get_running_loop())
    t.write(b"last words")
    t.close()
    assert fake.writes == [b"last words"] and fake.closed
    await asyncio.sleep(0)
    assert fake.writes == [b"last words"]  # not twice

    fake = FakeTransport()
    t = _OneWritePerTurn(fake, asyncio.get_running_loop())
    t.write(b"bye")
    t.write_eof()
    assert fake.writes == [b"bye"] and fake.eof

    fake = FakeTransport()
    t = _OneWritePerTurn(fake, asyncio.get_running_loop())
    t.write(b"never sent")
    t.abort()
    await asyncio.sleep(0)
    assert fake.writes == [] and fake.aborted

    fake = FakeTransport()
    t = _OneWritePerTurn(fake, asyncio.get_running_loop())
    t.write(b"to a closed connection")
    fake.closed = True  # the peer went away meanwhile
    await asyncio.sleep(0)
    assert fake.writes == []


async def _app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
            await asyncio.sleep(0.005)
        await send({"type": "http.response.body", "body": b""})
        return
    body = b'{"ok":true}'
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]})
    await send({"type": "http.response.body", "body": body})


async def _serve(protocol_class, request: bytes) -> list[bytes]:
    config = uvicorn.Config(_app, lifespan="off", date_header=False, server_header=False)
    config.load()
    fake = FakeTransport()
    protocol = protocol_class(config=config, server_state=ServerState(), app_state={},
                              _loop=asyncio.get_running_loop())
    protocol.connection_made(fake)
    protocol.data_received(request)
    for _ in range(200):
        await asyncio.sleep(0.005)
        if fake.writes and (fake.writes[-1].endswith(b"0\r\n\r\n") or b'{"ok":true}' in fake.writes[-1]):
            break
    protocol.connection_lost(None)
    return fake.writes


async def test_a_response_leaves_in_one_piece_with_the_same_bytes_as_uvicorns():
    config = uvicorn.Config(_app, http=HTTP_PROTOCOL)
    config.load()
    ours = config.http_protocol_class
    request = b"GET / HTTP/1.1\r\nHost: test\r\n\r\n"
    plain = await _serve(HttpToolsProtocol, request)
    one = await _serve(ours, request)
    assert len(plain) == 2  # uvicorn alone: the head, then the body
    assert one == [b"".join(plain)]
    assert one[0].startswith(b"HTTP/1.1 200 OK\r\n") and one[0].endswith(b'\r\n\r\n{"ok":true}')


async def test_a_streamed_response_keeps_its_chunks_and_their_order():
    config = uvicorn.Config(_app, http=HTTP_PROTOCOL)
    config.load()
    request = b"GET /stream HTTP/1.1\r\nHost: test\r\n\r\n"
    plain = await _serve(HttpToolsProtocol, request)
    one = await _serve(config.http_protocol_class, request)
    assert b"".join(one) == b"".join(plain)
    assert b"".join(one).endswith(b"4\r\none,\r\n4\r\ntwo,\r\n5\r\nthree\r\n0\r\n\r\n")
    assert 1 < len(one) < len(plain)  # the head went with the first chunk; later chunks in their own turns
