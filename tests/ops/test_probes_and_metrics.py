"""Liveness, readiness and Prometheus metrics: open to all, never rate limited."""

from __future__ import annotations

import re

from service.observability import state
from tests.bodies import trainee

V = "/api/v2026.1"


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one metric sample in the exposition text (labels matched as given)."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rfind("}")]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} {labels} in:\n{text}")


async def test_the_liveness_probe_needs_no_token(client):
    response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_the_readiness_probe_checks_database_schema_and_projections(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok" and body["checks"]["schema"] == "ok"
    assert set(body["checks"]["projections"]) == {"audit_log"}


async def test_a_missing_migration_makes_the_service_unready(client, monkeypatch):
    monkeypatch.setattr(state, "SHIPPED", state.SHIPPED | {9999})
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["schema"] == "migrations not applied: 9999"


async def test_a_projection_beyond_the_lag_bound_makes_the_service_unready(open_app, provider):
    app = await open_app(ready_max_lag=1)
    created = await app.post(f"{V}/trainees", json={"data": trainee()}, headers=provider.headers)
    assert created.status_code == 201, created.text
    response = await app.get("/readyz")
    assert response.status_code == 503
    audit = response.json()["checks"]["projections"]["audit_log"]
    assert audit["lag"] >= 2 and audit["ok"] is False


async def test_probes_and_metrics_are_not_rate_limited(open_app):
    app = await open_app(rate_limit=1)
    for path in ["/healthz", "/readyz", "/metrics"] * 3:
        assert (await app.get(path)).status_code == 200


async def test_metrics_count_requests_events_lag_and_pool_usage(open_app, provider):
    app = await open_app()
    created = await app.post(f"{V}/trainees", json={"data": trainee()}, headers=provider.headers)
    assert created.status_code == 201, created.text
    await app.get(f"{V}/trainees/{created.json()['data']['trainee_id']}", headers=provider.headers)
    await app.get(f"{V}/no-such-thing", headers=provider.headers)
    response = await app.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    route = "/api/{version}/trainees"
    assert (
        sample(
            text,
            "trainees_http_requests_total",
            version="v2026.1",
            route=route,
            method="POST",
            status="201",
        )
        == 1
    )
    assert (
        sample(text, "trainees_http_requests_total", route=route + "/{trainee_id}", status="200")
        == 1
    )
    assert sample(text, "trainees_http_requests_total", status="404") == 1
    assert sample(text, "trainees_http_request_duration_seconds_count", route=route) == 1
    assert sample(text, "trainees_events_appended_total") >= 2  # Registered, SubmittedForTrn
    assert sample(text, "trainees_projection_lag", projection="audit_log") >= 2
    assert sample(text, "trainees_database_up") == 1
    assert sample(text, "trainees_event_store_head") >= 2
    assert sample(text, "trainees_db_pool_connections", pool="read", state="max") == 4
    assert sample(text, "trainees_db_pool_connections", pool="write", state="max") == 4
    assert sample(text, "trainees_writes_in_flight") == 0
