"""The load driver: N concurrent loops, each doing one scenario request after another for a fixed time.

A scenario performs ONE request; the driver times it (``perf_counter``, from the call until the whole body
is read) and keeps its status. Errors are non-2xx answers and exceptions. The same scenario function is
used against every target, so both see exactly the same request shapes."""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import asyncpg
import httpx


@dataclass
class Context:
    """What scenarios may use: the bearer token (already in the client's headers), the seeded ids and
    whatever the scenarios' ``prepare`` steps computed."""

    token: str
    users: int
    admin_id: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


RequestFn = Callable[[httpx.AsyncClient, random.Random, Context], Awaitable[httpx.Response]]
PrepareFn = Callable[[asyncpg.Connection, Context], Awaitable[None]]


class Meter(Protocol):
    """Counts what the target spends during the measured phase (CPU seconds, connections opened…).
    Totals named ``*_cpu`` are CPU seconds and are also reported per request; None means not measurable."""

    async def start(self) -> None: ...

    async def stop(self) -> dict[str, float | None]: ...


@dataclass(frozen=True)
class Scenario:
    """One kind of request. ``request`` performs exactly one call; ``prepare`` runs once before the run
    (on the seeded database) to compute what the requests need, e.g. a deep cursor."""

    name: str
    request: RequestFn
    description: str = ""
    prepare: PrepareFn | None = None


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # the first few exceptions, to tell what went wrong
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
        "counters": {k: None if v is None else round(v, 3) for k, v in s.counters.items()},
        # What each request cost the target, independent of how fast the driver could send them.
        **{f"{k}_ms_per_req": round(v / len(lat) * 1000, 3) if v is not None and lat else None
           for k, v in s.counters.items() if k.endswith("_cpu")},
    }


def client(base_url: str, ctx: Context, concurrency: int, timeout: float = 30.0) -> httpx.AsyncClient:
    # Idle connections are dropped before uvicorn's 5 s keep-alive timeout would close them under a request.
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0)
    return httpx.AsyncClient(base_url=base_url, headers=ctx.headers, limits=limits, timeout=timeout)


async def _loop(
    http: httpx.AsyncClient, scenario: Scenario, ctx: Context, rng: random.Random, deadline: float, sink: Samples
) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            response = await scenario.request(http, rng, ctx)
            status, ok = str(response.status_code), response.is_success
        except Exception as exc:  # a failed request is a data point, not the end of the run
            status, ok = type(exc).__name__, False
            if len(sink.failures) < 5:
                sink.failures.append(f"{status}: {exc!r}"[:300])
        sink.add(time.perf_counter() - started, status, ok)


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
) -> Samples:
    """Warm up (connections, caches, prepared statements), then measure for ``duration`` seconds."""
    async with client(base_url, ctx, concurrency) as http:
        if warmup > 0:
            deadline = time.perf_counter() + warmup
            throwaway = Samples()
            await asyncio.gather(*(
                _loop(http, scenario, ctx, random.Random(seed * 1000 + i), deadline, throwaway)
                for i in range(concurrency)
            ))
        sinks = [Samples() for _ in range(concurrency)]
        if meter:
            await meter.start()
        cpu0, started = time.process_time(), time.perf_counter()
        deadline = started + duration
        await asyncio.gather(*(
            _loop(http, scenario, ctx, random.Random(seed * 1000 + concurrency + i), deadline, sinks[i])
            for i in range(concurrency)
        ))
        total = Samples()
        for s in sinks:
            total.merge(s)
        # Requests still running at the deadline finish and count; the clock stops when the last one ends.
        total.elapsed = time.perf_counter() - started
        total.driver_cpu = time.process_time() - cpu0
        total.counters = await meter.stop() if meter else {}
        return total
