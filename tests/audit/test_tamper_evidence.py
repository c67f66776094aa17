"""Tamper evidence: rows changed, deleted, reordered or inserted directly in PostgreSQL, and
streams removed after a seal, are each found and named; intact streams verify."""

from __future__ import annotations

import asyncio

import asyncpg

from domain.trainee import trainee_uuid
from service.audit.chain import event_hash, verify
from service.audit.seals import seal
from tests.api.lifecycle import V, create
from tests.audit.conftest import Store
from tests.cli.test_cli import environment, trainees
from tests.conftest import sql

A = "/audit/v1"
EVENTS = "traineeregister_events"


async def four_events(store: Store) -> str:
    """A trainee with four events: registered, submitted, and two detail changes."""
    t = await create(store.client, store.provider, last_name="Original")
    for name in ("Second", "Third"):
        got = await store.client.patch(
            f"{V}/trainees/{t['trainee_id']}",
            json={"data": {"last_name": name}},
            headers=store.provider.headers,
        )
        assert got.status_code == 200, got.text
    return str(t["trainee_id"])


async def verified(store: Store, slug: str):  # type: ignore[no-untyped-def]
    conn = await asyncpg.connect(store.database.url)
    try:
        return await verify(conn, trainee_uuid(slug))
    finally:
        await conn.close()


async def take_seal(store: Store) -> None:
    conn = await asyncpg.connect(store.database.url)
    try:
        await seal(conn)
    finally:
        await conn.close()


async def test_an_intact_trainee_verifies_and_its_hashes_are_the_documented_ones(store) -> None:
    slug = await four_events(store)
    result = await verified(store, slug)
    assert result.verified and result.events == 4 and result.head[0] == 4
    rows = await sql(
        store.database,
        f"SELECT originator_id, originator_version, topic, state, hash FROM {EVENTS}"
        " WHERE originator_id = $1 ORDER BY originator_version",
        trainee_uuid(slug),
    )
    prev = None
    for r in rows:  # the chain as docs/audit.md defines it, recomputed outside the database
        prev = event_hash(prev, r[0], r[1], r[2], bytes(r[3]))
        assert prev == bytes(r[4])
    answer = await store.client.get(f"{A}/verify?trainee_id={slug}", headers=store.auditor.headers)
    assert answer.status_code == 200
    assert answer.json()["verified"] is True and answer.json()["broken"] is None
    assert answer.json()["head"] == {"sequence": 4, "hash": prev.hex()}


async def test_a_changed_event_is_named(store) -> None:
    slug = await four_events(store)
    await sql(  # a value stored in clear: the personal ones are sealed
        store.database,
        f"UPDATE {EVENTS} SET state = convert_to(replace(convert_from(state, 'UTF8'),"
        " 'v2026.1', 'v1999.9'), 'UTF8') WHERE originator_id = $1 AND originator_version = 3",
        trainee_uuid(slug),
    )
    result = await verified(store, slug)
    assert not result.verified and result.broken.sequence == 3
    assert "stored bytes" in result.broken.reason
    answer = await store.client.get(f"{A}/verify?trainee_id={slug}", headers=store.auditor.headers)
    assert answer.json()["verified"] is False and answer.json()["broken"]["sequence"] == 3


async def test_an_event_deleted_from_the_middle_is_found(store) -> None:
    slug = await four_events(store)
    await sql(
        store.database,
        f"DELETE FROM {EVENTS} WHERE originator_id = $1 AND originator_version = 2",
        trainee_uuid(slug),
    )
    result = await verified(store, slug)
    assert result.broken.sequence == 3 and "missing" in result.broken.reason


async def test_the_first_event_deleted_is_found(store) -> None:
    slug = await four_events(store)
    await sql(
        store.database,
        f"DELETE FROM {EVENTS} WHERE originator_id = $1 AND originator_version = 1",
        trainee_uuid(slug),
    )
    result = await verified(store, slug)
    assert result.broken.sequence == 2 and "starts at event 2" in result.broken.reason


async def test_an_event_deleted_from_the_end_after_a_seal_is_found(store) -> None:
    slug = await four_events(store)
    await take_seal(store)
    await sql(
        store.database,
        f"DELETE FROM {EVENTS} WHERE originator_id = $1 AND originator_version = 4",
        trainee_uuid(slug),
    )
    result = await verified(store, slug)
    assert result.broken.sequence == 4 and "no longer has" in result.broken.reason


async def test_reordered_events_are_found(store) -> None:
    slug = await four_events(store)
    stream = trainee_uuid(slug)
    await sql(
        store.database,
        f"UPDATE {EVENTS} e SET state = o.state, topic = o.topic, hash = o.hash FROM {EVENTS} o"
        " WHERE e.originator_id = $1 AND o.originator_id = $1 AND"
        " ((e.originator_version = 3 AND o.originator_version = 4) OR"
        "  (e.originator_version = 4 AND o.originator_version = 3))",
        stream,
    )
    result = await verified(store, slug)
    assert result.broken.sequence == 3


async def test_an_inserted_event_is_found(store) -> None:
    slug = await four_events(store)
    stream = trainee_uuid(slug)
    conn = await asyncpg.connect(store.database.url)
    try:
        async with conn.transaction():  # make room at version 3, then insert a forged event
            await conn.execute(
                f"UPDATE {EVENTS} SET originator_version = -originator_version"
                " WHERE originator_id = $1 AND originator_version >= 3",
                stream,
            )
            await conn.execute(
                f"UPDATE {EVENTS} SET originator_version = 1 - originator_version"
                " WHERE originator_id = $1 AND originator_version < 0",
                stream,
            )
            await conn.execute(
                f"INSERT INTO {EVENTS} (originator_id, originator_version, topic, state)"
                f" SELECT originator_id, 3, topic, state FROM {EVENTS}"
                " WHERE originator_id = $1 AND originator_version = 4",
                stream,
            )
    finally:
        await conn.close()
    result = await verified(store, slug)
    assert result.events == 5 and result.broken.sequence == 4


async def test_a_stream_rewritten_and_rechained_after_a_seal_is_found(store) -> None:
    slug = await four_events(store)
    stream = trainee_uuid(slug)
    await take_seal(store)
    await sql(
        store.database,
        f"UPDATE {EVENTS} SET state = convert_to(replace(convert_from(state, 'UTF8'),"
        " 'v2026.1', 'v1999.9'), 'UTF8') WHERE originator_id = $1",
        stream,
    )
    await sql(store.database, "SELECT trainees_rechain($1)", stream)
    result = await verified(store, slug)
    assert result.broken.sequence == 4 and "rewritten after the seal" in result.broken.reason
    await take_seal(store)  # a rewrite made on purpose is acknowledged by sealing again
    again = await verified(store, slug)
    assert again.verified and again.rechained == 1


async def test_a_stream_removed_after_a_seal_is_found(store) -> None:
    slug = await four_events(store)
    await take_seal(store)
    await sql(store.database, f"DELETE FROM {EVENTS} WHERE originator_id = $1", trainee_uuid(slug))
    result = await verified(store, slug)
    assert result.broken is not None and "removed" in result.broken.reason
    answer = await store.client.get(f"{A}/verify?trainee_id={slug}", headers=store.auditor.headers)
    assert answer.status_code == 200 and answer.json()["verified"] is False


async def test_verification_runs_while_a_writer_locks_the_events_table(store) -> None:
    slug = await four_events(store)
    writer = await asyncpg.connect(store.database.url)
    reader = await asyncpg.connect(store.database.url)
    try:
        await reader.execute("SET lock_timeout = '2s'")  # a lock wait would fail, not hang
        async with writer.transaction():
            await writer.execute(f"LOCK TABLE {EVENTS} IN EXCLUSIVE MODE")  # more than appends take
            result = await asyncio.wait_for(verify(reader, trainee_uuid(slug)), 30)
            everything = await asyncio.wait_for(verify(reader), 30)
        assert result.verified and everything.events >= 4
    finally:
        await writer.close()
        await reader.close()


async def test_the_verify_command_exits_1_naming_the_first_broken_event(store) -> None:
    env = environment(DATABASE_URL=store.database.url)
    slug = await four_events(store)
    one = trainees("audit", "verify", slug, env=env)
    assert "verified" in one.stdout and "4 events" in one.stdout
    sealed = trainees("audit", "seal", env=env)
    assert "digest: " in sealed.stdout
    assert sealed.stdout.split("digest: ")[1].strip() in trainees("audit", "seals", env=env).stdout
    await sql(
        store.database,
        f"UPDATE {EVENTS} SET state = state || ' '::bytea"
        " WHERE originator_id = $1 AND originator_version = 2",
        trainee_uuid(slug),
    )
    broken = trainees("audit", "verify", slug, env=env, check=False)
    assert broken.returncode == 1
    assert f"BROKEN: trainee {slug} event 2" in broken.stdout
    whole = trainees("audit", "verify", env=env, check=False)
    assert whole.returncode == 1 and "BROKEN: trainee " in whole.stdout


async def test_the_projection_worker_seals_the_store_after_new_events(store) -> None:
    from projections.worker import run
    from service.eventstore import blind_mapper

    mapper = blind_mapper()
    slug = await four_events(store)
    count = "SELECT count(*) AS n, max(position) AS p FROM audit_seals"
    before = (await sql(store.database, count))[0]
    await run(store.database.url, mapper, asyncio.Event(), once=True, seal_every=3600)
    after = (await sql(store.database, count))[0]
    assert after["n"] == before["n"] + 1
    head = await sql(store.database, f"SELECT max(notification_id) AS p FROM {EVENTS}")
    assert after["p"] == head[0]["p"]
    await run(store.database.url, mapper, asyncio.Event(), once=True, seal_every=3600)
    assert (await sql(store.database, count))[0]["n"] == after["n"]  # nothing new: no seal
    sealed = await sql(
        store.database,
        "SELECT version FROM audit_seal_heads WHERE originator_id = $1 ORDER BY seal_id DESC",
        trainee_uuid(slug),
    )
    assert sealed[0]["version"] == 4


async def test_checking_side_by_side_finds_what_one_connection_finds(store) -> None:
    from service.audit.chain import verify_store

    slug = await four_events(store)
    await sql(
        store.database,
        f"UPDATE {EVENTS} SET state = state || ' '::bytea"
        " WHERE originator_id = $1 AND originator_version = 1",
        trainee_uuid(slug),
    )
    alone = await verify_store(store.database.url, workers=1)
    together = await verify_store(store.database.url, workers=3)
    assert (alone.events, alone.streams, alone.broken) == (
        together.events,
        together.streams,
        together.broken,
    )
    assert alone.events > 4 and alone.broken is not None
