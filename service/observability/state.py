"""What the probes and metrics need to know about the database, read in one round trip."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import msgspec

from projections.worker import ASYNCHRONOUS
from service.eventstore import EVENTS_TABLE
from service.schema import available

_STATE = f"""
SELECT (SELECT coalesce(max(notification_id), 0) FROM {EVENTS_TABLE}) AS head,
       (SELECT coalesce(array_agg(version), '{{}}') FROM schema_migrations) AS versions,
       (SELECT coalesce(json_object_agg(name, position), '{{}}') FROM projection_state
         WHERE name = ANY($1::text[])) AS positions
"""


SHIPPED = frozenset(version for version, _, _ in available())


@dataclass(frozen=True)
class DatabaseState:
    """The store's head, the migrations applied and each asynchronous projection's lag."""

    head: int
    missing_migrations: tuple[int, ...]
    lags: dict[str, int]


async def database_state(pool: asyncpg.Pool) -> DatabaseState:
    """Read the state; raises the pool's errors when the database does not answer in time."""
    (row,) = await pool.fetch(_STATE, list(ASYNCHRONOUS))  # a SELECT without FROM: one row
    head = int(row["head"])
    positions: dict[str, int] = msgspec.json.decode(row["positions"])
    missing = sorted(SHIPPED - set(row["versions"]))
    return DatabaseState(
        head=head,
        missing_migrations=tuple(missing),
        lags={name: max(0, head - positions.get(name, 0)) for name in ASYNCHRONOUS},
    )
