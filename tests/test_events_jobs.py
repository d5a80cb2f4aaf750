"""The outboxes: events and jobs exist exactly when their transaction committed, and the worker runs them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from arq import create_pool
from arq.connections import ArqRedis
from sqlalchemy import func, select

from api.core import jobs as core_jobs
from api.core.events import EVENT_TYPES, OutboxEvent, emit, register_event_type
from api.core.events.relay import _CONSUMERS, consume, relay_batch
from api.core.metrics import JOBS
from api.core.queue import QUEUE_NAME, JobOutbox, enqueue, job, redis_settings, sweep_outbox, transaction
from workers.main import create_worker

PING = "test.pinged"


@pytest.fixture(autouse=True)
def _ping_event_type():
    # Registered only while these tests run, so it never leaks into the served OpenAPI contract.
    register_event_type(PING, "Emitted by the test-suite")
    yield
    EVENT_TYPES.pop(PING, None)


@job
async def record_seen(ctx: dict[str, Any], marker: str) -> str:
    await ctx["redis"].set(f"test:seen:{marker}", "1")
    return marker


@pytest.fixture
async def arq_pool(settings):
    pool = await create_pool(redis_settings(settings.redis_url))
    yield pool
    await pool.aclose()


async def _count(maker, model) -> int:
    async with maker() as s:
        return int(await s.scalar(select(func.count()).select_from(model)))


async def test_event_emitted_in_a_committed_transaction_is_in_the_outbox(maker):
    async with transaction(maker, None) as s:
        emit(s, PING, "test", uuid.uuid4(), {"n": 1})
    assert await _count(maker, OutboxEvent) == 1


async def test_event_of_a_rolled_back_transaction_never_exists(maker):
    with pytest.raises(RuntimeError):
        async with transaction(maker, None) as s:
            emit(s, PING, "test", uuid.uuid4(), {"n": 1})
            await s.flush()
            raise RuntimeError("the change failed")
    assert await _count(maker, OutboxEvent) == 0


async def test_emitting_an_unregistered_event_type_is_refused(maker):
    async with maker() as s:
        with pytest.raises(ValueError, match="unknown event type"):
            emit(s, "nobody.declared", "test", None, {})


async def test_job_is_pushed_to_the_queue_only_after_commit(maker, arq_pool):
    async with transaction(maker, arq_pool) as s:
        row = enqueue(s, "record_seen", "a")
        job_id = row.job_id
        assert await arq_pool.zscore(QUEUE_NAME, job_id) is None  # not visible before the commit
    assert await arq_pool.zscore(QUEUE_NAME, job_id) is not None
    assert await _count(maker, JobOutbox) == 0  # handed over, so the outbox row is gone


async def test_job_of_a_rolled_back_transaction_is_never_queued(maker, arq_pool):
    with pytest.raises(RuntimeError):
        async with transaction(maker, arq_pool) as s:
            row = enqueue(s, "record_seen", "b")
            raise RuntimeError("rolled back")
    assert await arq_pool.zscore(QUEUE_NAME, row.job_id) is None
    assert await _count(maker, JobOutbox) == 0


async def test_job_survives_redis_being_unreachable_at_commit_and_is_swept_later(maker, arq_pool):
    # A pool pointing at a closed port stands for Redis down right after the commit.
    dead = ArqRedis.from_url("redis://127.0.0.1:1/0")
    async with transaction(maker, dead) as s:
        row = enqueue(s, "record_seen", "c")
    assert await _count(maker, JobOutbox) == 1
    async with transaction(maker, arq_pool) as s:
        assert await sweep_outbox(s, arq_pool, older_than_seconds=0) == 1
    assert await arq_pool.zscore(QUEUE_NAME, row.job_id) is not None
    assert await _count(maker, JobOutbox) == 0


async def test_enqueueing_an_unknown_job_is_refused(maker):
    async with maker() as s:
        with pytest.raises(ValueError, match="unknown job"):
            enqueue(s, "no_such_job")


async def test_worker_runs_a_committed_job_and_counts_it(settings, maker, arq_pool, redis):
    before = JOBS.labels("record_seen", "ok")._value.get()
    async with transaction(maker, arq_pool) as s:
        enqueue(s, "record_seen", "d")
    worker = create_worker(settings, burst=True, cron_jobs=[], handle_signals=False, poll_delay=0.05)
    try:
        await worker.main()
    finally:
        await worker.close()
    assert await redis.get("test:seen:d") == b"1"
    assert JOBS.labels("record_seen", "ok")._value.get() == before + 1


async def test_relay_hands_events_to_consumers_and_marks_them_dispatched(maker):
    seen: list[str] = []

    @consume("test.*")
    async def collect(session, event):
        seen.append(event.type)

    try:
        async with transaction(maker, None) as s:
            emit(s, PING, "test", None, {})
        async with transaction(maker, None) as s:
            assert await relay_batch(s) == 1
        async with transaction(maker, None) as s:
            assert await relay_batch(s) == 0  # nothing pending any more
        assert seen == [PING]
    finally:
        _CONSUMERS.remove(("test.*", collect))


async def test_failing_consumer_leaves_the_event_pending_for_a_retry(maker):
    @consume(PING)
    async def broken(session, event):
        raise RuntimeError("receiver down")

    try:
        async with transaction(maker, None) as s:
            emit(s, PING, "test", None, {})
        with pytest.raises(RuntimeError):
            async with transaction(maker, None) as s:
                await relay_batch(s)
        async with maker() as s:
            pending = await s.scalar(select(func.count()).select_from(OutboxEvent)
                                     .where(OutboxEvent.dispatched_at.is_(None)))
        assert pending == 1
    finally:
        _CONSUMERS.remove((PING, broken))


async def test_worker_heartbeat_shows_in_ready(client, settings, redis, maker):
    r = await client.get("/ready")
    assert r.json()["worker"]["alive"] is False
    await core_jobs.heartbeat({"redis": redis, "sessionmaker": maker, "settings": settings})
    r = await client.get("/ready")
    assert r.json()["worker"]["alive"] is True
