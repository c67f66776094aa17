"""Tamper evidence: each stream's hash chain (bound by the database as events are inserted,
migration 0007) and seals of every stream's head, verified from one snapshot without locks."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from service.eventstore import EVENTS_TABLE

ZERO = bytes(32)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SEAL_LOCK = 7_204_312  # advisory lock id: one seal at a time


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


def seal_digest(prev: bytes | None, position: int, sealed_at: datetime, heads: bytes) -> bytes:
    """A seal's digest: the previous seal's digest, the position and time, and the SHA-256 of
    the heads the seal records (each originator id, version and hash, in originator order)."""
    micros = (sealed_at - _EPOCH) // timedelta(microseconds=1)
    return hashlib.sha256(
        (prev or ZERO)
        + position.to_bytes(8, "big")
        + micros.to_bytes(8, "big", signed=True)
        + heads
    ).digest()


@dataclass(frozen=True)
class Break:
    """The first event (or seal) that does not verify, and why."""

    trainee_id: UUID
    sequence: int | None
    notification_id: int | None
    reason: str


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
_SEALED = f"""
SELECT h.seal_id, s.sealed_at, h.originator_id, h.version, e.hash AS found,
       e.notification_id, EXISTS (SELECT 1 FROM {EVENTS_TABLE} x
                                   WHERE x.originator_id = h.originator_id) AS stream_exists
  FROM audit_seal_heads h JOIN audit_seals s ON s.id = h.seal_id
  LEFT JOIN {EVENTS_TABLE} e
    ON e.originator_id = h.originator_id AND e.originator_version = h.version
 WHERE e.hash IS DISTINCT FROM h.hash {{where}}
   AND NOT EXISTS (  -- superseded: re-chained on purpose, and a later seal recorded that
       SELECT 1 FROM audit_rechains r
         JOIN audit_seal_heads later ON later.originator_id = r.originator_id
         JOIN audit_seals ls ON ls.id = later.seal_id AND ls.sealed_at >= r.rechained_at
        WHERE r.originator_id = h.originator_id AND r.rechained_at > s.sealed_at)
 ORDER BY h.seal_id, h.originator_id LIMIT 1
"""
_HEADS_OF = """
SELECT sha256(coalesce(string_agg(uuid_send(h.originator_id) || int8send(h.version) || h.hash,
                                  ''::bytea ORDER BY h.originator_id), ''::bytea))
  FROM audit_seal_heads h WHERE h.seal_id = {seal}
"""
_SEAL_HEADS = f"""
SELECT s.id, s.sealed_at, s.position, s.digest, ({_HEADS_OF.format(seal="s.id")}) AS heads
  FROM audit_seals s ORDER BY s.id
"""


def _reason(row: asyncpg.Record) -> str:
    version, previous = row["originator_version"], row["previous"]
    if previous == 0 and version != 1:
        return f"the stream starts at event {version}: the events before it are missing"
    if version != previous + 1:
        return f"event {version} follows event {previous}: an event is missing or out of order"
    if row["hash"] is None:
        return "the event carries no hash: it was not appended through the store"
    return "the event's stored bytes or its place in the chain differ from what was appended"


async def _row(conn: asyncpg.Connection, query: str, *args: object) -> asyncpg.Record:
    """The one row a query always answers (an aggregate, a row found in the same snapshot, an
    INSERT ... RETURNING)."""
    row = await conn.fetchrow(query, *args)
    if row is None:
        raise LookupError("the snapshot lost a row it had")
    return row


def _ranges(parts: int) -> list[tuple[UUID, UUID | None]]:
    """The originator id space cut into `parts` ranges (PostgreSQL orders uuids by bytes)."""
    step = (1 << 128) // parts
    lows = [UUID(int=i * step) for i in range(parts)]
    return [(low, lows[i + 1] if i + 1 < parts else None) for i, low in enumerate(lows)]


_RANGE = "WHERE originator_id >= $1 AND ($2::uuid IS NULL OR originator_id < $2)"


async def _summary(conn: asyncpg.Connection, where: str, *args: object) -> asyncpg.Record:
    return await _row(conn, _SUMMARY.format(where=where), *args)


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
    row = await _row(
        conn, _BROKEN.format(where="WHERE originator_id = $1", n=2), stream, min(firsts)
    )
    found = Break(
        row["originator_id"], row["originator_version"], row["notification_id"], _reason(row)
    )
    return events, streams, found


async def _seals(conn: asyncpg.Connection, trainee: UUID | None) -> tuple[int, Break | None]:
    if trainee is not None:  # the trainee's heads only; the digests are the store's matter
        count = await conn.fetchval(
            "SELECT count(DISTINCT seal_id) FROM audit_seal_heads WHERE originator_id = $1",
            trainee,
        )
    else:
        seals = await conn.fetch(_SEAL_HEADS)
        count, prev = len(seals), None
        for seal in seals:
            expected = seal_digest(prev, seal["position"], seal["sealed_at"], bytes(seal["heads"]))
            if expected != bytes(seal["digest"]):
                return count, Break(
                    UUID(int=0), None, None, f"seal {seal['id']}: its digest differs from its heads"
                )
            prev = bytes(seal["digest"])
    where, args = ("AND h.originator_id = $1", [trainee]) if trainee else ("", [])
    row = await conn.fetchrow(_SEALED.format(where=where), *args)
    if row is None:
        return count, None
    at = row["sealed_at"].isoformat()
    if not row["stream_exists"]:
        reason = f"seal {row['seal_id']} of {at} records this trainee's events: they were removed"
    elif row["found"] is None:
        reason = (
            f"seal {row['seal_id']} of {at} records event {row['version']}, "
            "which the stream no longer has"
        )
    else:
        reason = (
            f"seal {row['seal_id']} of {at} records another hash for event {row['version']}: "
            "the stream was rewritten after the seal"
        )
    return count, Break(row["originator_id"], row["version"], row["notification_id"], reason)


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
        seals, sealed_break = await _seals(conn, trainee)
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


@dataclass(frozen=True)
class Seal:
    """A recorded seal: publish its digest, time and position outside the database."""

    id: int
    sealed_at: datetime
    position: int
    streams: int
    events: int
    digest: bytes


_CHANGED = f"""
INSERT INTO audit_seal_heads (seal_id, originator_id, version, hash)
SELECT DISTINCT ON (originator_id) $1::bigint, originator_id, originator_version, hash
  FROM {EVENTS_TABLE}
 WHERE notification_id <= $3 AND (notification_id > $2 OR originator_id IN (
       SELECT originator_id FROM audit_rechains WHERE rechained_at > $4))
 ORDER BY originator_id, originator_version DESC
"""


async def seal(conn: asyncpg.Connection, *, only_if_changed: bool = False) -> Seal | None:
    """Seal the store's current state: the head of every stream changed since the last seal,
    chained to it. With only_if_changed, nothing is recorded when no event was appended."""
    await conn.execute("SELECT pg_advisory_lock($1)", _SEAL_LOCK)
    try:
        async with conn.transaction(isolation="repeatable_read"):
            last = await conn.fetchrow(
                "SELECT position, digest, sealed_at FROM audit_seals ORDER BY id DESC LIMIT 1"
            )
            after = last["position"] if last is not None else 0
            position = await conn.fetchval(
                f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS_TABLE}"
            )
            rechained = await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM audit_rechains WHERE rechained_at > $1)",
                last["sealed_at"] if last is not None else _EPOCH,
            )
            if only_if_changed and last is not None and position == after and not rechained:
                return None
            row = await _row(
                conn,
                "INSERT INTO audit_seals (position, streams, events, digest)"
                " VALUES ($1, 0, 0, ''::bytea) RETURNING id, sealed_at",
                position,
            )
            since = last["sealed_at"] if last is not None else _EPOCH
            status = await conn.execute(_CHANGED, row["id"], after, position, since)
            streams = int(status.rsplit(" ", 1)[-1])
            heads = await conn.fetchval(_HEADS_OF.format(seal="$1"), row["id"])
            events = await conn.fetchval(
                f"SELECT count(*) FROM {EVENTS_TABLE} WHERE notification_id <= $1", position
            )
            digest = seal_digest(
                bytes(last["digest"]) if last is not None else None,
                position,
                row["sealed_at"],
                bytes(heads),
            )
            await conn.execute(
                "UPDATE audit_seals SET streams = $2, events = $3, digest = $4 WHERE id = $1",
                row["id"],
                streams,
                events,
                digest,
            )
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _SEAL_LOCK)
    return Seal(row["id"], row["sealed_at"], position, streams, events, digest)


async def seals(conn: asyncpg.Connection, limit: int = 20) -> list[Seal]:
    """The newest seals, newest first."""
    rows = await conn.fetch(
        "SELECT id, sealed_at, position, streams, events, digest FROM audit_seals"
        " ORDER BY id DESC LIMIT $1",
        limit,
    )
    return [Seal(r[0], r[1], r[2], r[3], r[4], bytes(r[5])) for r in rows]
