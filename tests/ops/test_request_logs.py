"""One JSON line per request; the request id goes back to the client and onto the events."""

from __future__ import annotations

import asyncio

import asyncpg

from service.audit.history import history
from service.config import Settings
from service.eventstore import open_register
from service.keyring import master_keys
from service.versions import HEAD
from tests.bodies import trainee

V = "/api/v2026.1"


async def test_every_request_gets_an_id_in_the_response_and_one_log_line(client, provider, logs):
    first = await client.get(f"{V}/info", headers=provider.headers)
    second = await client.get("/no/such/path")
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(len(i) == 32 for i in ids) and ids[0] != ids[1]
    lines = logs.access()
    assert [line["request_id"] for line in lines] == ids
    assert lines[0] | {"duration_ms": 0, "time": ""} == {
        "time": "",
        "level": "info",
        "logger": "trainees.access",
        "message": "request",
        "request_id": ids[0],
        "method": "GET",
        "route": "/api/{version}/info",
        "version": "v2026.1",
        "status": 200,
        "duration_ms": 0,
        "provider_id": provider.provider_id,
    }
    assert lines[1]["status"] == 404 and lines[1]["route"] == "unrouted"
    assert lines[1]["provider_id"] is None and lines[1]["version"] == "none"


async def test_a_given_request_id_is_answered_and_recorded_on_the_events(
    client, provider, database, logs
):
    headers = provider.headers | {"X-Request-Id": "req-ops-42"}
    created = await client.post(f"{V}/trainees", json={"data": trainee()}, headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["x-request-id"] == "req-ops-42"
    assert logs.access()[0]["request_id"] == "req-ops-42"
    register = await asyncio.to_thread(open_register, database, 1, master_keys(Settings.from_env()))
    conn = await asyncpg.connect(database.url)
    try:
        found = await history(conn, register.mapper, created.json()["data"]["trainee_id"], HEAD)
    finally:
        await conn.close()
        register.close()
    assert found is not None and found["events"]
    assert {e["request_id"] for e in found["events"]} == {"req-ops-42"}


async def test_an_unusable_request_id_is_replaced(client, provider):
    response = await client.get(f"{V}/info", headers=provider.headers | {"X-Request-Id": "x" * 65})
    assert len(response.headers["x-request-id"]) == 32


async def test_logs_hold_no_token_and_no_personal_data(client, provider, logs):
    body = trainee(
        first_names="Zebediah",
        last_name="Quackenbush",
        email="zq@example.org",
        date_of_birth="1987-06-05",
    )
    created = await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
    assert created.status_code == 201, created.text
    slug = created.json()["data"]["trainee_id"]
    await client.get(f"{V}/trainees?last_name=Quackenbush", headers=provider.headers)
    await client.get(f"{V}/info", headers={"Authorization": "Bearer not-a-real-token"})
    text = "\n".join(logs.lines)
    statuses = [line["status"] for line in logs.access()]
    assert statuses[0] == 201 and statuses[-1] == 401 and len(statuses) == 3
    for secret in (
        provider.token,
        "not-a-real-token",
        "Zebediah",
        "Quackenbush",
        "zq@example",
        "1987-06-05",
        slug,
    ):
        assert secret not in text
