"""The platform's own jobs: worker heartbeat, outbox relay, job-outbox sweeper, housekeeping."""

from __future__ import annotations

import time
from typing import Any

from arq import cron

from api.core.events.relay import relay_batch
from api.core.idempotency import purge_expired
from api.core.metrics import WORKER_HEARTBEAT
from api.core.queue import job, sweep_outbox, transaction

HEARTBEAT_KEY = "peyvand:worker:heartbeat"


@job
async def heartbeat(ctx: dict[str, Any]) -> None:
    now = time.time()
    await ctx["redis"].set(HEARTBEAT_KEY, str(now), ex=3600)
    WORKER_HEARTBEAT.set(now)


@job
async def relay_events(ctx: dict[str, Any]) -> int:
    """Hand committed domain events to their consumers until the outbox is drained."""
    total = 0
    while True:
        async with transaction(ctx["sessionmaker"], ctx["redis"]) as session:
            handled = await relay_batch(session)
        total += handled
        if handled == 0:
            return total


@job
async def sweep_jobs(ctx: dict[str, Any]) -> int:
    """Push jobs whose post-commit hand-off to Redis did not happen."""
    async with transaction(ctx["sessionmaker"], ctx["redis"]) as session:
        return await sweep_outbox(session, ctx["redis"])


@job
async def purge_idempotency(ctx: dict[str, Any]) -> int:
    """Forget idempotency records older than their 24 h replay window."""
    async with transaction(ctx["sessionmaker"], ctx["redis"]) as session:
        return await purge_expired(session)


CRON_JOBS = [
    cron(heartbeat, second=set(range(0, 60, 10)), run_at_startup=True, unique=False),
    cron(relay_events, second=set(range(0, 60, 2)), unique=True),
    cron(sweep_jobs, second={7, 37}, unique=True),
    cron(purge_idempotency, minute={13}, second={0}, unique=True),
]
