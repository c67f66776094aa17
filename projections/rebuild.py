"""Rebuild the trainee read model from the event store into a fresh table, then switch to it."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.persistence import Mapper, StoredEvent

from projections import audit_log
from projections.trainee_view import COLUMNS, row_aad, trainee_row
from service.keyring import Keyring, load_hash_key, load_keys, open_sealed

EVENTS = "traineeregister_events"
LIVE, FRESH, OLD = "trainees", "trainees_rebuild", "trainees_replaced"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild did."""

    events: int
    trainees: int
    seconds: float
    position: int
    differences: int | None
    switched: bool
    audit_events: int | None = None  # the audit_log's rows, rebuilt from the same decoding


class Folder:
    """Folds events sorted by (aggregate, version) into read-model rows, one per aggregate,
    carrying the aggregate in progress from one batch to the next. With `audit`, records of
    (originator_id, originator_version, topic, state, notification_id) also give each
    event's audit-log row from the same decoding (taken with `audit_rows`)."""

    def __init__(self, mapper: Mapper[UUID], audit: bool = False) -> None:
        self.mapper = mapper
        self.keyring = keyring_of(mapper)
        self.aggregate: Any = None
        self.current: Any = None
        self.audit: list[tuple[Any, ...]] | None = [] if audit else None

    def feed(self, records: Iterable[Any]) -> list[tuple[Any, ...]]:
        """The rows of the aggregates these events complete."""
        done = []
        to_domain_event = self.mapper.to_domain_event
        for record in records:
            if record[0] != self.current:
                if self.aggregate is not None:
                    done.append(trainee_row(self.aggregate, self.keyring))
                self.aggregate, self.current = None, record[0]
            event = to_domain_event(StoredEvent(record[0], record[1], record[2], bytes(record[3])))
            self.aggregate = event.mutate(self.aggregate)  # type: ignore[attr-defined]
            if self.audit is not None:  # the slug is the Registered event's, as the worker's
                self.audit.append(audit_log.audit_row(record[4], event, self.aggregate.slug))
        return done

    def audit_rows(self) -> list[tuple[Any, ...]]:
        """The audit-log rows of the events fed since the last call."""
        rows, self.audit = self.audit or [], [] if self.audit is not None else None
        return rows

    def finish(self) -> list[tuple[Any, ...]]:
        """The row of the last aggregate."""
        last = [trainee_row(self.aggregate, self.keyring)] if self.aggregate is not None else []
        self.aggregate = self.current = None
        return last


def fold(mapper: Mapper[UUID], records: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Read-model rows from events sorted by (aggregate, version): one row per aggregate."""
    folder = Folder(mapper)
    return folder.feed(records) + folder.finish()


_counter: Any = None  # events replayed, shared by the replay processes


def _count(n: int) -> None:
    if _counter is not None:
        with _counter.get_lock():
            _counter.value += n


def _share_counter(counter: Any) -> None:
    global _counter
    _counter = counter


def ranges(parts: int) -> list[tuple[UUID | None, UUID | None]]:
    """The aggregate-id space cut into equal ranges, one per replay process."""
    cuts = [UUID(int=(i << 128) // parts) for i in range(1, parts)]
    return list(zip([None, *cuts], [*cuts, None], strict=True))


async def _replay_range(
    dsn: str, mapper: Mapper[UUID], high: int, bounds: tuple[UUID | None, UUID | None],
    batch_size: int, audit: bool = False,
) -> int:  # fmt: skip
    """Replay the events up to `high` of the aggregates in one id range, in batches: while one
    batch of rows is copied into the fresh table (on a second connection), the next is folded;
    with `audit`, each event's audit-log row goes into the audit log's fresh table too."""
    low, top = bounds
    where = "notification_id <= $1 AND ($2::uuid IS NULL OR originator_id >= $2)"
    where += " AND ($3::uuid IS NULL OR originator_id < $3)"
    done = 0
    folder = Folder(mapper, audit)
    reader, writer = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    copying: asyncio.Task[int] | None = None
    try:
        async with reader.transaction(isolation="repeatable_read", readonly=True):
            cursor = await reader.cursor(
                f"SELECT originator_id, originator_version, topic, state, notification_id"
                f" FROM {EVENTS} WHERE {where} ORDER BY originator_id, originator_version",
                high, low, top,
            )  # fmt: skip
            while records := await cursor.fetch(batch_size):
                await load_keys(reader, folder.keyring, (r[0] for r in records))
                rows = folder.feed(records)
                done += len(records)
                _count(len(records))
                if copying is not None:
                    await copying
                copying = asyncio.create_task(_copy(writer, rows, folder.audit_rows()))
        if copying is not None:
            await copying
        await _copy(writer, folder.finish(), folder.audit_rows())
    finally:
        await reader.close()
        await writer.close()
    return done


def _replay_range_in_process(*args: Any) -> int:
    return asyncio.run(_replay_range(*args))


async def _replay_all(
    dsn: str, mapper: Mapper[UUID], high: int, total: int, batch_size: int,
    progress: Progress, workers: int, audit: bool,
) -> int:  # fmt: skip
    """Replay events up to `high` into the fresh table with `workers` processes, each taking
    one range of aggregate ids (the events of an aggregate never cross ranges)."""
    context = multiprocessing.get_context("spawn")
    counter = context.Value("q", 0)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_share_counter,
                             initargs=(counter,)) as pool:  # fmt: skip
        futures = [
            asyncio.wrap_future(
                pool.submit(_replay_range_in_process, dsn, mapper, high, bounds, batch_size, audit)
            )
            for bounds in ranges(workers)
        ]
        pending = set(futures)
        while pending:
            _, pending = await asyncio.wait(pending, timeout=0.5)
            progress(counter.value, total)
        return sum(f.result() for f in futures)


async def _copy(conn: asyncpg.Connection, rows: list[Any], audit: list[Any] = []) -> int:  # noqa: B006
    if rows:
        await conn.copy_records_to_table(FRESH, records=rows, columns=COLUMNS)
    if audit:
        await conn.copy_records_to_table(audit_log.FRESH, records=audit, columns=audit_log.COLUMNS)
    return len(rows)


async def _catch_up(conn: asyncpg.Connection, mapper: Mapper[UUID], after: int) -> int:
    """Re-fold the aggregates that gained events after `after`; returns the new position."""
    high = await conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS}")
    if high <= after:
        return int(after)
    rows = await conn.fetch(
        f"SELECT originator_id, originator_version, topic, state FROM {EVENTS} WHERE originator_id"
        f" IN (SELECT originator_id FROM {EVENTS} WHERE notification_id > $1 AND"
        " notification_id <= $2) ORDER BY originator_id, originator_version",
        after,
        high,
    )
    await load_keys(conn, keyring_of(mapper), (r[0] for r in rows))
    fresh = fold(mapper, rows)
    ids = [r[0] for r in fresh]
    await conn.execute(f"DELETE FROM {FRESH} WHERE id = ANY($1::uuid[])", ids)
    await _copy(conn, fresh)
    return int(high)


_COMPARED = ", ".join(c if c != "sealed" else "sealed IS NULL" for c in COLUMNS[:-1])
DIFFERENCES = f"""
SELECT count(*) FROM (
  (SELECT {_COMPARED}, doc::text FROM {LIVE}
   EXCEPT SELECT {_COMPARED}, doc::text FROM {FRESH})
  UNION ALL
  (SELECT {_COMPARED}, doc::text FROM {FRESH}
   EXCEPT SELECT {_COMPARED}, doc::text FROM {LIVE})
) d
"""
_SEALED_PAIRS = f"""
SELECT l.id, l.sealed, f.sealed, k.wrapped, k.master_key_id FROM {LIVE} l
JOIN {FRESH} f ON f.id = l.id JOIN trainee_keys k ON k.trainee_id = l.id
WHERE l.sealed IS NOT NULL AND f.sealed IS NOT NULL
"""


def keyring_of(mapper: Mapper[UUID]) -> Keyring:
    """The keyring of the rebuild's mapper (rows are sealed with the trainees' keys)."""
    keyring = getattr(mapper, "keyring", None)
    if not isinstance(keyring, Keyring):
        raise TypeError("a rebuild needs a mapper with a keyring")
    return keyring


async def _differences(conn: asyncpg.Connection, keyring: Keyring) -> int:
    """Rows that differ between the live and the rebuilt model; sealed members are compared
    opened (each sealing draws a fresh nonce)."""
    count = int(await conn.fetchval(DIFFERENCES))
    for trainee_id, live, fresh, wrapped, master_id in await conn.fetch(_SEALED_PAIRS):
        aead = keyring.opened(trainee_id, wrapped, master_id)
        if aead is None:
            continue
        aad = row_aad(trainee_id)
        if open_sealed(aead, live, aad) != open_sealed(aead, fresh, aad):
            count += 1
    return count


async def _audit_catch_up(conn: asyncpg.Connection, mapper: Mapper[UUID], after: int) -> int:
    """Append the audit rows of the events after `after` to the fresh audit log: its position."""
    applied = 1
    while applied:
        after, applied = await audit_log.apply_batch(conn, mapper, audit_log.FRESH, after, 5000)
    return after


async def _switch_audit_log(conn: asyncpg.Connection, position: int) -> None:
    """Swap the fresh audit log in (the worker waits on its tracking row until the commit)."""
    await conn.execute(f"ALTER TABLE {audit_log.TABLE} RENAME TO {audit_log.OLD}")
    await conn.execute(f"ALTER TABLE {audit_log.FRESH} RENAME TO {audit_log.TABLE}")
    await conn.execute(f"DROP TABLE {audit_log.OLD}")
    await conn.execute(audit_log.TRACK, audit_log.NAME, position, datetime.now(UTC))


async def rebuild(
    dsn: str,
    mapper: Mapper[UUID],
    *,
    verify: bool = False,
    batch_size: int = 5000,
    workers: int = 2,
    progress: Progress = lambda done, total: None,
) -> RebuildReport:
    """Replay every event into a fresh table; switch reads to it unless only verifying. When
    switching, the audit log is rebuilt from the same replay (each event decoded once) and
    swapped in with it."""
    started = time.perf_counter()
    audit = not verify
    conn = await asyncpg.connect(dsn)
    try:
        await load_hash_key(conn, keyring_of(mapper))  # before the mapper goes to the workers
        fresh = [FRESH, audit_log.FRESH] if audit else [FRESH]
        for table, like in zip(fresh, [LIVE, audit_log.TABLE], strict=False):
            await conn.execute(f"DROP TABLE IF EXISTS {table}")
            await conn.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING ALL)")
        high = await conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS}")
        total = await conn.fetchval(
            f"SELECT count(*) FROM {EVENTS} WHERE notification_id <= $1", high
        )
        events = await _replay_all(dsn, mapper, high, total, batch_size, progress, workers, audit)
        position = await _catch_up(conn, mapper, high)
        differences = audit_rows = None
        if verify:
            # One snapshot of the events and of the live rows, which are committed in the same
            # transactions as their events: they agree with each other, and no writer waits.
            async with conn.transaction(isolation="repeatable_read"):
                position = await _catch_up(conn, mapper, position)
                differences = await _differences(conn, keyring_of(mapper))
            await conn.execute(f"DROP TABLE IF EXISTS {FRESH}")
        else:
            audited = await _audit_catch_up(conn, mapper, high)
            async with conn.transaction():
                # Writers take this lock to append events, so nothing is written while we switch.
                await conn.execute(f"LOCK TABLE {EVENTS} IN EXCLUSIVE MODE")
                position = await _catch_up(conn, mapper, position)
                await conn.execute(f"ALTER TABLE {LIVE} RENAME TO {OLD}")
                await conn.execute(f"ALTER TABLE {FRESH} RENAME TO {LIVE}")
                await conn.execute(f"DROP TABLE {OLD}")
                await conn.execute(
                    "INSERT INTO projection_state (name, position, rebuilt_at)"
                    " VALUES ($1, $2, now())"
                    " ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position,"
                    " rebuilt_at = EXCLUDED.rebuilt_at",
                    LIVE,
                    position,
                )
                await conn.fetchval(audit_log.TRACKED, audit_log.NAME)  # the worker waits
                audited = await _audit_catch_up(conn, mapper, audited)
                await _switch_audit_log(conn, audited)
            audit_rows = await conn.fetchval(f"SELECT count(*) FROM {audit_log.TABLE}")
        count = await conn.fetchval(f"SELECT count(*) FROM {LIVE}")
    finally:
        await conn.close()
    return RebuildReport(
        events=events,
        trainees=count,
        seconds=time.perf_counter() - started,
        position=position,
        differences=differences,
        switched=not verify,
        audit_events=audit_rows,
    )


async def has_events_table(dsn: str) -> bool:
    """Whether the event store's table exists yet."""
    conn = await asyncpg.connect(dsn)
    try:
        return bool(await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", EVENTS))
    finally:
        await conn.close()


async def status(dsn: str) -> list[dict[str, Any]]:
    """Each projection's position, the store's head position, and the lag between them."""
    conn = await asyncpg.connect(dsn)
    try:
        head = await conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS}")
        rows = await conn.fetchval(f"SELECT count(*) FROM {LIVE}")
        state = await conn.fetchrow(
            "SELECT position, rebuilt_at FROM projection_state WHERE name = $1", LIVE
        )
        from projections import audit_log

        audit = await audit_log.status(conn, head)
    finally:
        await conn.close()
    return [
        {
            "projection": LIVE,
            "mode": "inline (written with the events)",
            "position": head,
            "head": head,
            "lag": 0,
            "rows": rows,
            "last_rebuild_position": state["position"] if state else None,
            "last_rebuilt_at": state["rebuilt_at"].isoformat()
            if state and state["rebuilt_at"]
            else None,
        },
        audit,
    ]
