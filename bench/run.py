"""``python -m bench.run`` (``make bench``): seed a fresh database, start the real API and the bare baseline
side by side, drive every scenario against both in alternating rounds, and write the figures to
``bench/results/``. Everything it starts it stops, on success, error, Ctrl-C or the overall time limit."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import report
from bench.driver import Context, Samples, Scenario, fetch, run_load, summary
from bench.scenarios import ALL
from bench.seed import SeedInfo, drop_database, plain_url, prepare_database, reuse_database
from bench.targets import (
    REPO,
    BenchError,
    Target,
    pids_cpu_seconds,
    start_api,
    start_baseline,
    stop,
    tree_cpu_seconds,
    wait_ready,
)

POOL_PER_WORKER = 20
DB_NAME = "peyvand_bench"
DATA_DIR = Path(".data-bench")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=10, help="measured seconds per scenario and target (10)")
    p.add_argument("--concurrency", type=int, default=32, help="concurrent connections and request loops (32)")
    p.add_argument("--scenarios", nargs="+", default=["all"], metavar="NAME",
                   help=f"which scenarios, space- or comma-separated: all, {', '.join(ALL)}")
    p.add_argument("--users", type=int, default=10_000, help="users to seed (10000)")
    p.add_argument("--customers", type=int, default=1_000_000,
                   help="customers to seed (1000000; e.g. 50000 for a quick run, 0 for none)")
    p.add_argument("--api-workers", type=int, default=2, help="uvicorn workers of the API and of the baseline (2)")
    p.add_argument("--rounds", type=int, default=2, help="alternating slices per target: API, baseline, API, … (2)")
    p.add_argument("--warmup", type=float, default=2, help="unmeasured seconds before each slice (2)")
    p.add_argument("--timeout", type=float, default=None, help="hard limit for the whole run, seconds")
    p.add_argument("--keep-db", action="store_true", help=f"leave the {DB_NAME} database behind for inspection")
    p.add_argument("--reuse-db", action="store_true",
                   help=f"use a kept {DB_NAME} holding at least --users/--customers instead of seeding (kept after)")
    p.add_argument("--results", type=Path, default=REPO / "bench" / "results", help="where to write the figures")
    args = p.parse_args(argv)
    if args.duration <= 0 or args.concurrency < 1 or args.users < 2 or args.rounds < 1 or args.api_workers < 1 \
            or args.customers < 0:
        p.error("duration, concurrency, rounds and workers must be positive, users at least 2, customers >= 0")
    return args


def select(names: list[str]) -> tuple[list[Scenario], str]:
    wanted = [n for part in names for n in part.split(",") if n]
    if not wanted or "all" in wanted:
        return list(ALL.values()), "all"
    unknown = [n for n in wanted if n not in ALL]
    if unknown:
        raise BenchError(f"unknown scenario(s) {', '.join(unknown)}; known: {', '.join(ALL)}")
    chosen = list(dict.fromkeys(wanted))
    return [ALL[n] for n in chosen], "+".join(chosen)


def default_timeout(args: argparse.Namespace, scenarios: int) -> float:
    per_scenario = 2 * (args.duration + args.rounds * (args.warmup + 5))
    # Seeding runs at roughly 5,000 customers a second, index builds included.
    return 240 + args.users / 2000 + args.customers / 2500 + 1.5 * scenarios * per_scenario


def _autogroup() -> bool | None:
    """Whether the kernel schedules each session as one group (``sched_autogroup``; see api/core/serve.py)."""
    try:
        return Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return None


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _git() -> dict[str, Any]:
    def out(*cmd: str) -> str:
        try:
            return subprocess.run(["git", *cmd], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": out("rev-parse", "--short", "HEAD") or "unknown", "dirty": bool(out("status", "--porcelain"))}


async def _login(api: Target, seed: SeedInfo) -> str:
    async with httpx.AsyncClient(base_url=api.url, timeout=30) as http:
        r = await http.post("/api/v1/auth/token", data={"username": seed.admin_email, "password": seed.admin_password})
    if r.status_code != 200:
        raise BenchError(f"login failed: {r.status_code} {r.text[:300]}")
    token: str = r.json()["access_token"]
    return token


def _difference(a: Any, b: Any, path: str = "$", volatile: frozenset[str] = frozenset()) -> str | None:
    """Where two JSON documents first differ, or None. Keys in ``volatile`` must be present in both with
    values of the same type; their values may differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k} only in {'the API' if k in a else 'the baseline'}"
            if k in volatile:
                if type(a[k]) is not type(b[k]):
                    return f"{path}.{k}: API {type(a[k]).__name__}, baseline {type(b[k]).__name__}"
                continue
            if (d := _difference(a[k], b[k], f"{path}.{k}", volatile)) is not None:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items from the API, {len(b)} from the baseline"
        return next((d for i, (x, y) in enumerate(zip(a, b, strict=True))
                     if (d := _difference(x, y, f"{path}[{i}]", volatile)) is not None), None)
    return None if a == b else f"{path}: API {a!r}, baseline {b!r}"


async def _check(scenario: Scenario, ctx: Context, api: Target, baseline: Target) -> dict[str, Any]:
    """The same request to each target (or one each, for writes of unique values): both must succeed, and
    should answer the same JSON."""
    bodies, statuses = {}, {}
    request = scenario.request(random.Random(0), ctx)
    for t in (api, baseline):
        if scenario.distinct_check and t is baseline:
            request = scenario.request(random.Random(0), ctx)
        r = await fetch(t.url, ctx, request)
        if not r.is_success:
            raise BenchError(f"{scenario.name} on {t.name}: {r.status_code} {r.text[:300]}")
        statuses[t.name] = r.status_code
        bodies[t.name] = r.json() if "json" in r.headers.get("content-type", "") else r.content
    diff = _difference(bodies["api"], bodies["baseline"], volatile=scenario.volatile)
    if diff is None and statuses["api"] != statuses["baseline"]:
        diff = f"status: API {statuses['api']}, baseline {statuses['baseline']}"
    return {"responses_match": diff is None, "difference": diff}


class TargetMeter:
    """CPU of the target's processes and of the PostgreSQL backends serving it (when the server is local),
    and the database connections opened meanwhile (only one target is under load at a time)."""

    def __init__(self, target: Target, db: asyncpg.Connection) -> None:
        self.target, self.db = target, db
        self._app: float | None = None
        self._backends: dict[int, float] = {}
        self._sessions: int | None = None

    async def _backend_cpu(self) -> tuple[dict[int, float], bool]:
        pids = [r["pid"] for r in await self.db.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
            DB_NAME, self.target.db_application)]
        cpu = pids_cpu_seconds(pids)
        # A remote server's backends are not ours to see: then there is no database figure.
        return cpu, bool(pids) and len(cpu) == len(pids)

    async def _session_count(self) -> int | None:
        try:  # PostgreSQL 14+; the statistics lag by up to a second, so this is approximate
            return int(await self.db.fetchval("SELECT sessions FROM pg_stat_database WHERE datname = $1", DB_NAME))
        except asyncpg.UndefinedColumnError:
            return None

    async def start(self) -> None:
        self._app = tree_cpu_seconds(self.target.proc.pid)
        self._backends, _ = await self._backend_cpu()
        self._sessions = await self._session_count()

    async def stop(self) -> dict[str, float | None]:
        app = tree_cpu_seconds(self.target.proc.pid)
        backends, visible = await self._backend_cpu()
        # Backends that started during the slice count whole; those that ended are lost (see db_connections).
        db = sum(v - self._backends.get(pid, 0.0) for pid, v in backends.items()) if visible else None
        sessions = await self._session_count()
        return {
            "app_cpu": None if app is None or self._app is None else app - self._app,
            "db_cpu": db,
            "db_connections_opened": None if sessions is None or self._sessions is None
            else float(sessions - self._sessions),
        }


async def _checkpoint(db: asyncpg.Connection) -> bool:
    """A checkpoint now, so that the slice about to start does not pay for the WAL the previous ones wrote:
    the write scenarios fill max_wal_size within a few slices, and a checkpoint PostgreSQL requests in the
    middle of one stalls its commits for up to a second (a patch slice fell to 280 requests/s, p99 605 ms,
    while the next slice of the same target ran at 527). Needs a superuser or pg_checkpoint; else skipped."""
    try:
        await db.execute("CHECKPOINT")
    except asyncpg.InsufficientPrivilegeError:
        return False
    return True


async def _measure(args: argparse.Namespace, scenario: Scenario, ctx: Context, targets: list[Target],
                   db: asyncpg.Connection) -> dict[str, Any]:
    merged = {t.name: Samples() for t in targets}
    rounds: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
    for n in range(args.rounds):
        for t in targets:  # alternate, so a noisy moment on the machine hits both
            await _checkpoint(db)
            s = await run_load(t.url, scenario, ctx, duration=args.duration / args.rounds,
                               concurrency=args.concurrency, warmup=args.warmup, seed=n, meter=TargetMeter(t, db))
            rounds[t.name].append(summary(s))
            merged[t.name].merge(s)
            print(f"  {scenario.name:<20} {t.name:<9} round {n + 1}: {rounds[t.name][-1]['rps']:>8.1f} req/s, "
                  f"p50 {rounds[t.name][-1]['p50_ms']} ms, errors {s.errors}", flush=True)
    result = {t.name: {**summary(merged[t.name]), "rounds": rounds[t.name]} for t in targets}
    base = result["baseline"]["rps"]
    return {"name": scenario.name, "description": scenario.description, "targets": result,
            "ratio": round(result["api"]["rps"] / base, 3) if base else None}


async def _bench(args: argparse.Namespace, scenarios: list[Scenario], label: str, server_url: str,
                 redis_url: str, embedded: bool, stack: contextlib.ExitStack, log_dir: Path) -> dict[str, Any]:
    started, load_before = datetime.now(UTC), _load()
    reused = await reuse_database(server_url, DB_NAME, args.users, args.customers) if args.reuse_db else None
    if not args.keep_db and not args.reuse_db:
        stack.callback(_drop, server_url)
    if reused is not None:
        db_url, seed = reused
        print(f"Reusing {DB_NAME}: {seed.users} users, {seed.teams} teams, {seed.customers} customers", flush=True)
    else:
        print(f"Seeding {args.users} users and {args.customers} customers into {DB_NAME}…", flush=True)
        db_url, seed = await prepare_database(server_url, DB_NAME, args.users, customers=args.customers)
        print(f"  {seed.users} users, {seed.teams} teams, {seed.customers} customers in {seed.seconds} s "
              f"(customers {seed.customer_seconds} s)", flush=True)

    # Both targets get the same connection budget per worker, small enough that both together stay
    # under PostgreSQL's default max_connections (100) with room for the driver: 2 × 2 × 20 = 80.
    pool = POOL_PER_WORKER
    api = start_api(db_url, redis_url, args.api_workers, log_dir, pool)
    stack.callback(stop, api)
    baseline = start_baseline(plain_url(db_url), args.api_workers, pool, log_dir)
    stack.callback(stop, baseline)
    await asyncio.gather(wait_ready(api), wait_ready(baseline))
    print(f"API at {api.url}, baseline at {baseline.url}, {args.api_workers} workers each", flush=True)

    ctx = Context(token=await _login(api, seed), users=seed.users, admin_id=str(seed.admin_id))
    db = await asyncpg.connect(plain_url(db_url), server_settings={"application_name": "peyvand-bench-driver"})
    try:
        for sc in scenarios:
            if sc.prepare:
                await sc.prepare(db, ctx)
        checks = {sc.name: await _check(sc, ctx, api, baseline) for sc in scenarios}
        measured = []
        for sc in scenarios:
            measured.append({**await _measure(args, sc, ctx, [api, baseline], db), "check": checks[sc.name]})
        postgres = (await db.fetchval("SHOW server_version")).split()[0]
    finally:
        await db.close()
    return {
        "started_at": started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "label": label,
        "settings": {"duration": args.duration, "concurrency": args.concurrency, "users": seed.users,
                     "customers": seed.customers, "customer_seed_seconds": seed.customer_seconds,
                     "scale": args.customers, "reused_database": reused is not None,
                     "workers": args.api_workers, "rounds": args.rounds, "warmup": args.warmup,
                     "baseline_pool_per_worker": pool, "seed_seconds": seed.seconds},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "postgres": f"PostgreSQL {postgres}", "database": "embedded" if embedded else "external",
                    "redis": "embedded" if redis_url.startswith("unix:") else "external",
                    # Other work on the machine skews req/s; CPU per request is less sensitive to it.
                    "load_average_before": load_before, "load_average_after": _load(),
                    "sched_autogroup": _autogroup()},
        "git": _git(),
        "scenarios": measured,
    }


def _drop(server_url: str) -> None:
    try:
        asyncio.run(asyncio.wait_for(drop_database(server_url, DB_NAME), 60))
    except Exception as exc:  # clean-up must not hide the run's own outcome
        print(f"bench: could not drop {DB_NAME}: {exc}", file=sys.stderr)


def _services(stack: contextlib.ExitStack) -> tuple[str, str, bool]:
    """The configured PostgreSQL server and Redis, or embedded ones under .data-bench/."""
    db = os.environ.get("DATABASE_URL") or os.environ.get("PEYVAND_DATABASE_URL")
    redis = os.environ.get("REDIS_URL") or os.environ.get("PEYVAND_REDIS_URL")
    if db and redis:
        return db, redis, False
    from api.core.embedded import EmbeddedServices

    services = EmbeddedServices(DATA_DIR)
    stack.callback(services.stop)
    print(f"Starting embedded {'PostgreSQL' if not db else ''}{' and ' if not db and not redis else ''}"
          f"{'Redis' if not redis else ''} under {DATA_DIR}/…", flush=True)
    return db or services.start_postgres("postgres"), redis or services.start_redis(), not db


def _fast_loop() -> None:
    """uvloop (installed with uvicorn[standard]) makes the driver's own share of the CPU smaller."""
    try:
        import uvloop
    except ImportError:
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        scenarios, label = select(args.scenarios)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    limit = args.timeout or default_timeout(args, len(scenarios))
    stopping: dict[str, Any] = {"why": None, "task": None}

    def on_signal(signum: int, frame: Any) -> None:
        # Inside the event loop: cancel the run so every `finally` gets to clean up; outside it: interrupt.
        stopping["why"] = f"timed out after {limit:.0f} s" if signum == signal.SIGALRM else "terminated"
        task = stopping["task"]
        if task is not None and not task.done():
            task.get_loop().call_soon_threadsafe(task.cancel)
        else:
            raise KeyboardInterrupt

    async def run(*a: Any) -> dict[str, Any]:
        stopping["task"] = asyncio.current_task()
        return await _bench(*a)

    signal.signal(signal.SIGALRM, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    log_dir = Path(tempfile.mkdtemp(prefix="peyvand-bench-"))
    ok = False
    try:
        with contextlib.ExitStack() as stack:  # stops, in reverse order, everything started below
            try:
                signal.setitimer(signal.ITIMER_REAL, limit)
                server_url, redis_url, embedded = _services(stack)
                _fast_loop()
                results = asyncio.run(run(args, scenarios, label, server_url, redis_url, embedded, stack, log_dir))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                stopping["task"] = None
            print("Stopping…", flush=True)
        json_path, md_path = report.write(results, args.results)
        print("\n" + report.table(results) + "\n")
        for note in report.notes(results):
            print(f"note: {note}")
        print(f"Wrote {json_path.relative_to(REPO) if json_path.is_relative_to(REPO) else json_path} and "
              f"{md_path.name}")
        ok = True
        return 0
    except (KeyboardInterrupt, asyncio.CancelledError):
        why = stopping["why"] or "interrupted"
        print(f"bench: {why}; everything it started has been stopped", file=sys.stderr)
        return 124 if why.startswith("timed out") else 130
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    finally:
        if ok:
            shutil.rmtree(log_dir, ignore_errors=True)
        else:
            print(f"bench: server logs kept in {log_dir}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
