"""The arq worker: jobs and cron jobs collected from every domain's ``jobs`` module."""

from __future__ import annotations

import importlib
from typing import Any

from arq import Worker

from api.core.queue import JOBS_REGISTRY, QUEUE_NAME, redis_settings
from api.core.settings import Settings, get_settings
from workers.context import make_startup, shutdown

# Every domain with jobs lists its module here; importing it registers its @job functions.
JOB_MODULES = ("api.core.jobs", "api.auth.jobs", "api.customers.jobs")


def collect() -> tuple[list[Any], list[Any]]:
    cron_jobs: list[Any] = []
    for name in JOB_MODULES:
        module = importlib.import_module(name)
        cron_jobs.extend(getattr(module, "CRON_JOBS", []))
    return list(JOBS_REGISTRY.values()), cron_jobs


def worker_options(settings: Settings) -> dict[str, Any]:
    functions, cron_jobs = collect()
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL must be resolved before the worker starts")
    return {
        "functions": functions,
        "cron_jobs": cron_jobs,
        "redis_settings": redis_settings(settings.redis_url),
        "queue_name": QUEUE_NAME,
        "on_startup": make_startup(settings),
        "on_shutdown": shutdown,
        "max_jobs": 20,
        "job_timeout": 600,
        "keep_result": 3600,
        "max_tries": 5,
    }


def create_worker(settings: Settings | None = None, **overrides: Any) -> Worker:
    cfg = settings or get_settings()
    return Worker(**{**worker_options(cfg), **overrides})


class WorkerSettings:
    """For ``arq workers.main.WorkerSettings`` (``peyvand worker`` is the usual way)."""

    functions, cron_jobs = collect()
    redis_settings = redis_settings(get_settings().redis_url or "redis://127.0.0.1:6379")
    queue_name = QUEUE_NAME
    on_startup = staticmethod(make_startup())
    on_shutdown = staticmethod(shutdown)
