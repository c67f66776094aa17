"""Migration 0007 chains the events stored before it, and can run again."""

from __future__ import annotations

import secrets
import uuid

import asyncpg

from service.audit.chain import event_hash, verify
from service.database import Database
from service.schema import available

EVENTS = "traineeregister_events"


async def test_events_stored_before_the_migration_are_chained_by_it(database: Database) -> None:
    name = f"trainees_chain_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(database.url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    conn = await asyncpg.connect(database.with_dbname(name).url)
    try:
        for version, _, sql in available():
            if version < 7:
                await conn.execute(sql)
        await conn.execute(  # the events table as the event store made it before 0007
            f"CREATE TABLE {EVENTS} (originator_id uuid NOT NULL, originator_version bigint"
            " NOT NULL, topic text, state bytea, notification_id bigserial,"
            " PRIMARY KEY (originator_id, originator_version))"
        )
        streams = [uuid.uuid4() for _ in range(3)]
        rows = [
            (s, v, f"trainees.trainee:E{v}", f'{{"n":{v},"s":"{s}"}}'.encode())
            for s in streams
            for v in (1, 2, 3)
        ]
        await conn.executemany(f"INSERT INTO {EVENTS} VALUES ($1, $2, $3, $4)", rows)
        (_, _, audit_sql) = next(m for m in available() if m[0] == 7)
        await conn.execute(audit_sql)
        stored = await conn.fetch(
            f"SELECT originator_id, originator_version, topic, state, hash FROM {EVENTS}"
            " ORDER BY originator_id, originator_version"
        )
        prev = None
        for r in stored:
            prev = event_hash(prev if r[1] > 1 else None, r[0], r[1], r[2], bytes(r[3]))
            assert bytes(r[4]) == prev
        result = await verify(conn)
        assert result.verified and result.events == 9 and result.streams == 3
        await conn.execute(audit_sql)  # again: nothing changes
        assert (await verify(conn)).verified
        await conn.execute(
            f"INSERT INTO {EVENTS} VALUES ($1, 4, 'trainees.trainee:E4', '{{}}')", streams[0]
        )
        assert (await verify(conn)).verified  # appended after: chained by the trigger
    finally:
        await conn.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_a_seal_whose_recorded_heads_were_changed_is_found(database: Database) -> None:
    from service.audit.seals import seal
    from service.schema import migrate

    name = f"trainees_seal_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(database.url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await migrate(database.with_dbname(name).url)
    conn = await asyncpg.connect(database.with_dbname(name).url)
    try:
        stream = uuid.uuid4()
        await conn.executemany(
            f"INSERT INTO {EVENTS} (originator_id, originator_version, topic, state)"
            " VALUES ($1, $2, 't', '{}')",
            [(stream, 1), (stream, 2)],
        )
        first = await seal(conn)
        await conn.execute(f"INSERT INTO {EVENTS} VALUES ($1, 3, 't', '{{}}')", stream)
        second = await seal(conn)
        assert first and second and second.streams == 1 and second.events == 3
        assert (await verify(conn)).verified
        # someone re-points the first seal at a rewritten head: the digest chain no longer holds
        await conn.execute(
            "UPDATE audit_seal_heads SET hash = sha256(hash) WHERE seal_id = $1", first.id
        )
        broken = (await verify(conn)).broken
        assert broken is not None and f"seal {first.id}: its digest differs" in broken.reason
    finally:
        await conn.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
