"""Bounded waits on the database: pools that give up, and the deadline of a write.

A wait that runs out raises TimeoutError (reads) or StoreUnavailable (writes, service.writer);
the app answers both with 503, so a request never hangs on a database that is away or
overloaded.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import asyncpg
from asyncpg.pool import PoolAcquireContext

OVERDUE: contextvars.ContextVar[asyncio.Event | None] = contextvars.ContextVar(
    "overdue", default=None
)
"""Set by a caller that answers the client itself at the deadline (an idempotent request): its
write is then awaited to the end, and this event is set when the deadline passes."""


class PooledConnection(asyncpg.Connection):
    """A pooled connection: its statements leave no session state (a save's settings are local
    to its transaction), so a release needs no reset query."""

    def get_reset_query(self) -> str:
        return ""


class TimedPool(asyncpg.Pool):
    """An asyncpg pool whose acquire (also inside fetch, execute...) waits at most `timeout`."""

    acquire_timeout: float = 5.0

    def acquire(self, *, timeout: float | None = None) -> PoolAcquireContext:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


async def timed_pool(dsn: str, size: int, timeout: float) -> TimedPool:
    """A pool (the reads', the writes'): connecting, acquiring and every command each wait at
    most `timeout`."""
    pool = TimedPool(
        dsn,
        min_size=1,
        max_size=size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        loop=None,
        connection_class=PooledConnection,
        record_class=asyncpg.Record,
        command_timeout=timeout,
        timeout=timeout,
    )
    pool.acquire_timeout = timeout
    return await pool


def bound_write_waits(register: Any, seconds: float) -> None:
    """Make each write-side call wait at most `seconds` for a pooled connection.

    eventsourcing retries a failed call up to 10 times, 0.2 s apart, so a write fails after about
    10 * (seconds + 0.2) when the database is away, instead of 10 * its connect timeout.
    """
    pool = getattr(getattr(register.recorder, "datastore", None), "pool", None)
    if pool is not None:
        pool.timeout = seconds
