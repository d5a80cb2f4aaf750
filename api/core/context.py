"""Per-request context shared by logs, errors and audit entries."""

from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
