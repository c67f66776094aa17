"""The append lock: appends share it and nothing else waits for it, the rebuild's switch takes
it alone, and a reader following the events reads up to the settled head."""

from __future__ import annotations

import threading
from typing import Any

import asyncpg
import httpx
import psycopg
import pytest

from service.eventstore import AppendsRunning, settled_head
from tests.bodies import trainee
from tests.cli.test_cli import environment, trainees
from tests.ops.test_outages import (
    hold_lock,
    in_background,
    token_for_session,
    wait_for_a_waiting_request,
)

V = "/api/v2026.1"
EVENTS = "traineeregister_events"


def events(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {EVENTS}").fetchone()[0])  # type: ignore[index]


def create(server: Any, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        server.url + f"{V}/trainees", json={"data": trainee()}, headers=headers, timeout=30
    )


def test_writes_go_on_while_the_events_table_is_vacuumed_or_analyzed(database, serve):
    server, headers = serve(DATABASE_URL=database.url), token_for_session(database.url)
    before = events(database.url)
    # What VACUUM and ANALYZE (by hand or autovacuum's) hold on the table while they run.
    vacuum = hold_lock(database.url, EVENTS, "SHARE UPDATE EXCLUSIVE")
    try:
        answers = [create(server, headers) for _ in range(3)]
        assert [a.status_code for a in answers] == [201] * 3, answers[-1].text
        assert events(database.url) == before + 6  # stored while the vacuum's lock is held
    finally:
        vacuum.close()


def test_an_append_waits_while_the_append_lock_is_taken_alone(database, serve):
    server, headers = serve(DATABASE_URL=database.url), token_for_session(database.url)
    holder = psycopg.connect(database.url)
    try:
        holder.execute("SELECT trainees_stop_appends()")  # as the rebuild's switch does
        waiting = in_background(lambda: create(server, headers))
        wait_for_a_waiting_request(database.url)
        before = events(database.url)
        holder.rollback()
        answer = waiting()
    finally:
        holder.close()
    assert answer.status_code == 201, answer.text
    assert events(database.url) == before + 2  # stored once the lock was free, not before


def test_appends_do_not_wait_for_one_another(database, serve):
    server, headers = serve(DATABASE_URL=database.url), token_for_session(database.url)
    appending = psycopg.connect(database.url)
    try:
        appending.execute("SELECT trainees_lock_appends()")  # another append, still running
        answer = create(server, headers)
        assert answer.status_code == 201, answer.text
    finally:
        appending.close()


def settled(conn: psycopg.Connection, patience: str = "0.2 s") -> Any:
    return conn.execute("SELECT trainees_settled_head(%s::interval)", [patience]).fetchone()[0]  # type: ignore[index]


def test_the_settled_head_stays_below_an_append_that_has_not_committed(migrated_database, serve):
    url = migrated_database.url
    server, headers = serve(DATABASE_URL=url), token_for_session(url)
    assert create(server, headers).status_code == 201
    reader = psycopg.connect(url, autocommit=True)
    late = psycopg.connect(url)  # an append that drew its id and has not committed yet
    try:
        late.execute("SELECT trainees_lock_appends()")
        late.execute(
            f"INSERT INTO {EVENTS} (originator_id, originator_version, topic, state)"
            " VALUES (gen_random_uuid(), 1, 'unfinished', '')"
        )
        assert create(server, headers).status_code == 201  # ids above the late one, committed
        highest = events_max(reader)
        assert settled(reader) is None  # it cannot say: the late append may still commit
        late.rollback()
        assert settled(reader) == highest  # the late one is gone: everything below is known
        # A transaction writing anything else is not waited for.
        other = psycopg.connect(url)
        try:
            other.execute("SELECT pg_current_xact_id()")
            assert settled(reader) == highest
        finally:
            other.close()
    finally:
        late.close()
        reader.close()


def events_max(conn: psycopg.Connection) -> int:
    return int(conn.execute(f"SELECT max(notification_id) FROM {EVENTS}").fetchone()[0])  # type: ignore[index]


def test_the_settled_head_refuses_a_snapshot_that_cannot_see_what_commits(database):
    with psycopg.connect(database.url) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.errors.InvalidTransactionState):
            settled(conn)


def test_a_rebuild_switching_beside_a_writer_midway_through_its_save_ends_with_both_done(
    migrated_database, serve
) -> None:
    url = migrated_database.url
    env = environment(DATABASE_URL=url)
    server, headers = serve(DATABASE_URL=url), token_for_session(url)
    assert create(server, headers).status_code == 201  # events for the rebuild to replay
    # A writer midway through its save: its read-model row written (the lock that takes on
    # the live table), its events not yet.
    writer = psycopg.connect(url)
    writer.execute("SET lock_timeout = '30s'")  # a lock never granted fails the test, not hangs
    writer.execute("LOCK TABLE trainees IN ROW EXCLUSIVE MODE")
    rebuilt: dict[str, Any] = {}
    rebuild = threading.Thread(
        target=lambda: rebuilt.update(done=trainees("projections", "rebuild", env=env, check=False))
    )
    rebuild.start()
    try:
        wait_for_a_waiting_request(url)  # the rebuild is switching: it waits for the writer
        # The writer goes on to what an append takes next: the append lock, the events table.
        writer.execute("SELECT trainees_lock_appends()")
        writer.execute(f"LOCK TABLE {EVENTS} IN ROW EXCLUSIVE MODE")
        writer.commit()  # neither waited for the other: no deadlock, nobody cancelled
    finally:
        writer.close()
        rebuild.join(timeout=120)
    done = rebuilt["done"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "trainees: 2 events into 1 rows" in done.stdout, done.stdout


async def test_a_reader_is_told_when_an_append_runs_past_its_patience(database):
    appending = psycopg.connect(database.url)
    reader = await asyncpg.connect(database.url)
    try:
        appending.execute("SELECT trainees_lock_appends()")
        with pytest.raises(AppendsRunning):
            await settled_head(reader, patience=0.2)
        appending.rollback()
        assert await settled_head(reader, patience=0.2) >= 0
    finally:
        appending.close()
        await reader.close()
