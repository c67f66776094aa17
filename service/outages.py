"""The errors that mean the database is away, restarting or overloaded: each is answered 503.

They are listed once, here, for every place that meets the database: the handlers, the rate
limiter in front of them, the probes and the idempotency store.
"""

from __future__ import annotations

import asyncpg
from eventsourcing.persistence import InterfaceError, OperationalError

from service.commands import StoreUnavailable

DATABASE_DOWN: tuple[type[Exception], ...] = (
    StoreUnavailable,
    OSError,  # refused or reset connections, and TimeoutError
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08, and a connection closed mid-query
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # a connection left mid-operation by a dying server
    asyncpg.InsufficientResourcesError,  # class 53: too many connections, out of memory or disk
    asyncpg.exceptions.OperatorInterventionError,  # class 57: shutdown, restart, cancellation
    OperationalError,  # the write side (psycopg, wrapped by eventsourcing)
    InterfaceError,
)
"""Errors that say nothing about the request, only that the database cannot serve it now."""

ANY_DATABASE_ERROR: tuple[type[Exception], ...] = (*DATABASE_DOWN, asyncpg.PostgresError)
"""For callers that do the same whatever went wrong: the rate limiter lets the request through,
the readiness probe reports not ready (a missing table too)."""
