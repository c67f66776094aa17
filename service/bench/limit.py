"""The limit: single-event insert + commit transactions straight through asyncpg."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

import asyncpg

from service.bench import procs
from service.eventstore import EVENTS_TABLE

TABLE = "bench_limit_events"
CREATE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text, state bytea,
    notification_id bigserial, PRIMARY KEY (originator_id, originator_version)
) WITH (toast_tuple_target = 8160, autovacuum_enabled = false);
CREATE UNIQUE INDEX IF NOT EXISTS {TABLE}_notification_id_idx ON {TABLE} (notification_id)
"""  # the shape and storage of the events table (migration 0013); never vacuumed while measured
INSERT = (
    f"INSERT INTO {TABLE} (originator_id, originator_version, topic, state)"
    " VALUES ($1, 1, $2, $3) RETURNING notification_id"
)


@dataclass(frozen=True)
class Timed:
    """Operations done in a run, its length, and each operation's latency in seconds."""

    done: int
    seconds: float
    latencies: list[float]
    cpu_ms: float | None = None  # the client's (this process's) CPU time per operation
    db_cpu_ms: float | None = None  # the database's, when it runs on this machine

    @property
    def rate(self) -> float:
        """Operations per second."""
        return self.done / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float:
        """The p-th percentile latency in milliseconds (nearest rank)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000


async def _sample_state(conn: asyncpg.Connection) -> tuple[str, bytes]:
    """A real Registered event's topic and state, so rows are the size the service writes."""
    row = await conn.fetchrow(f"SELECT topic, state FROM {EVENTS_TABLE} ORDER BY notification_id"
                              " LIMIT 1")  # fmt: skip
    return (row["topic"], bytes(row["state"])) if row else ("bench", b"{}" * 500)


async def _client(conn: asyncpg.Connection, until: float, sample: tuple[str, bytes],
                  latencies: list[float]) -> None:  # fmt: skip
    topic, state = sample
    while (started := time.perf_counter()) < until:
        async with conn.transaction():
            await conn.fetchval(INSERT, uuid.uuid4(), topic, state)
        latencies.append(time.perf_counter() - started)


async def limit(url: str, clients: int, seconds: float, database: int | None = None) -> Timed:
    """Insert+commit as fast as `clients` connections can for `seconds` (`database`: the
    local server's main process, to measure its CPU time)."""
    conns = [await asyncpg.connect(url) for _ in range(clients)]
    try:
        await conns[0].execute(CREATE)
        sample = await _sample_state(conns[0])
        latencies: list[float] = []
        meter = procs.Meter(time.process_time, database)
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(_client(c, until, sample, latencies) for c in conns))
        elapsed = time.perf_counter() - started
        app, db = meter.per_operation_ms(len(latencies))
        return Timed(len(latencies), elapsed, latencies, app, db)
    finally:
        await asyncio.gather(*(c.close() for c in conns))
