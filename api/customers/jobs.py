"""Jobs of the customers domain."""

from __future__ import annotations

from typing import Any

from arq import cron

from api.core.db import utcnow
from api.core.queue import job, transaction
from api.customers.ladder import lapse_batch
from api.customers.value import compute_bounds, refresh_batch

CRON_JOBS: list[Any] = []


@job
async def lapse_customers(ctx: dict[str, Any]) -> int:
    """Move buyers with no purchase for PEYVAND_LADDER_LAPSE_DAYS to lapsed, one batch per transaction."""
    settings, total = ctx["settings"], 0
    while True:
        async with transaction(ctx["sessionmaker"], ctx.get("redis")) as session:
            moved = await lapse_batch(session, settings, utcnow())
        total += moved
        if moved < settings.ladder_batch_size:
            return total


@job
async def rank_customers(ctx: dict[str, Any]) -> int:
    """Re-rank RFM scores and key-customer flags against the whole base, one batch per transaction."""
    settings, now, changed = ctx["settings"], utcnow(), 0
    async with transaction(ctx["sessionmaker"], ctx.get("redis")) as session:
        bounds = await compute_bounds(session, settings)
    after = None
    while True:
        async with transaction(ctx["sessionmaker"], ctx.get("redis")) as session:
            after, n = await refresh_batch(session, settings, bounds, now, after, settings.ladder_batch_size)
        changed += n
        if after is None:
            return changed


# Nightly: lapse first, so the ranking sees who is still active (loyalty needs an active customer).
CRON_JOBS += [
    cron(lapse_customers, hour={2}, minute={30}, second={0}, unique=True),
    cron(rank_customers, hour={3}, minute={0}, second={0}, unique=True),
]
