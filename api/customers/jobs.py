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


# The worker's max_tries: the last try marks the import failed instead of asking arq for another.
IMPORT_TRIES = 5


@job
async def run_customer_import(ctx: dict[str, Any], import_id: str) -> str:
    """Work through a CSV import from its checkpoint. A failure is retried by arq (the checkpoint makes
    that safe); after the last try the import is marked failed with the reason."""
    from uuid import UUID

    from arq.worker import Retry

    from api.customers import import_run as imports  # here: imports.py imports this module to enqueue the job

    key = UUID(import_id)
    try:
        return await imports.run_import(ctx["sessionmaker"], ctx.get("redis"), key, ctx["settings"])
    except Exception as exc:
        tries = ctx.get("job_try", 1)
        if tries < IMPORT_TRIES:
            raise Retry(defer=5 * tries) from exc
        await imports.fail_import(ctx["sessionmaker"], key, f"{type(exc).__name__}: {exc}")
        raise
