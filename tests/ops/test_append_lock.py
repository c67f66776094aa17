"""The lock appends take: it orders them, and nothing else waits for it or makes them wait."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import psycopg

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


def test_an_append_waits_for_whoever_holds_the_append_lock(database, serve):
    server, headers = serve(DATABASE_URL=database.url), token_for_session(database.url)
    holder = psycopg.connect(database.url)
    try:
        holder.execute("SELECT trainees_lock_appends()")  # held until this transaction ends
        waiting = in_background(lambda: create(server, headers))
        wait_for_a_waiting_request(database.url)
        before = events(database.url)
        holder.rollback()
        answer = waiting()
    finally:
        holder.close()
    assert answer.status_code == 201, answer.text
    assert events(database.url) == before + 2  # stored once the lock was free, not before


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
