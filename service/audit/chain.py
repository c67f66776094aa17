"""Tamper evidence: each stream's hash chain (bound by the database as events are inserted,
migration 0007), verified with the seals (service.audit.seals) from one snapshot, without locks."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from service.audit.seals import ZERO, Break, check_seals, one_row
from service.eventstore import EVENTS_TABLE


def event_hash(
    prev: bytes | None, originator: UUID, version: int, topic: str, state: bytes
) -> bytes:
    """The chain hash of one event, as the database computes it (trainees_event_hash)."""
    encoded = topic.encode()
    return hashlib.sha256(
        (prev or ZERO)
        + originator.bytes
        + version.to_bytes(8, "big", signed=True)
        + len(encoded).to_bytes(4, "big", signed=True)
        + encoded
        + state
    ).digest()


@dataclass(frozen=True)
class Verification:
    """What a verification found: events and streams checked, seals held, the first break."""

    events: int
    streams: int
    seals: int
    broken: Break | None
    rechained: int
    head: tuple[int, bytes] | None = None  # the one stream's newest (sequence, hash)

    @property
    def verified(self) -> bool:
        return self.broken is None


_CHECKED = f"""
SELECT originator_id, originator_version, notification_id, hash,
       trainees_event_hash(lag(hash) OVER w, originator_id, originator_version, topic, state)
           AS expected,
       coalesce(lag(originator_version) OVER w, 0) AS previous
  FROM {EVENTS_TABLE} {{where}}
WINDOW w AS (PARTITION BY originator_id ORDER BY originator_version)
"""
_SUMMARY = f"""
WITH checked AS ({_CHECKED})
SELECT count(*) AS events, count(*) FILTER (WHERE previous = 0) AS streams,
       min(notification_id) FILTER (
           WHERE hash IS DISTINCT FROM expected OR originator_version <> previous + 1
       ) AS first
  FROM checked
"""
_BROKEN = f"""
WITH checked AS ({_CHECKED})
SELECT * FROM checked WHERE notification_id = ${{n}}
"""
_HEAD = (
    f"SELECT originator_version, hash FROM {EVENTS_TABLE} WHERE originator_id = $1"
    " ORDER BY originator_version DESC LIMIT 1"
)


def _reason(row: asyncpg.Record) -> str:
    version, previous = row["originator_version"], row["previous"]
    if previous == 0 and version != 1:
        return f"the stream starts at event {version}: the events before it are missing"
    if version != previous + 1:
        return f"event {version} follows event {previous}: an event is missing or out of order"
    if row["hash"] is None:
        return "the event carries no hash: it was not appended through the store"
    return "the event's stored bytes or its place in the chain differ from what was appended"


def _ranges(parts: int) -> list[tuple[UUID, UUID | None]]:
    """The originator id space cut into `parts` ranges (PostgreSQL orders uuids by bytes)."""
    step = (1 << 128) // parts
    lows = [UUID(int=i * step) for i in range(parts)]
    return [(low, lows[i + 1] if i + 1 < parts else None) for i, low in enumerate(lows)]


_RANGE = "WHERE originator_id >= $1 AND ($2::uuid IS NULL OR originator_id < $2)"


async def _summary(conn: asyncpg.Connection, where: str, *args: object) -> asyncpg.Record:
    return await one_row(conn, _SUMMARY.format(where=where), *args)


async def _events(
    conn: asyncpg.Connection, trainee: UUID | None, helpers: Sequence[asyncpg.Connection]
) -> tuple[int, int, Break | None]:
    """Check every link (of one stream, or of all of them, split across the connections)."""
    if trainee is not None:
        summaries = [await _summary(conn, "WHERE originator_id = $1", trainee)]
    else:
        workers = [conn, *helpers]
        summaries = list(
            await asyncio.gather(
                *(
                    _summary(c, _RANGE, lo, hi)
                    for c, (lo, hi) in zip(workers, _ranges(len(workers)), strict=True)
                )
            )
        )
    events = sum(r["events"] for r in summaries)
    streams = sum(r["streams"] for r in summaries)
    firsts = [r["first"] for r in summaries if r["first"] is not None]
    if not firsts:
        return events, streams, None
    stream = await conn.fetchval(
        f"SELECT originator_id FROM {EVENTS_TABLE} WHERE notification_id = $1", min(firsts)
    )
    row = await one_row(
        conn, _BROKEN.format(where="WHERE originator_id = $1", n=2), stream, min(firsts)
    )
    found = Break(
        row["originator_id"], row["originator_version"], row["notification_id"], _reason(row)
    )
    return events, streams, found


async def verify(
    conn: asyncpg.Connection,
    trainee: UUID | None = None,
    helpers: Sequence[asyncpg.Connection] = (),
) -> Verification:
    """Recompute every link of the chain (one trainee's, or every stream's) and check every
    seal, in one read-only snapshot: writers are never blocked. Helper connections share the
    snapshot and each check a part of the store, side by side."""
    async with conn.transaction(isolation="repeatable_read", readonly=True), AsyncExitStack() as s:
        if trainee is None and helpers:
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            for helper in helpers:
                await s.enter_async_context(
                    helper.transaction(isolation="repeatable_read", readonly=True)
                )
                await helper.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        events, streams, broken = await _events(conn, trainee, helpers)
        seals, sealed_break = await check_seals(conn, trainee)
        where, args = ("WHERE originator_id = $1", [trainee]) if trainee else ("", [])
        rechained = await conn.fetchval(
            f"SELECT count(DISTINCT originator_id) FROM audit_rechains {where}", *args
        )
        head = None
        if trainee is not None:
            row = await conn.fetchrow(_HEAD, trainee)
            head = (row[0], bytes(row[1] or b"")) if row else None
    return Verification(events, streams, seals, broken or sealed_break, rechained, head)


async def verify_store(dsn: str, trainee: UUID | None = None, workers: int = 0) -> Verification:
    """verify() on its own connections: for the whole store, one per core (or `workers`)."""
    count = 1 if trainee else max(1, workers or min(os.cpu_count() or 1, 8))
    conns = [await asyncpg.connect(dsn) for _ in range(count)]
    try:
        return await verify(conns[0], trainee, conns[1:])
    finally:
        for c in conns:
            await c.close()
