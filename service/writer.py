"""The API's writes, on the event loop: load the trainee, let the use case decide, save what it
decided in one statement, all through asyncpg.

The event store's aggregate, events and mapper are the library's, as on every other write
path; only its thread-bound connection pool is left out of the request. A use case is given a
Unit where it would be given the event store: the unit has loaded the trainee the request
names before the use case runs, and keeps the save the use case asks for until it commits it
(the trainees_save function: events, read-model row and data key in one statement).
"""

from __future__ import annotations

import asyncio
import random
import typing
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from eventsourcing.application import AggregateNotFoundError, project_aggregate

from domain.errors import ConcurrentChange
from domain.trainee import Trainee, could_be_slug, trainee_uuid
from projections.inline import (
    DUPLICATE,
    SAVE,
    SELECT_WITH_KEY,
    Unique,
    duplicated,
    numbered,
    save_arguments,
    stored_with_key,
)
from service.commands import StoreUnavailable
from service.eventstore import TraineeRegister
from service.outages import DATABASE_DOWN
from service.timeouts import OVERDUE

T = TypeVar("T")
Connection = asyncpg.Connection | PoolConnectionProxy
ATTEMPTS = 10
"""How many times a write without If-Match is decided before a lost race is answered 409."""
_LOAD = numbered(SELECT_WITH_KEY)
_SAVE = numbered(SAVE)
_AWAY: tuple[type[Exception], ...] = (
    *DATABASE_DOWN,  # the database away, restarting or overloaded (TimeoutError: no connection)
    asyncpg.exceptions.LockNotAvailableError,  # the save's lock_timeout
    asyncpg.exceptions.TransactionRollbackError,  # a deadlock or serialization failure: rolled back
)


class Unit:
    """One attempt at a write, as its use case sees the event store: the trainee loaded before
    the use case runs, and the save it asks for, stored when the unit commits."""

    def __init__(self, register: TraineeRegister) -> None:
        self.register = register
        self.keyring = register.keyring
        self._loaded: dict[UUID, Trainee | None] = {}
        self._saves: list[tuple[list[Any], dict[str, Any]]] = []

    async def load(self, conn: Connection, trainee_id: UUID) -> None:
        """Load a trainee from its events, with its data key, in one query."""
        rows = await conn.fetch(_LOAD, trainee_id)
        mapper = self.register.mapper
        events = [
            mapper.to_domain_event(e) for e in stored_with_key(self.keyring, trainee_id, rows)
        ]
        self._loaded[trainee_id] = typing.cast(Trainee | None, project_aggregate(None, events))

    def get_trainee(self, aggregate_id: UUID) -> Trainee:
        """The trainee loaded (AggregateNotFoundError when it has no events)."""
        if aggregate_id not in self._loaded:
            raise LookupError("a write unit serves only the trainee it loaded")
        found = self._loaded[aggregate_id]
        if found is None:
            raise AggregateNotFoundError(aggregate_id)
        return found

    def save(self, *aggregates: Trainee, **kwargs: Any) -> None:
        """Keep the aggregates' new events, and the rows (views=) and condition (unique=) to
        store them with, until the unit commits (a use case saves once)."""
        if self._saves:
            raise TypeError("a write unit saves once")
        if set(kwargs) - {"views", "unique"}:
            raise TypeError(f"a write unit cannot save with {sorted(kwargs)}")
        events = [e for aggregate in aggregates for e in aggregate.collect_events()]
        self._saves.append((events, kwargs))

    async def commit(self, conn: Connection) -> int:
        """Store what the use case saved, in one statement (ConcurrentChange when another write
        stored the same trainee version first; Duplicated when a unique= condition fails); the
        events stored."""
        return sum([await self._store(conn, *save) for save in self._saves])

    async def _store(self, conn: Connection, events: list[Any], kwargs: dict[str, Any]) -> int:
        stored = [self.register.mapper.to_stored_event(e) for e in events]
        unique: Unique | None = kwargs.get("unique")
        new_keys, args = save_arguments(stored, kwargs.get("views", ()), unique, self.keyring)
        try:
            await conn.execute(_SAVE, *args)
        except BaseException as error:
            for trainee_id, *_ in new_keys:  # not stored, or not known to be: start afresh
                self.keyring.forget(trainee_id)
            if unique is not None and getattr(error, "sqlstate", None) == DUPLICATE:
                found = await conn.fetch(unique.query, *unique.args)
                raise duplicated(self.keyring, [tuple(r) for r in found]) from None
            raise
        self.keyring.stored(trainee_id for trainee_id, *_ in new_keys)
        return len(stored)


class Writer:
    """Runs write use cases on the event loop, each within a deadline; when the deadline
    passes the caller is answered StoreUnavailable (a write already sent may still commit).
    A caller that sets OVERDUE waits for the write's real end instead, and is told when the
    deadline passed."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        register: TraineeRegister,
        deadline: float,
        saved: Callable[[int], None] = lambda events: None,
    ) -> None:
        self.pool, self.register, self.deadline, self.saved = pool, register, deadline, saved
        self._running: set[asyncio.Future[Any]] = set()

    @property
    def in_flight(self) -> int:
        """Writes running, including those whose callers were answered at the deadline."""
        return len(self._running)

    async def drain(self) -> None:
        """Wait for every write still running to end (before the pools close)."""
        await asyncio.gather(*self._running, return_exceptions=True)

    async def run(self, use_case: Callable[..., T], /, **kwargs: Any) -> T:
        """Load, decide, save: again on the new state when another write saved the trainee
        first and the client sent no If-Match (a stale If-Match is a conflict)."""
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(self._decided(use_case, kwargs, loop.time() + self.deadline))
        self._running.add(task)
        task.add_done_callback(self._ended)
        overdue = OVERDUE.get()
        if overdue is not None:
            loop.call_later(self.deadline, overdue.set)
            return await asyncio.shield(task)
        done, _ = await asyncio.wait((task,), timeout=self.deadline)
        if not done:
            raise StoreUnavailable("the write timed out")
        return task.result()

    def _ended(self, task: asyncio.Future[Any]) -> None:
        self._running.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved: a write answered 503 already may fail later

    async def _decided(self, use_case: Callable[..., T], kwargs: dict[str, Any], due: float) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await self._once(use_case, kwargs, due)
            except ConcurrentChange:
                if kwargs.get("expected_version") is not None or attempt == ATTEMPTS:
                    raise
            await asyncio.sleep(random.uniform(0, 0.002 * attempt))  # spreads the racers apart
        raise AssertionError("unreachable")

    async def _once(self, use_case: Callable[..., T], kwargs: dict[str, Any], due: float) -> T:
        left = due - asyncio.get_running_loop().time()
        if left <= 0:
            raise StoreUnavailable("the write waited too long")
        unit = Unit(self.register)
        slug = kwargs.get("slug")
        try:
            async with self.pool.acquire(timeout=left) as conn:
                if isinstance(slug, str) and could_be_slug(slug):
                    await unit.load(conn, trainee_uuid(slug))
                done = use_case(unit, **kwargs)
                events = await unit.commit(conn)
        except asyncpg.UniqueViolationError:  # the trainee's version was stored meanwhile
            raise ConcurrentChange from None
        except _AWAY:
            raise StoreUnavailable from None
        self.saved(events)
        return done
