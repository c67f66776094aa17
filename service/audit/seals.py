"""Seals of the event store: the head of every stream changed since the previous seal, with
the seal's time and position, and a digest chained to the previous seal's; and their checks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from service.eventstore import EVENTS_TABLE, settled_head

ZERO = bytes(32)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SEAL_LOCK = 7_204_312  # advisory lock id: one seal at a time


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


async def one_row(conn: asyncpg.Connection, query: str, *args: object) -> asyncpg.Record:
    """The one row a query always answers (an aggregate, a row found in the same snapshot, an
    INSERT ... RETURNING)."""
    row = await conn.fetchrow(query, *args)
    if row is None:
        raise LookupError("the snapshot lost a row it had")
    return row


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


async def check_seals(conn: asyncpg.Connection, trainee: UUID | None) -> tuple[int, Break | None]:
    """Every head the seals recorded (of one trainee, or all) is still there with its hash,
    and each seal's digest matches its heads (for the whole store): seals counted, first break."""
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
        # Every event up to the settled head has committed, so the snapshot taken after it
        # holds them all, and the next seal starts above it.
        position = await settled_head(conn, patience=60)
        async with conn.transaction(isolation="repeatable_read"):
            last = await conn.fetchrow(
                "SELECT position, digest, sealed_at FROM audit_seals ORDER BY id DESC LIMIT 1"
            )
            after = last["position"] if last is not None else 0
            rechained = await conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM audit_rechains WHERE rechained_at > $1)",
                last["sealed_at"] if last is not None else _EPOCH,
            )
            if only_if_changed and last is not None and position == after and not rechained:
                return None
            row = await one_row(
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
