"""Prometheus metrics of one API process, in a registry of its own."""

from __future__ import annotations

from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)

from service.observability.state import DatabaseState

# No *_created series: they double the series count and nobody reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Request counts and latencies, events appended, projection lag and pool usage."""

    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        by_request = ["version", "route", "method"]
        self.requests = Counter(
            "trainees_http_requests", "HTTP requests answered", [*by_request, "status"], registry=r
        )
        self.latency = Histogram(
            "trainees_http_request_duration_seconds",
            "Time to answer an HTTP request",
            by_request,
            buckets=BUCKETS,
            registry=r,
        )
        self.throttled = Counter(
            "trainees_rate_limited", "Requests refused by the rate limit", registry=r
        )
        self.events = Counter(
            "trainees_events_appended", "Events this process appended", registry=r
        )
        self.database_up = Gauge(
            "trainees_database_up", "1 when the database answered the last scrape", registry=r
        )
        self.head = Gauge(
            "trainees_event_store_head", "Notification id of the newest stored event", registry=r
        )
        self.lag = Gauge(
            "trainees_projection_lag",
            "Notification ids a projection is behind",
            ["projection"],
            registry=r,
        )
        self.pool = Gauge(
            "trainees_db_pool_connections",
            "Database connections by pool and state",
            ["pool", "state"],
            registry=r,
        )
        self.writes = Gauge(
            "trainees_writes_in_flight", "Write use cases queued or running", registry=r
        )

    def observe(self, version: str, route: str, method: str, status: int, seconds: float) -> None:
        """Count one answered request."""
        self.requests.labels(version, route, method, str(status)).inc()
        self.latency.labels(version, route, method).observe(seconds)

    def refresh(
        self, db: DatabaseState | None, read_pool: Any, write_pool: Any, writes: int
    ) -> None:
        """Set the gauges read at scrape time (db None: the database did not answer)."""
        self.database_up.set(0 if db is None else 1)
        if db is not None:
            self.head.set(db.head)
            for name, lag in db.lags.items():
                self.lag.labels(name).set(lag)
        for name, pool in (("read", read_pool), ("write", write_pool)):
            if pool is not None:
                size, idle = pool.get_size(), pool.get_idle_size()
                self.pool.labels(name, "in_use").set(size - idle)
                self.pool.labels(name, "idle").set(idle)
                self.pool.labels(name, "max").set(pool.get_max_size())
        self.writes.set(writes)

    def render(self) -> bytes:
        """The exposition text."""
        return generate_latest(self.registry)
