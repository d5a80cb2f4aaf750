"""Jobs of the auth domain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from arq import cron
from sqlalchemy import delete

from api.auth.models import AuthSession
from api.core.db import utcnow
from api.core.queue import job, transaction


@job
async def purge_auth_sessions(ctx: dict[str, Any]) -> int:
    """Delete login sessions a week after they expired or were revoked."""
    cutoff = utcnow() - timedelta(days=7)
    async with transaction(ctx["sessionmaker"], ctx["redis"]) as session:
        result = await session.execute(
            delete(AuthSession).where((AuthSession.expires_at < cutoff) | (AuthSession.revoked_at < cutoff))
        )
        return int(getattr(result, "rowcount", 0) or 0)


CRON_JOBS = [cron(purge_auth_sessions, hour={3}, minute={17}, second={0}, unique=True)]
