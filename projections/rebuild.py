"""Rebuild the trainee read model from the event store into a fresh table, then switch to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.persistence import Mapper

from projections.trainee_view import COLUMNS, trainee_row

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


def fold(mapper: Mapper[UUID], rows: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    """Read-model rows from events sorted by (aggregate, version): one row per aggregate."""
    aggregate: Any = None
    current = None
    for row in rows:
        if row[0] != current and aggregate is not None:
            yield trainee_row(aggregate)
            aggregate = None
        current = row[0]
        event = mapper.to_domain_event(_stored(row))
        aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
    if aggregate is not None:
        yield trainee_row(aggregate)


def _stored(row: Any) -> Any:
    from eventsourcing.persistence import StoredEvent

    return StoredEvent(
        originator_id=row[0], originator_version=row[1], topic=row[2], state=bytes(row[3])
    )


async def _replay_all(
    conn: asyncpg.Connection,
    mapper: Mapper[UUID],
    high: int,
    total: int,
    batch_size: int,
    progress: Progress,
) -> int:
    """Replay events up to `high` in aggregate order; rows go to the fresh table in batches."""
    done = 0
    pending: list[tuple[Any, ...]] = []
    aggregate: Any = None
    current = None
    async with conn.transaction(isolation="repeatable_read"):
        cursor = conn.cursor(
            f"SELECT originator_id, originator_version, topic, state FROM {EVENTS} "
            "WHERE notification_id <= $1 ORDER BY originator_id, originator_version",
            high,
            prefetch=batch_size,
        )
        async for record in cursor:
            if record[0] != current:
                if aggregate is not None:
                    pending.append(trainee_row(aggregate))
                    if len(pending) >= batch_size:
                        await _copy(conn, pending)
                        pending = []
                aggregate, current = None, record[0]
            aggregate = mapper.to_domain_event(_stored(record)).mutate(aggregate)  # type: ignore[attr-defined]
            done += 1
            if done % batch_size == 0:
                progress(done, total)
        if aggregate is not None:
            pending.append(trainee_row(aggregate))
        await _copy(conn, pending)
    progress(done, total)
    return done


async def _copy(conn: asyncpg.Connection, rows: list[Any]) -> int:
    if rows:
        await conn.copy_records_to_table(FRESH, records=rows, columns=COLUMNS)
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
    fresh = list(fold(mapper, rows))
    ids = [r[0] for r in fresh]
    await conn.execute(f"DELETE FROM {FRESH} WHERE id = ANY($1::uuid[])", ids)
    await _copy(conn, fresh)
    return int(high)


DIFFERENCES = f"""
SELECT count(*) FROM (
  (SELECT {", ".join(COLUMNS[:-1])}, doc::text FROM {LIVE}
   EXCEPT SELECT {", ".join(COLUMNS[:-1])}, doc::text FROM {FRESH})
  UNION ALL
  (SELECT {", ".join(COLUMNS[:-1])}, doc::text FROM {FRESH}
   EXCEPT SELECT {", ".join(COLUMNS[:-1])}, doc::text FROM {LIVE})
) d
"""


async def rebuild(
    dsn: str,
    mapper: Mapper[UUID],
    *,
    verify: bool = False,
    batch_size: int = 5000,
    progress: Progress = lambda done, total: None,
) -> RebuildReport:
    """Replay every event into a fresh table; switch reads to it unless only verifying."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"DROP TABLE IF EXISTS {FRESH}")
        await conn.execute(f"CREATE TABLE {FRESH} (LIKE {LIVE} INCLUDING ALL)")
        high = await conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS}")
        total = await conn.fetchval(
            f"SELECT count(*) FROM {EVENTS} WHERE notification_id <= $1", high
        )
        events = await _replay_all(conn, mapper, high, total, batch_size, progress)
        position = await _catch_up(conn, mapper, high)
        async with conn.transaction():
            # Writers take this lock to append events, so nothing is written while we switch.
            await conn.execute(f"LOCK TABLE {EVENTS} IN EXCLUSIVE MODE")
            position = await _catch_up(conn, mapper, position)
            differences = await conn.fetchval(DIFFERENCES) if verify else None
            if not verify:
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
        if verify:
            await conn.execute(f"DROP TABLE IF EXISTS {FRESH}")
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
    )


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
