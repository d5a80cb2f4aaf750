"""Worker start-up and shut-down: the same engine, sessions and settings as the API."""

from __future__ import annotations

from typing import Any

from api.core.db import create_engine, create_sessionmaker
from api.core.settings import Settings, get_settings


def make_startup(settings: Settings | None = None) -> Any:
    async def startup(ctx: dict[str, Any]) -> None:
        cfg = settings or get_settings()
        engine = create_engine(cfg)
        ctx["settings"] = cfg
        ctx["engine"] = engine
        ctx["sessionmaker"] = create_sessionmaker(engine)

    return startup


async def shutdown(ctx: dict[str, Any]) -> None:
    engine = ctx.get("engine")
    if engine is not None:
        await engine.dispose()
