"""Liveness, readiness and Prometheus metrics (outside /api/v1)."""

from __future__ import annotations

import os
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from pydantic import BaseModel
from sqlalchemy import text

from api.core.errors import ServiceUnavailable, responses

router = APIRouter(tags=["system"])
HEARTBEAT_KEY = "peyvand:worker:heartbeat"


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    redis: str
    worker: dict[str, Any]


@router.get("/health", name="system:health", summary="Liveness: the process answers", response_model=Health)
async def health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    name="system:ready",
    summary="Readiness: PostgreSQL and Redis reachable; the worker's last heartbeat",
    response_model=Readiness,
    responses=responses(ServiceUnavailable),
)
async def ready(request: Request) -> Any:
    state = request.app.state
    db = redis = "ok"
    worker: dict[str, Any] = {"last_heartbeat": None, "age_seconds": None, "alive": False}
    try:
        async with state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:
        db = f"error: {type(exc).__name__}"
    try:
        await state.redis.ping()
        beat = await state.redis.get(HEARTBEAT_KEY)
        if beat:
            age = time.time() - float(beat)
            worker = {"last_heartbeat": float(beat), "age_seconds": round(age, 1),
                      "alive": age < 3 * state.settings.worker_heartbeat_seconds}
    except Exception as exc:
        redis = f"error: {type(exc).__name__}"
    ok = db == "ok" and redis == "ok"
    body = Readiness(status="ok" if ok else "unavailable", database=db, redis=redis, worker=worker)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get("/metrics", name="system:metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
async def metrics() -> PlainTextResponse:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several API processes (peyvand api --workers N): add up what every process recorded.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return PlainTextResponse(generate_latest(registry).decode(), media_type=CONTENT_TYPE_LATEST)
    return PlainTextResponse(generate_latest().decode(), media_type=CONTENT_TYPE_LATEST)
