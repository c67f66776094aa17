"""Sealing what was stored in plaintext before personal data was sealed (migration 0006): the
events and read-model rows of each trainee, a batch of trainees per transaction, resumable
from the position recorded with each batch, while the service keeps serving."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from projections.rebuild import fold
from projections.trainee_view import COLUMNS
from service.eventstore import EVENTS_TABLE, SealingMapper
from service.keyring import Keyring, load_hash_key, load_keys
from service.sealing import SEALED, event_name, seal_state

Progress = Callable[[int, int], None]

_START = "INSERT INTO personal_data_backfill (id) VALUES (1) ON CONFLICT (id) DO NOTHING;"
_NEXT = (
    "SELECT id FROM trainees WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2 FOR UPDATE"
)
_EVENTS = (
    f"SELECT originator_id, originator_version, topic, state FROM {EVENTS_TABLE}"
    " WHERE originator_id = ANY($1::uuid[]) ORDER BY originator_id, originator_version"
)
_REWRITE = (
    f"UPDATE {EVENTS_TABLE} e SET state = u.state"
    " FROM unnest($1::uuid[], $2::bigint[], $3::bytea[]) AS u(id, version, state)"
    " WHERE e.originator_id = u.id AND e.originator_version = u.version"
)


@dataclass(frozen=True)
class Sealed:
    """What a backfill run did."""

    trainees: int
    events: int
    rows: int
    seconds: float


def _sealed_events(
    mapper: SealingMapper, records: list[asyncpg.Record]
) -> tuple[list[tuple[Any, ...]], list[tuple[UUID, int, bytes]]]:
    """The trainees' events with their personal fields sealed, and those that changed."""
    keyring = mapper.keyring
    assert keyring is not None
    out, changed = [], []
    for trainee_id, version, topic, stored in records:
        state = msgspec.json.decode(stored)
        if SEALED not in state:
            aead = keyring.aead_for_writing(trainee_id, first_event=False)
            if seal_state(event_name(topic), state, aead, trainee_id, version):
                stored = msgspec.json.encode(state)
                changed.append((trainee_id, version, stored))
        out.append((trainee_id, version, topic, stored))
    return out, changed


async def _batch(
    conn: asyncpg.Connection, mapper: SealingMapper, after: UUID | None, size: int, rechain: bool
) -> tuple[UUID | None, int, int, int]:
    """Seal one batch of trainees: (last id, trainees, events rewritten, rows rewritten)."""
    keyring = mapper.keyring
    assert keyring is not None
    ids: list[UUID] = []
    try:
        return await _sealed_batch(conn, mapper, keyring, after, size, rechain, ids)
    except BaseException:
        for trainee_id in ids:  # nothing was stored: neither were the keys made for it
            keyring.forget(trainee_id)
        raise


async def _sealed_batch(
    conn: asyncpg.Connection, mapper: SealingMapper, keyring: Keyring, after: UUID | None,
    size: int, rechain: bool, ids: list[UUID],
) -> tuple[UUID | None, int, int, int]:  # fmt: skip
    async with conn.transaction():
        ids += [r[0] for r in await conn.fetch(_NEXT, after, size)]
        if not ids:
            return None, 0, 0, 0
        await conn.execute(
            "SELECT 1 FROM trainee_keys WHERE trainee_id = ANY($1::uuid[]) FOR UPDATE", ids
        )
        await load_keys(conn, keyring, ids)
        records, changed = _sealed_events(mapper, await conn.fetch(_EVENTS, ids))
        new_keys = keyring.pending(ids)
        if new_keys:
            await conn.executemany(
                "INSERT INTO trainee_keys (trainee_id, wrapped, master_key_id) VALUES ($1, $2, $3)",
                new_keys,
            )
        if changed:
            await conn.execute(_REWRITE, *map(list, zip(*changed, strict=True)))
            if rechain:
                for trainee_id in sorted({c[0] for c in changed}):
                    await conn.execute("SELECT trainees_rechain($1::uuid)", trainee_id)
        plain = {
            r[0]
            for r in await conn.fetch(
                "SELECT id FROM trainees WHERE id = ANY($1::uuid[]) AND sealed IS NULL"
                " AND erased_at IS NULL",
                ids,
            )
        }
        rows = fold(mapper, [r for r in records if r[0] in plain])
        if rows:
            await conn.execute(
                "DELETE FROM trainees WHERE id = ANY($1::uuid[])", [r[0] for r in rows]
            )
            await conn.copy_records_to_table("trainees", records=rows, columns=COLUMNS)
        await conn.execute(
            "UPDATE personal_data_backfill SET position = $1, sealed = sealed + $2 WHERE id = 1",
            ids[-1],
            len(changed),
        )
    keyring.stored(ids)
    return ids[-1], len(ids), len(changed), len(rows)


async def seal_existing(
    dsn: str, mapper: SealingMapper, *, batch: int = 500, progress: Progress = lambda d, t: None
) -> Sealed:
    """Seal every trainee's plaintext events and rows, from where the last run stopped."""
    started = time.perf_counter()
    keyring = mapper.keyring
    assert keyring is not None
    conn = await asyncpg.connect(dsn)
    try:
        await load_hash_key(conn, keyring)
        await conn.execute(_START)
        position = await conn.fetchval("SELECT position FROM personal_data_backfill WHERE id = 1")
        total = int(await conn.fetchval("SELECT count(*) FROM trainees"))
        done = int(
            await conn.fetchval(
                "SELECT count(*) FROM trainees WHERE $1::uuid IS NOT NULL AND id <= $1", position
            )
        )
        rechain = bool(await conn.fetchval("SELECT to_regproc('trainees_rechain') IS NOT NULL"))
        trainees = events = rows = 0
        progress(done, total)
        while True:
            try:
                last, n, e, r = await _batch(conn, mapper, position, batch, rechain)
            except asyncpg.DeadlockDetectedError:  # a writer of the same trainee: try again
                continue
            if last is None:
                break
            position, trainees, events, rows = last, trainees + n, events + e, rows + r
            done += n
            progress(done, max(total, done))
        await conn.execute("UPDATE personal_data_backfill SET finished_at = now() WHERE id = 1")
    finally:
        await conn.close()
    return Sealed(trainees, events, rows, time.perf_counter() - started)
