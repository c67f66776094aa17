"""The projection worker: follows the notification log into each asynchronous projection.

One worker runs per projection at a time: it holds a PostgreSQL advisory lock named after the
projection for as long as its connection lives, so a second replica waits for the lock instead
of processing the same events, and takes over when the first one stops or dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from uuid import UUID

import asyncpg
from eventsourcing.persistence import Mapper

from projections import audit_log
from service.audit import seals

ASYNCHRONOUS = (audit_log.NAME,)
"""The projections a worker maintains (the trainee view is written inline instead)."""

log = logging.getLogger("trainees.worker")
_LOCK = "SELECT pg_try_advisory_lock(hashtextextended('trainees projection ' || $1, 0))"


async def _pause(seconds: float, stop: asyncio.Event) -> None:
    """Sleep, waking early when asked to stop."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _hold_lock(conn: asyncpg.Connection, name: str, stop: asyncio.Event) -> bool:
    """Wait for the projection's lock; False when asked to stop first."""
    waiting = False
    while not stop.is_set():
        if await conn.fetchval(_LOCK, name):
            log.info("projection lock held", extra={"projection": name})
            return True
        if not waiting:
            log.info("projection lock held elsewhere; waiting", extra={"projection": name})
            waiting = True
        await _pause(1.0, stop)
    return False


async def _seal(conn: asyncpg.Connection) -> None:
    """Seal the store when events were appended since the last seal."""
    sealed = await seals.seal(conn, only_if_changed=True)
    if sealed is not None:
        log.info("store sealed", extra={"seal": sealed.id, "position": sealed.position})


async def _follow(
    dsn: str,
    mapper: Mapper[UUID],
    stop: asyncio.Event,
    *,
    once: bool,
    batch: int,
    idle: float,
    seal_every: int,
) -> int:
    """One connection's life: take the lock, then apply batches, sealing the store every
    seal_every seconds once caught up (0: never); events applied."""
    applied = 0
    sealed_at = -float("inf")
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        if not await _hold_lock(conn, audit_log.NAME, stop):
            return applied
        while not stop.is_set():
            count = await audit_log.step(conn, mapper, batch)
            applied += count
            if count:
                log.debug("batch applied", extra={"projection": audit_log.NAME, "events": count})
                continue
            if seal_every and (once or time.monotonic() - sealed_at >= seal_every):
                await _seal(conn)
                sealed_at = time.monotonic()
            if once:
                break
            await _pause(idle, stop)  # appends announce nothing (migration 0015): poll
    finally:
        await conn.close()  # also releases the lock
    return applied


async def run(
    dsn: str,
    mapper: Mapper[UUID],
    stop: asyncio.Event,
    *,
    once: bool = False,
    batch: int = 1000,
    idle: float = 0.5,
    seal_every: int = 0,
) -> int:
    """Keep the asynchronous projections up to date until stopped (or caught up, with once),
    sealing the event store every seal_every seconds (0: never)."""
    applied = 0
    while not stop.is_set():
        try:
            applied += await _follow(
                dsn, mapper, stop, once=once, batch=batch, idle=idle, seal_every=seal_every
            )
            if once:
                break
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            if once:
                raise
            log.warning("database unavailable; retrying", extra={"error": type(exc).__name__})
            await _pause(1.0, stop)
    return applied
