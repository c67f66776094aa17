"""Rebuild the trainee read model from the event store into a fresh table, then switch to it."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import threading
import time
import typing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent

from domain.trainee import Trainee
from projections import audit_log
from projections.trainee_view import COLUMNS, SEALED_AT, plain_row, row_aad, trainee_row
from service.eventstore import settled_head
from service.keyring import Keyring, KeyUnavailable, load_hash_key, load_keys, open_sealed

EVENTS = "traineeregister_events"
LIVE, FRESH, OLD = "trainees", "trainees_rebuild", "trainees_replaced"
STOP_APPENDS = "SELECT trainees_stop_appends()"  # every append waits until we commit
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
    """Folds events sorted by (aggregate, version) into aggregates, carrying the one in
    progress from one batch to the next. With `audit`, records of (originator_id,
    originator_version, topic, state, notification_id) also give each event's audit-log row
    from the same decoding (taken with `audit_rows`)."""

    def __init__(self, mapper: Mapper[UUID], audit: bool = False) -> None:
        self.mapper = mapper
        self.keyring = keyring_of(mapper)
        self.aggregate: Any = None
        self.current: Any = None
        self.audit: list[tuple[Any, ...]] | None = [] if audit else None

    def feed(self, records: Iterable[Any]) -> list[Trainee]:
        """The aggregates these events complete (their keys known to the keyring)."""
        done = []
        to_domain_event = self.mapper.to_domain_event
        audit = self.audit
        aggregate, current = self.aggregate, self.current
        for record in records:
            if record[0] != current:
                if aggregate is not None:
                    done.append(aggregate)
                aggregate, current = None, record[0]
            event = to_domain_event(StoredEvent(record[0], record[1], record[2], bytes(record[3])))
            aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
            if audit is not None:  # the slug is the Registered event's, as the worker's
                audit.append(audit_log.audit_row(record[4], event, aggregate.slug))
        self.aggregate, self.current = aggregate, current
        return done

    def audit_rows(self) -> list[tuple[Any, ...]]:
        """The audit-log rows of the events fed since the last call."""
        rows, self.audit = self.audit or [], [] if self.audit is not None else None
        return rows

    def finish(self) -> list[Trainee]:
        """The last aggregate."""
        last = [self.aggregate] if self.aggregate is not None else []
        self.aggregate = self.current = None
        return last


def fold(mapper: Mapper[UUID], records: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Read-model rows from events sorted by (aggregate, version): one row per aggregate."""
    folder = Folder(mapper)
    keyring = folder.keyring
    return [trainee_row(t, keyring) for t in folder.feed(records) + folder.finish()]


_counter: Any = None  # events replayed, shared by the replay processes


def _count(n: int) -> None:
    if _counter is not None:
        with _counter.get_lock():
            _counter.value += n


def _start_process(counter: Any) -> None:
    global _counter
    _counter = counter
    gc.freeze()  # what the process was forked with is never garbage: collections skip it
    # A replay makes almost no reference cycles (about a hundred objects in 200,000 events),
    # yet the collections its allocations set off took a tenth of its CPU: far fewer of them
    gc.set_threshold(*_REPLAY_GC)


_REPLAY_GC = (100_000, 50, 100)  # allocations between young collections, then as usual


def ranges(parts: int) -> list[tuple[UUID | None, UUID | None]]:
    """The aggregate-id space cut into equal ranges, one per replay process."""
    cuts = [UUID(int=(i << 128) // parts) for i in range(1, parts)]
    return list(zip([None, *cuts], [*cuts, None], strict=True))


_IN_RANGE = "($1::uuid IS NULL OR {id} >= $1) AND ($2::uuid IS NULL OR {id} < $2)"
_EVENTS_IN_RANGE = (
    f"SELECT originator_id, originator_version, topic, state, notification_id FROM {EVENTS}"
    f" WHERE {_IN_RANGE.format(id='originator_id')} AND notification_id <= $3"
    " ORDER BY originator_id, originator_version"
)
_LIVE_IN_RANGE = f"SELECT {', '.join(COLUMNS)} FROM {LIVE} WHERE {_IN_RANGE.format(id='id')}"


@dataclass
class Replayed:
    """What one replay process did: events read, rows made, rows differing from the live."""

    events: int = 0
    rows: int = 0
    differences: int = 0


class Copier:
    """Copies each batch's rows into the fresh table (and, with `audit`, their events' rows
    into the audit log's) on a connection of its own, while the next batch is folded."""

    def __init__(self, conn: asyncpg.Connection, keyring: Keyring) -> None:
        self.conn, self.keyring = conn, keyring
        self.copying: asyncio.Task[int] | None = None

    def expect(self, upto: UUID) -> None:
        """Nothing to prepare: the rows are new."""

    async def take(self, trainees: list[Trainee], audit: list[Any], upto: UUID | None) -> int:
        """Start copying these trainees' rows; the differences found (none: nothing to
        compare)."""
        rows = [trainee_row(t, self.keyring) for t in trainees]
        await self.close()
        self.copying = asyncio.create_task(_copy(self.conn, rows, audit))
        return 0

    async def close(self) -> None:
        """Wait for the copy under way."""
        if self.copying is not None:
            await self.copying
            self.copying = None


class Comparison:
    """Compares rebuilt rows with the live ones of the same id range, batch by batch, reading
    the live rows (on a connection of its own, in the replay's snapshot) while the batch is
    folded: a live row missing, one too many, or a column differing counts once. Sealed
    members are compared opened (each sealing draws a fresh nonce), uuid columns as uuids."""

    def __init__(self, conn: asyncpg.Connection, keyring: Keyring, low: UUID | None) -> None:
        self.conn, self.keyring = conn, keyring
        self.compared = low  # the live rows before this id are compared
        self.reading: asyncio.Future[list[Any]] | None = None
        self.statement: Any = None
        self.uuids: list[int] = []

    def expect(self, upto: UUID | None) -> None:
        """Start reading the live rows from the last compared up to `upto` (excluded)."""
        self.reading = asyncio.ensure_future(self._read(self.compared, upto))

    async def _read(self, low: UUID | None, top: UUID | None) -> list[Any]:
        if self.statement is None:
            self.statement = await self.conn.prepare(_LIVE_IN_RANGE)
            kinds = self.statement.get_attributes()
            self.uuids = [i for i, a in enumerate(kinds) if a.type.name == "uuid"]
        rows: list[Any] = await self.statement.fetch(low, top)
        return rows

    async def take(self, trainees: list[Trainee], audit: list[Any], upto: UUID | None) -> int:
        """How many of these trainees' rows, and of the live rows expected, differ; the live
        rows up to `upto` are then compared."""
        if self.reading is None:  # the last batch: nothing carried
            self.expect(upto)
        live = {r[0]: r for r in await typing.cast(asyncio.Future[list[Any]], self.reading)}
        self.compared, self.reading = upto, None
        count = 0
        for trainee in trainees:
            row, aead = plain_row(trainee, self.keyring)
            found = live.pop(trainee.id, None)
            if found is None or not self._same(found, row, aead):
                count += 1
        return count + len(live)

    def _same(self, live: Any, row: tuple[Any, ...], aead: AESGCM | None) -> bool:
        values = list(row)
        for i in self.uuids:
            if isinstance(values[i], str):
                values[i] = UUID(values[i])
        members, values[SEALED_AT] = values[SEALED_AT], None
        stored = list(live)
        sealed, stored[SEALED_AT] = stored[SEALED_AT], None
        if values != stored or (sealed is None) != (members is None):
            return False
        if sealed is None or aead is None:
            return sealed is None
        try:
            return bool(open_sealed(aead, sealed, row_aad(row[0])) == members)
        except KeyUnavailable:  # sealed with another key, or for another row
            return False

    async def close(self) -> None:
        """Nothing under way once the last batch is taken."""


async def _replay_range(
    dsn: str, mapper: Mapper[UUID], high: int, bounds: tuple[UUID | None, UUID | None],
    batch_size: int, audit: bool = False, snapshot: str | None = None,
) -> Replayed:  # fmt: skip
    """Replay the events up to `high` of the aggregates in one id range, in batches, the next
    batch read while one is folded. Without `snapshot`, the rows go into the fresh table and,
    with `audit`, each event's audit-log row into the audit log's fresh table; with the
    `snapshot` of a verify, the rows are compared with the live ones in that snapshot."""
    low, top = bounds
    done = Replayed()
    folder = Folder(mapper, audit)
    keyring = folder.keyring
    reader, other = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    sink: Copier | Comparison = Copier(other, keyring)
    try:
        async with AsyncExitStack() as transactions:
            for conn in [reader] if snapshot is None else [reader, other]:
                await transactions.enter_async_context(
                    conn.transaction(isolation="repeatable_read", readonly=True)
                )
                if snapshot is not None:
                    await conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            if snapshot is not None:
                sink = Comparison(other, keyring, low)
            cursor = await reader.cursor(_EVENTS_IN_RANGE, low, top, high)
            records = await cursor.fetch(batch_size)
            while records:
                # the keys of this batch's trainees and of the one carried into it, no other
                carried = [] if folder.current is None else [folder.current]
                await load_keys(reader, keyring, [*carried, *(r[0] for r in records)], only=True)
                fetching = asyncio.ensure_future(cursor.fetch(batch_size))
                sink.expect(records[-1][0])  # the last aggregate is carried into the next batch
                await asyncio.sleep(0)  # the reads are sent before the batch is folded
                trainees = folder.feed(records)
                done.events += len(records)
                done.rows += len(trainees)
                _count(len(records))
                done.differences += await sink.take(trainees, folder.audit_rows(), folder.current)
                records = await fetching
            last = folder.finish()
            done.rows += len(last)
            done.differences += await sink.take(last, folder.audit_rows(), top)
            await sink.close()
    finally:
        await reader.close()
        await other.close()
    return done


def _replay_range_in_process(*args: Any) -> Replayed:
    return asyncio.run(_replay_range(*args))


async def _replay_all(
    dsn: str, mapper: Mapper[UUID], high: int, total: int, batch_size: int,
    progress: Progress, workers: int, audit: bool, snapshot: str | None = None,
) -> Replayed:  # fmt: skip
    """Replay events up to `high` with `workers` processes, each taking one range of aggregate
    ids (the events of an aggregate never cross ranges). The processes are forked, so that they
    start with every module loaded instead of importing them again (a second of CPU each),
    unless other threads run here (a fork copies none of them, nor what they were doing)."""
    alone = threading.active_count() == 1
    context = multiprocessing.get_context("fork" if alone else "spawn")
    counter = context.Value("q", 0)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_process,
                             initargs=(counter,)) as pool:  # fmt: skip
        args = (dsn, mapper, high)
        futures = [
            asyncio.wrap_future(
                pool.submit(_replay_range_in_process, *args, bounds, batch_size, audit, snapshot)
            )
            for bounds in ranges(workers)
        ]
        pending = set(futures)
        while pending:
            _, pending = await asyncio.wait(pending, timeout=0.5)
            progress(counter.value, total)
        results = [f.result() for f in futures]
    return Replayed(
        events=sum(r.events for r in results),
        rows=sum(r.rows for r in results),
        differences=sum(r.differences for r in results),
    )


async def _copy(conn: asyncpg.Connection, rows: list[Any], audit: list[Any] = []) -> int:  # noqa: B006
    if rows:
        await conn.copy_records_to_table(FRESH, records=rows, columns=COLUMNS)
    if audit:
        await conn.copy_records_to_table(audit_log.FRESH, records=audit, columns=audit_log.COLUMNS)
    return len(rows)


async def _catch_up(conn: asyncpg.Connection, mapper: Mapper[UUID], after: int) -> int:
    """Re-fold the aggregates that gained events after `after`; returns the new position."""
    high = await settled_head(conn)
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


_OPTIONS = "SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = $1::regclass"
_INDEXES = """
SELECT 'ALTER TABLE ' || $1 || ' ADD CONSTRAINT ' || quote_ident(conname) || ' '
       || pg_get_constraintdef(oid), 'ALTER TABLE ' || $1 || ' DROP CONSTRAINT '
       || quote_ident(conname)
  FROM pg_constraint WHERE conrelid = $1::regclass AND conindid <> 0
UNION ALL
SELECT pg_get_indexdef(indexrelid), 'DROP INDEX ' || indexrelid::regclass::text
  FROM pg_index WHERE indrelid = $1::regclass
   AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = $1::regclass)
"""


async def _fresh_table(conn: asyncpg.Connection, table: str, like: str) -> list[str]:
    """A new table like `like`, with its storage parameters (LIKE leaves them out) but without
    its indexes yet: the statements that make them (a bulk load builds each index once at the
    end, instead of entry by entry)."""
    await conn.execute(f"DROP TABLE IF EXISTS {table}")
    options = await conn.fetchval(_OPTIONS, like)
    storage = f" WITH ({options})" if options else ""
    await conn.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING ALL){storage}")
    indexes = await conn.fetch(_INDEXES, table)
    for _, drop in indexes:
        await conn.execute(drop)
    return [make for make, _ in indexes]


async def _build_indexes(dsn: str, statements: list[list[str]]) -> None:
    """Make the fresh tables' indexes, a table per connection, side by side."""

    async def build(made: list[str]) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            for statement in made:
                await conn.execute(statement)
        finally:
            await conn.close()

    await asyncio.gather(*(build(made) for made in statements))


def keyring_of(mapper: Mapper[UUID]) -> Keyring:
    """The keyring of the rebuild's mapper (rows are sealed with the trainees' keys)."""
    keyring = getattr(mapper, "keyring", None)
    if not isinstance(keyring, Keyring):
        raise TypeError("a rebuild needs a mapper with a keyring")
    return keyring


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
    batch_size: int,
    workers: int = 2,
    progress: Progress = lambda done, total: None,
) -> RebuildReport:
    """Replay every event into a fresh table; switch reads to it unless only verifying. When
    switching, the audit log is rebuilt from the same replay (each event decoded once) and
    swapped in with it. A verify compares the replayed rows with the live ones instead."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        await load_hash_key(conn, keyring_of(mapper))  # before the mapper goes to the workers
        if verify:
            return await _verify(conn, dsn, mapper, batch_size, workers, progress, started)
        indexes = [await _fresh_table(conn, FRESH, LIVE)]
        indexes.append(await _fresh_table(conn, audit_log.FRESH, audit_log.TABLE))
        high = await settled_head(conn, patience=60)  # the replay's snapshots see all below
        total = await conn.fetchval(
            f"SELECT count(*) FROM {EVENTS} WHERE notification_id <= $1", high
        )
        replayed = await _replay_all(dsn, mapper, high, total, batch_size, progress, workers,
                                     audit=True)  # fmt: skip
        await _build_indexes(dsn, indexes)
        position = await _catch_up(conn, mapper, high)
        audited = await _audit_catch_up(conn, mapper, high)
        async with conn.transaction():
            # Nothing is written while we switch: the live table first, as a writer takes it
            # before the append lock (the other way round, a writer between the two would
            # wait for us while we waited for it), then the append lock, alone.
            await conn.execute(f"LOCK TABLE {LIVE} IN ACCESS EXCLUSIVE MODE")
            await conn.execute(STOP_APPENDS)
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
        events=replayed.events,
        trainees=count,
        seconds=time.perf_counter() - started,
        position=position,
        differences=None,
        switched=True,
        audit_events=audit_rows,
    )


async def _verify(
    conn: asyncpg.Connection, dsn: str, mapper: Mapper[UUID], batch_size: int, workers: int,
    progress: Progress, started: float,
) -> RebuildReport:  # fmt: skip
    """Replay every event and compare the rows with the live ones, all in one snapshot that
    the replay processes share: the live rows are committed in the same transactions as their
    events, so the snapshot's rows and events agree, and no writer waits."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
        high = await conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS}")
        total = await conn.fetchval(f"SELECT count(*) FROM {EVENTS}")
        replayed = await _replay_all(dsn, mapper, high, total, batch_size, progress, workers,
                                     audit=False, snapshot=snapshot)  # fmt: skip
        count = await conn.fetchval(f"SELECT count(*) FROM {LIVE}")
    return RebuildReport(
        events=replayed.events,
        trainees=count,
        seconds=time.perf_counter() - started,
        position=int(high),
        differences=replayed.differences,
        switched=False,
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
