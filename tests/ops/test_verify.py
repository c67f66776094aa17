"""`trainees projections rebuild --verify` against a consistent snapshot, writers never waiting."""

from __future__ import annotations

import asyncio
import threading

import httpx

from service.eventstore import open_register
from tests.bodies import trainee
from tests.cli.test_cli import environment
from tests.conftest import new_provider
from tests.ops.conftest import Process
from tests.ops.test_outages import hold_lock

V = "/api/v2026.1"


def verify(env: dict[str, str], tmp_path, name: str) -> Process:
    return Process(env, "projections", "rebuild", "--verify", output=tmp_path / f"{name}.log")


def test_writes_carry_on_throughout_a_verify_which_finds_no_difference(
    migrated_database, serve, tmp_path
):
    headers = asyncio.run(new_provider(migrated_database)).headers
    env = environment(DATABASE_URL=migrated_database.url)
    server = serve(DATABASE_URL=migrated_database.url, TRAINEES_RATE_LIMIT="1000000")
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as http:
        for _ in range(40):
            assert http.post(f"{V}/trainees", json={"data": trainee()}).status_code == 201
        statuses: list[int] = []
        stop = threading.Event()

        def write() -> None:
            while not stop.is_set():
                statuses.append(http.post(f"{V}/trainees", json={"data": trainee()}).status_code)

        writer = threading.Thread(target=write)
        writer.start()
        try:
            checking = verify(env, tmp_path, "verify")
            assert checking.process.wait(timeout=120) == 0, checking.text()
        finally:
            stop.set()
            writer.join(timeout=60)
    assert "verify: 0 rows differ" in checking.text()
    assert statuses and set(statuses) == {201}, statuses


def test_a_verify_needs_no_lock_a_writer_holds(migrated_database, tmp_path):
    env = environment(DATABASE_URL=migrated_database.url)
    open_register(migrated_database, 1).close()  # creates the events table
    appending = hold_lock(migrated_database.url, "traineeregister_events", "EXCLUSIVE")
    try:  # what a writer holds while it appends: the old verify waited for it to be released
        checking = verify(env, tmp_path, "verify")
        assert checking.process.wait(timeout=120) == 0, checking.text()
    finally:
        appending.close()
    assert "verify: 0 rows differ" in checking.text()
