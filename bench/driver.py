"""The load driver: N concurrent loops, each on its own keep-alive connection, doing one scenario request
after another for a fixed time.

A scenario *describes* ONE request (method, path, JSON body); the driver writes it as raw HTTP/1.1 bytes on
an asyncio transport and its protocol gathers the answer until it is whole, reading only what it needs
(status line, ``Content-Length`` or chunked framing, the body): one wake-up per answer, no stream reader's
awaits per part. No HTTP library sits between the loops and the socket, so on a small machine the ceiling
is the server and not the driver (httpx spent a whole core at a few thousand requests per second); uvloop
is used when installed (it comes with ``uvicorn[standard]``). The driver's own CPU is still reported
(``driver_cpu_share``), and its garbage collector is off while it measures. Each request is timed with
``perf_counter`` from the first byte written until the whole body is read; errors are non-2xx answers and
exceptions. The same scenario function is used against every target, so both see exactly the same
request shapes."""

from __future__ import annotations

import asyncio
import gc
import json
import math
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import asyncpg


@dataclass
class Context:
    """What scenarios may use: the bearer token (sent with every request), the seeded counts and ids and
    whatever the scenarios' ``prepare`` steps computed."""

    token: str
    users: int
    admin_id: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request: ``path`` includes the query string (already encoded); ``json`` is sent as the body."""

    method: str
    path: str
    json: Any = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int
    head: bytes  # the status line and the headers, as received
    content: bytes

    @property
    def headers(self) -> dict[str, str]:
        """The headers, names lower-cased (parsed on demand: the measured loop needs only the framing)."""
        headers: dict[str, str] = {}
        for line in self.head.split(b"\r\n")[1:]:
            if line:
                k, _, v = line.partition(b":")
                headers[k.strip().lower().decode("latin-1")] = v.strip().decode("latin-1")
        return headers

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content)


_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)")
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[^\r]*chunked")
_CLOSE = re.compile(rb"\r\nconnection:[ \t]*close")

RequestFn = Callable[[random.Random, Context], Request]
PrepareFn = Callable[[asyncpg.Connection, Context], Awaitable[None]]


class Meter(Protocol):
    """Counts what the target spends during the measured phase (CPU seconds, connections opened…).
    Totals named ``*_cpu`` are CPU seconds and are also reported per request; None means not measurable."""

    async def start(self) -> None: ...

    async def stop(self) -> dict[str, float | None]: ...


@dataclass(frozen=True)
class Scenario:
    """One kind of request. ``request`` builds exactly one call (cheaply: it runs inside the measured loop);
    ``prepare`` runs once before the run (on the seeded database) to compute what the requests need, e.g. a
    deep cursor. The pre-run check sends the same request to both targets, or, with ``distinct_check``
    (a create with unique values), one request built for each; ``volatile`` names JSON keys whose values
    legitimately differ between the two answers (new ids, timestamps, the unique values): only their
    presence and type are compared."""

    name: str
    request: RequestFn
    description: str = ""
    prepare: PrepareFn | None = None
    volatile: frozenset[str] = frozenset()
    distinct_check: bool = False


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # the first few failures, to tell what went wrong
    elapsed: float = 0.0
    driver_cpu: float = 0.0
    counters: dict[str, float | None] = field(default_factory=dict)

    def add(self, seconds: float, status: str, ok: bool) -> None:
        self.latencies.append(seconds)
        self.statuses[status] += 1
        if ok:
            self.ok += 1
        else:
            self.errors += 1

    def merge(self, other: Samples) -> None:
        self.latencies.extend(other.latencies)
        self.ok += other.ok
        self.errors += other.errors
        self.statuses.update(other.statuses)
        self.failures.extend(other.failures[: 5 - len(self.failures)])
        self.elapsed += other.elapsed
        self.driver_cpu += other.driver_cpu
        for k, v in other.counters.items():
            mine = self.counters.get(k, 0.0)
            self.counters[k] = None if v is None or mine is None else mine + v


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def summary(s: Samples) -> dict[str, Any]:
    lat = sorted(s.latencies)
    return {
        "requests": len(lat),
        "ok": s.ok,
        "errors": s.errors,
        "statuses": dict(sorted(s.statuses.items())),
        "failures": s.failures,
        "seconds": round(s.elapsed, 3),
        "rps": round(s.ok / s.elapsed, 1) if s.elapsed else 0.0,
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p95_ms": round(percentile(lat, 95) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "max_ms": round(lat[-1] * 1000, 2) if lat else None,
        # Near 1.0 the driver itself was the bottleneck, and the figures are a floor, not the target's limit.
        "driver_cpu_share": round(s.driver_cpu / s.elapsed, 2) if s.elapsed else None,
        "driver_cpu_us_per_req": round(s.driver_cpu / len(lat) * 1e6, 1) if lat else None,
        "counters": {k: None if v is None else round(v, 3) for k, v in s.counters.items()},
        # What each request cost the target, independent of how fast the driver could send them.
        **{f"{k}_ms_per_req": round(v / len(lat) * 1000, 3) if v is not None and lat else None
           for k, v in s.counters.items() if k.endswith("_cpu")},
    }


class _Answers(asyncio.Protocol):
    """The socket's side of a ``Connection``: gathers the bytes of one answer and completes ``waiter`` as
    soon as the answer is whole (``_whole``), without a stream reader's awaits per part."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[None] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None and not self.waiter.done() and _whole(self.buffer, False) is not None:
            self.waiter.set_result(None)

    def eof_received(self) -> bool | None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)  # an answer framed by closing is whole now; anything else fails
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)


def _whole(buf: bytearray, eof: bool) -> tuple[int, bytes, bytes, bool] | None:
    """``(status, head, body, keep_alive)`` once ``buf`` holds a whole answer, else None; at ``eof`` an
    answer without framing is whole (and one cut short is an error)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        if eof:
            raise ConnectionError("the connection closed before the answer's headers")
        return None
    head = bytes(buf[:end + 2])
    status = int(head[9:12])
    # Only the framing is read from the headers here (HTTP/1.1 header names are case-insensitive).
    lower = head.lower()
    keep = _CLOSE.search(lower) is None
    start = end + 4
    length = _CONTENT_LENGTH.search(lower)
    if length is not None:
        stop = start + int(length[1])
        if len(buf) < stop:
            if eof:
                raise ConnectionError("the connection closed in the middle of the answer's body")
            return None
        return status, head, bytes(buf[start:stop]), keep
    if _CHUNKED.search(lower) is not None:
        parts: list[bytes] = []
        at = start
        while True:
            line_end = buf.find(b"\r\n", at)
            if line_end < 0:
                break
            size = int(bytes(buf[at:line_end]).split(b";")[0], 16)
            if size == 0:
                if buf.find(b"\r\n", line_end + 2) < 0:  # no trailers expected: the final empty line
                    break
                return status, head, b"".join(parts), keep
            if len(buf) < line_end + 2 + size + 2:
                break
            parts.append(bytes(buf[line_end + 2:line_end + 2 + size]))
            at = line_end + 2 + size + 2
        if eof:
            raise ConnectionError("the connection closed in the middle of a chunked answer")
        return None
    if status in (204, 304) or 100 <= status < 200:
        return status, head, b"", keep
    # Framed by closing the connection.
    return (status, head, bytes(buf[start:]), False) if eof else None


class Connection:
    """One HTTP/1.1 keep-alive connection: writes prepared bytes, reads status, framing and body."""

    def __init__(self, base_url: str, ctx: Context, timeout: float = 30.0) -> None:
        u = urlsplit(base_url)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.timeout = timeout
        self._prefix = f"Host: {self.host}:{self.port}\r\nAuthorization: Bearer {ctx.token}\r\n".encode()
        self._answers: _Answers | None = None

    def encode(self, req: Request) -> bytes:
        head = f"{req.method} {req.path} HTTP/1.1\r\n".encode() + self._prefix
        extra = "".join(f"{k}: {v}\r\n" for k, v in req.headers)
        if req.json is None:
            return head + extra.encode() + b"\r\n"
        body = json.dumps(req.json, ensure_ascii=False, separators=(",", ":")).encode()
        return (head + f"{extra}Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                + body)

    async def _open(self) -> None:
        loop = asyncio.get_running_loop()
        _, self._answers = await loop.create_connection(_Answers, self.host, self.port)

    def close(self) -> None:
        if self._answers is not None and self._answers.transport is not None:
            self._answers.transport.close()
        self._answers = None

    async def send(self, raw: bytes) -> Response:
        try:
            # asyncio.timeout, not wait_for: wait_for wraps every request in a task of its own.
            async with asyncio.timeout(self.timeout):
                return await self._exchange(raw)
        except BaseException:
            self.close()  # whatever state the connection was in, the next request starts on a fresh one
            raise

    async def _exchange(self, raw: bytes) -> Response:
        if self._answers is None or self._answers.closed:
            self.close()
            await self._open()
        answers = self._answers
        assert answers is not None
        assert answers.transport is not None
        answers.buffer.clear()
        answers.waiter = asyncio.get_running_loop().create_future()
        answers.transport.write(raw)
        await answers.waiter
        answers.waiter = None
        whole = _whole(answers.buffer, answers.closed)
        if whole is None:
            raise ConnectionError("the connection closed before the answer was whole")
        status, head, body, keep = whole
        if not keep or answers.closed:
            self.close()
        return Response(status, head, body)


async def fetch(base_url: str, ctx: Context, req: Request) -> Response:
    """One request on a fresh connection (the pre-run check uses the very code the loops use)."""
    conn = Connection(base_url, ctx)
    try:
        return await conn.send(conn.encode(req))
    finally:
        conn.close()


async def _loop(conn: Connection, scenario: Scenario, ctx: Context, rng: random.Random, deadline: float,
                sink: Samples) -> None:
    clock, build, encode, send, add = time.perf_counter, scenario.request, conn.encode, conn.send, sink.add
    try:
        while clock() < deadline:
            raw = encode(build(rng, ctx))
            started = clock()
            try:
                r = await send(raw)
                code = r.status_code
                add(clock() - started, str(code), 200 <= code < 300)
                if not 200 <= code < 300 and len(sink.failures) < 5:
                    sink.failures.append(f"{code}: {r.content[:200]!r}")
            except Exception as exc:  # a failed request is a data point, not the end of the run
                status = type(exc).__name__
                add(clock() - started, status, False)
                if len(sink.failures) < 5:
                    sink.failures.append(f"{status}: {exc!r}"[:300])
    finally:
        conn.close()


async def run_load(
    base_url: str,
    scenario: Scenario,
    ctx: Context,
    *,
    duration: float,
    concurrency: int,
    warmup: float,
    seed: int,
    meter: Meter | None = None,
    request_timeout: float = 30.0,
) -> Samples:
    """Warm up (connections, caches, prepared statements), then measure for ``duration`` seconds."""
    if warmup > 0:
        deadline = time.perf_counter() + warmup
        throwaway = Samples()
        await asyncio.gather(*(
            _loop(Connection(base_url, ctx, request_timeout), scenario, ctx, random.Random(seed * 1000 + i), deadline,
                  throwaway)
            for i in range(concurrency)
        ))
    sinks = [Samples() for _ in range(concurrency)]
    conns = [Connection(base_url, ctx, request_timeout) for _ in range(concurrency)]
    # Connect before the clock starts, so the measured time is requests only.
    await asyncio.gather(*(c._open() for c in conns))
    if meter:
        await meter.start()
    # No collector pauses in the driver while it measures: a full collection over everything the bench
    # process has imported stopped all the loops for ~75 ms about once a slice, and that pause was counted
    # as latency of whichever target was being measured. What the slice leaves behind is collected after.
    gc.collect()
    gc.freeze()
    gc.disable()
    cpu0, started = time.process_time(), time.perf_counter()
    deadline = started + duration
    try:
        await asyncio.gather(*(
            _loop(conns[i], scenario, ctx, random.Random(seed * 1000 + concurrency + i), deadline, sinks[i])
            for i in range(concurrency)
        ))
    finally:
        gc.enable()
        gc.unfreeze()
    total = Samples()
    for s in sinks:
        total.merge(s)
    # Requests still running at the deadline finish and count; the clock stops when the last one ends.
    total.elapsed = time.perf_counter() - started
    total.driver_cpu = time.process_time() - cpu0
    total.counters = await meter.stop() if meter else {}
    return total
