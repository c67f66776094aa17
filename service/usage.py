"""Requests per API version and provider: counted in memory, added to a table in batches."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, date, datetime

import asyncpg

log = logging.getLogger("trainees")

_ADD = """
INSERT INTO version_usage (day, version, provider_id, requests, last_seen)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (day, version, provider_id) DO UPDATE
SET requests = version_usage.requests + EXCLUDED.requests,
    last_seen = greatest(version_usage.last_seen, EXCLUDED.last_seen)
"""
_REPORT = """
SELECT version, provider_id, sum(requests)::bigint AS requests, max(last_seen) AS last_seen
FROM version_usage WHERE day >= $1
GROUP BY version, provider_id ORDER BY version, requests DESC, provider_id
"""


class VersionUsage:
    """The counts since the last flush (the event loop's thread only: no lock needed)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[date, str, str]] = Counter()
        self.last_seen: datetime = datetime.now(UTC)

    def count(self, version: str, provider_id: str) -> None:
        """One request of the provider to the version."""
        self.last_seen = datetime.now(UTC)
        self.counts[(self.last_seen.date(), version, provider_id)] += 1

    async def flush(self, pool: asyncpg.Pool) -> None:
        """Add the counts to the table in one batch; kept for the next try if it fails."""
        if not self.counts:
            return
        batch, seen = self.counts, self.last_seen
        self.counts = Counter()
        rows = [(*key, n, seen) for key, n in sorted(batch.items())]
        try:
            await pool.executemany(_ADD, rows)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            self.counts.update(batch)
            log.warning("version usage not saved", extra={"error": type(exc).__name__})


async def flush_every(usage: VersionUsage, pool: asyncpg.Pool, seconds: float) -> None:
    """Flush the counts forever (a background task; the service flushes once more on exit)."""
    while True:
        await asyncio.sleep(seconds)
        await usage.flush(pool)


async def report(conn: asyncpg.Connection, since: date) -> list[asyncpg.Record]:
    """Requests per version and provider since the day, most used first within a version."""
    return list(await conn.fetch(_REPORT, since))
