"""Liveness, readiness and metrics endpoints: no token, no rate limit."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Response, get
from prometheus_client import CONTENT_TYPE_LATEST

from service.api.context import AnyRequest
from service.api.responses import json
from service.observability.state import DatabaseState, database_state
from service.outages import ANY_DATABASE_ERROR

log = logging.getLogger("trainees.probes")


async def _state(request: AnyRequest) -> DatabaseState | None:
    try:
        return await database_state(request.app.state.read_pool)
    except ANY_DATABASE_ERROR as exc:
        log.warning("database state not read", extra={"error": type(exc).__name__})
        return None


@get("/healthz", include_in_schema=False)
async def healthz() -> Any:
    """The process is alive and serving HTTP."""
    return json({"status": "ok"})


@get("/readyz", include_in_schema=False)
async def readyz(request: AnyRequest) -> Any:
    """Ready when the database answers, the schema is current and projections keep up."""
    db = await _state(request)
    if db is None:
        return json({"status": "unavailable", "checks": {"database": "unreachable"}}, 503)
    bound = request.app.state.settings.ready_max_lag
    late = {name: lag for name, lag in db.lags.items() if bound and lag > bound}
    missing = ", ".join(map(str, db.missing_migrations))
    checks = {
        "database": "ok",
        "schema": f"migrations not applied: {missing}" if missing else "ok",
        "projections": {n: {"lag": lag, "ok": n not in late} for n, lag in db.lags.items()},
    }
    ready = not db.missing_migrations and not late
    return json(
        {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503
    )


@get("/metrics", include_in_schema=False)
async def metrics(request: AnyRequest) -> Any:
    """Prometheus metrics of this process."""
    state = request.app.state
    state.metrics.refresh(
        await _state(request), state.read_pool, state.write_pool, state.writer.in_flight
    )
    return Response(content=state.metrics.render(), media_type=CONTENT_TYPE_LATEST)


PROBES = (healthz, readyz, metrics)
