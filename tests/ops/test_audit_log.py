"""The audit log: an asynchronous projection kept by `trainees projections run`."""

from __future__ import annotations

import asyncio
import re
import signal
import time

import asyncpg
import pytest

from projections import worker
from service.config import Settings
from service.eventstore import blind_mapper, open_register
from service.keyring import master_keys
from tests.bodies import trainee
from tests.cli.test_cli import environment, trainees
from tests.conftest import new_provider
from tests.ops.conftest import Process

V = "/api/v2026.1"


@pytest.fixture
def mapper(migrated_database):
    open_register(migrated_database, 1, master_keys(Settings.from_env())).close()
    return blind_mapper()


async def rows(database, sql="SELECT * FROM audit_log ORDER BY notification_id"):
    conn = await asyncpg.connect(database.url)
    try:
        return [dict(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


async def register_trainees(open_app, database, count, request_id="req-audit"):
    """Register trainees through the API; their slugs and the caller."""
    app = await open_app(database)
    caller = await new_provider(database)
    headers = caller.headers | {"X-Request-Id": request_id}
    slugs = []
    for _ in range(count):
        created = await app.post(f"{V}/trainees", json={"data": trainee()}, headers=headers)
        assert created.status_code == 201, created.text
        slugs.append(created.json()["data"]["trainee_id"])
    return slugs, caller


async def test_the_worker_writes_one_row_per_event_with_who_when_and_how(
    open_app, migrated_database, mapper
):
    slugs, caller = await register_trainees(open_app, migrated_database, 2)
    env = environment(DATABASE_URL=migrated_database.url)
    ran = await asyncio.to_thread(trainees, "projections", "run", "--once", env=env)
    assert "applied 4 events" in ran.stdout
    audit = await rows(migrated_database)
    assert [r["event"] for r in audit] == ["Registered", "SubmittedForTrn"] * 2
    assert [r["trainee_slug"] for r in audit] == [slugs[0], slugs[0], slugs[1], slugs[1]]
    assert {
        (r["source"], r["provider_id"], r["token_id"], r["api_version"], r["request_id"])
        for r in audit
    } == {("api", caller.provider_id, caller.token_id, "v2026.1", "req-audit")}
    assert all(r["occurred_at"] is not None for r in audit)
    status = (await asyncio.to_thread(trainees, "projections", "status", env=env)).stdout
    head = audit[-1]["notification_id"]
    assert re.search(rf"projection=audit_log .*position={head}  head={head}  lag=0", status)
    assert await worker.run(migrated_database.url, mapper, asyncio.Event(), once=True) == 0


async def test_gaps_in_the_notification_log_are_skipped(open_app, migrated_database, mapper):
    await register_trainees(open_app, migrated_database, 1)
    conn = await asyncpg.connect(migrated_database.url)
    await conn.execute(
        "SELECT nextval(pg_get_serial_sequence('traineeregister_events',"
        " 'notification_id')) FROM generate_series(1, 5)"
    )
    await conn.close()
    await register_trainees(open_app, migrated_database, 1)
    applied = await worker.run(migrated_database.url, mapper, asyncio.Event(), once=True, batch=1)
    audit = await rows(migrated_database)
    assert applied == len(audit) == 4
    assert audit[2]["notification_id"] - audit[1]["notification_id"] == 6


async def test_a_second_worker_waits_until_the_first_one_stops(
    open_app, migrated_database, mapper, logs
):
    url = migrated_database.url
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    first = asyncio.create_task(worker.run(url, mapper, stop_first, idle=0.05))
    await until_logged(logs, "projection lock held", 1)
    second = asyncio.create_task(worker.run(url, mapper, stop_second, idle=0.05))
    await until_logged(logs, "projection lock held elsewhere; waiting", 1)
    await register_trainees(open_app, migrated_database, 1)
    await until(lambda: rows(migrated_database), 2)
    stop_first.set()
    assert await first == 2
    await until_logged(logs, "projection lock held", 2)
    await register_trainees(open_app, migrated_database, 1)
    await until(lambda: rows(migrated_database), 4)
    stop_second.set()
    assert await second == 2


async def test_a_caught_up_worker_picks_up_the_events_appended_later(
    open_app, migrated_database, mapper, logs
):
    stop = asyncio.Event()
    following = asyncio.create_task(worker.run(migrated_database.url, mapper, stop, idle=0.1))
    await until_logged(logs, "projection lock held", 1)
    await asyncio.sleep(0.3)  # caught up, polling
    await register_trainees(open_app, migrated_database, 1)
    await until(lambda: rows(migrated_database), 2)
    stop.set()
    assert await following == 2


async def until(read, count):
    deadline = time.monotonic() + 30
    while len(await read()) < count:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


async def until_logged(logs, message, count):
    async def matching():
        return [line for line in logs.lines if f'"message":"{message}"' in line]

    await until(matching, count)


async def test_rebuilding_replays_the_audit_log_from_the_events(
    open_app, migrated_database, mapper
):
    await register_trainees(open_app, migrated_database, 2)
    await worker.run(migrated_database.url, mapper, asyncio.Event(), once=True)
    before = await rows(migrated_database)
    conn = await asyncpg.connect(migrated_database.url)
    await conn.execute("DELETE FROM audit_log WHERE event = 'Registered'")
    await conn.close()
    env = environment(DATABASE_URL=migrated_database.url)
    rebuilt = await asyncio.to_thread(trainees, "projections", "rebuild", env=env)
    assert "audit_log: 4 events" in rebuilt.stdout
    assert await rows(migrated_database) == before
    state = await rows(migrated_database, "SELECT * FROM projection_state WHERE name = 'audit_log'")
    assert state[0]["position"] == before[-1]["notification_id"] and state[0]["rebuilt_at"]
    await register_trainees(open_app, migrated_database, 1)
    assert await worker.run(migrated_database.url, mapper, asyncio.Event(), once=True) == 2


def test_the_worker_process_stops_cleanly_on_sigterm(migrated_database, tmp_path):
    env = environment(DATABASE_URL=migrated_database.url, TRAINEES_WORKER_IDLE="0.1")
    process = Process(env, "projections", "run", output=tmp_path / "worker.log")
    deadline = time.monotonic() + 60
    while "projection lock held" not in process.text():
        assert time.monotonic() < deadline and process.process.poll() is None, process.text()
        time.sleep(0.1)
    assert process.stop(signal.SIGTERM) == 0
    assert "applied 0 events" in process.text()
