"""Jobs of the customers domain."""

from __future__ import annotations

from typing import Any

CRON_JOBS: list[Any] = []
