"""The audit log: one row per event saying who caused it, when, through which version and request.

An asynchronous projection: the worker reads the notification log after its tracked position in
batches, and writes the rows and the new position in one transaction, so a crash or a rebuild
never applies an event twice. Notification-id gaps (rolled-back inserts) are skipped by reading
strictly after the position.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
from eventsourcing.persistence import Mapper

from service.eventstore import EVENTS_TABLE, decode_stored_event, settled_head

NAME = TABLE = "audit_log"
FRESH, OLD = "audit_log_rebuild", "audit_log_replaced"
COLUMNS = (
    "notification_id",
    "trainee_id",
    "trainee_slug",
    "event",
    "occurred_at",
    "source",
    "provider_id",
    "token_id",
    "api_version",
    "request_id",
)
_READ = (
    "SELECT notification_id, originator_id, originator_version, topic, state"
    f" FROM {EVENTS_TABLE} WHERE notification_id > $1 AND notification_id <= $3"
    " ORDER BY notification_id LIMIT $2"
)
_SLUGS = (
    "SELECT DISTINCT ON (trainee_id) trainee_id, trainee_slug FROM {table}"
    " WHERE trainee_id = ANY($1::uuid[]) AND trainee_slug IS NOT NULL"
    " ORDER BY trainee_id, notification_id"
)
TRACKED = "SELECT position FROM projection_state WHERE name = $1 FOR UPDATE"
TRACK = (
    "INSERT INTO projection_state (name, position, rebuilt_at) VALUES ($1, $2, $3)"
    " ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position,"
    " rebuilt_at = coalesce(EXCLUDED.rebuilt_at, projection_state.rebuilt_at)"
)


def audit_row(notification_id: int, event: Any, slug: str | None) -> tuple[Any, ...]:
    """The audit row of one decoded event, in COLUMNS order."""
    actor = getattr(event, "actor", None)
    return (
        notification_id,
        event.originator_id,
        slug,
        type(event).__name__,
        event.timestamp,
        getattr(actor, "source", None),
        getattr(actor, "provider_id", None),
        getattr(actor, "token_id", None),
        getattr(actor, "api_version", None),
        getattr(actor, "request_id", None),
    )


async def _slugs(conn: asyncpg.Connection, table: str, events: Sequence[Any]) -> dict[UUID, str]:
    """Trainee slugs: from Registered events in the batch, else from earlier rows."""
    known = {e.originator_id: e.slug for e in events if type(e).__name__ == "Registered"}
    missing = list({e.originator_id for e in events} - known.keys())
    if missing:
        rows = await conn.fetch(_SLUGS.format(table=table), missing)
        known.update((r["trainee_id"], r["trainee_slug"]) for r in rows)
    return known


async def apply_batch(
    conn: asyncpg.Connection, mapper: Mapper[UUID], table: str, after: int, limit: int
) -> tuple[int, int]:
    """Copy the rows of up to `limit` events after `after` into `table`: (position, events).
    Only events below the settled head are read: none can commit below it later."""
    stored = await conn.fetch(_READ, after, limit, await settled_head(conn))
    if not stored:
        return after, 0
    events = [decode_stored_event(mapper, row[1:]) for row in stored]
    slugs = await _slugs(conn, table, events)
    rows = [
        audit_row(s["notification_id"], e, slugs.get(e.originator_id))
        for s, e in zip(stored, events, strict=True)
    ]
    await conn.copy_records_to_table(table, records=rows, columns=COLUMNS)
    return int(stored[-1]["notification_id"]), len(rows)


async def step(conn: asyncpg.Connection, mapper: Mapper[UUID], limit: int) -> int:
    """Apply the next batch and its tracking position in one transaction; events applied."""
    async with conn.transaction():
        position = await conn.fetchval(TRACKED, NAME)
        if position is None:
            position = 0
            await conn.execute(TRACK, NAME, 0, None)
        new, applied = await apply_batch(conn, mapper, TABLE, position, limit)
        if applied:
            await conn.execute(TRACK, NAME, new, None)
        return applied


@dataclass(frozen=True)
class Rebuilt:
    """What an audit-log rebuild did."""

    events: int
    position: int
    seconds: float


async def rebuild(
    dsn: str,
    mapper: Mapper[UUID],
    batch_size: int = 5000,
    progress: Callable[[int], None] = lambda done: None,
) -> Rebuilt:
    """Replay every event into a fresh table, then swap it in while the worker waits."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"DROP TABLE IF EXISTS {FRESH}")
        await conn.execute(f"CREATE TABLE {FRESH} (LIKE {TABLE} INCLUDING ALL)")
        position, done, applied = 0, 0, 1
        while applied:
            position, applied = await apply_batch(conn, mapper, FRESH, position, batch_size)
            done += applied
            progress(done)
        async with conn.transaction():
            await conn.fetchval(TRACKED, NAME)  # the worker waits from here to the commit
            applied = 1
            while applied:
                position, applied = await apply_batch(conn, mapper, FRESH, position, batch_size)
                done += applied
            await conn.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
            await conn.execute(f"ALTER TABLE {FRESH} RENAME TO {TABLE}")
            await conn.execute(f"DROP TABLE {OLD}")
            await conn.execute(TRACK, NAME, position, datetime.now(UTC))
    finally:
        await conn.close()
    return Rebuilt(events=done, position=position, seconds=time.perf_counter() - started)


async def status(conn: asyncpg.Connection, head: int) -> dict[str, Any]:
    """The audit log's position, its lag behind the store's head, its rows and last rebuild."""
    state = await conn.fetchrow(
        "SELECT position, rebuilt_at FROM projection_state WHERE name = $1", NAME
    )
    position = int(state["position"]) if state else 0
    rebuilt = state["rebuilt_at"] if state else None
    return {
        "projection": NAME,
        "mode": "asynchronous (trainees projections run)",
        "position": position,
        "head": head,
        "lag": max(0, head - position),
        "rows": await conn.fetchval(f"SELECT count(*) FROM {TABLE}"),
        "last_rebuilt_at": rebuilt.isoformat() if rebuilt else None,
    }
