"""create_app(): routers, middleware, error handlers — nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from arq import create_pool
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from redis.asyncio import Redis

from api.audit.router import router as audit_router
from api.auth.router import router as auth_router
from api.core.db import create_engine, create_read_sessionmaker, create_sessionmaker
from api.core.errors import install_error_handlers
from api.core.idempotency import IdempotencyMiddleware
from api.core.middleware import CoreMiddleware
from api.core.openapi import install_docs, install_openapi
from api.core.queue import redis_settings
from api.core.routing import cache_parameter_introspection, mount_flat
from api.core.security import configure_hasher
from api.core.serve import tune_collector
from api.core.settings import Settings, get_settings
from api.core.spa import mount_spa
from api.customers.router import ROUTERS as CUSTOMER_ROUTERS
from api.system.router import router as system_router
from api.users.router import router as users_router

API_PREFIX = "/api/v1"


def _operation_id(route: APIRoute) -> str:
    return route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_hasher(settings.password_hash_time_cost, settings.password_hash_memory_kib)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not settings.database_url or not settings.redis_url:
            raise RuntimeError("DATABASE_URL and REDIS_URL must be resolved before the app starts")
        engine = create_engine(settings)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.read_sessionmaker = create_read_sessionmaker(engine)
        app.state.redis = Redis.from_url(settings.redis_url)
        app.state.arq = await create_pool(redis_settings(settings.redis_url))
        tune_collector()
        try:
            yield
        finally:
            await app.state.arq.aclose()
            await app.state.redis.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Peyvand CRM API",
        version="1.0.0",
        summary="Customers, touchpoints, sales, campaigns and webhooks — the Peyvand CRM.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings

    cache_parameter_introspection()
    # The busiest routes first: a request is tried on every route before its own (the OpenAPI document
    # lists paths the same either way; no two routers' paths overlap).
    mount_flat(app.router, (*CUSTOMER_ROUTERS, auth_router, users_router, audit_router), API_PREFIX)
    mount_flat(app.router, (system_router,))
    install_error_handlers(app)
    install_openapi(app)
    spa_dist = settings.spa_dir or Path(__file__).resolve().parent.parent / "frontend" / "dist"
    install_docs(app, spa_dist, f"{API_PREFIX}/openapi.json")

    app.add_middleware(IdempotencyMiddleware, ttl_hours=settings.idempotency_ttl_hours)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=False,
            allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["ETag", "Location", "Retry-After", "X-Request-ID", "Idempotent-Replayed"],
            max_age=600,
        )
    app.add_middleware(CoreMiddleware, max_body_bytes=settings.max_body_bytes, hsts=settings.behind_tls,
                       upload_limits={f"{API_PREFIX}/imports": settings.max_upload_bytes})
    mount_spa(app, spa_dist)
    return app
