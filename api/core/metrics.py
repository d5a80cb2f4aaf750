"""Prometheus metrics: requests per route and jobs per name."""

from typing import Any

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "peyvand_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "peyvand_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS = Counter("peyvand_jobs_total", "Jobs finished by the worker", ["job", "outcome"])
JOB_DURATION = Histogram(
    "peyvand_job_duration_seconds",
    "Time a job took",
    ["job"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300),
)
WORKER_HEARTBEAT = Gauge(
    "peyvand_worker_heartbeat_timestamp_seconds", "Last worker heartbeat", multiprocess_mode="max"
)


# The labelled series each request adds to, by (method, route, status): ``labels()`` takes a lock and
# rebuilds its key on every call, a cost per request as large as the counting itself. As many entries as
# the metrics have series.
_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered HTTP request and record how long it took."""
    series = _SERIES.get((method, route, status))
    if series is None:
        series = _SERIES[(method, route, status)] = (
            HTTP_REQUESTS.labels(method, route, str(status)), HTTP_LATENCY.labels(method, route))
    series[0].inc()
    series[1].observe(seconds)
