"""Bounded waits on the database: a read pool that gives up, and a write executor with deadlines.

A wait that runs out raises TimeoutError (reads) or StoreUnavailable (writes); the app answers
both with 503, so a request never hangs on a database that is away or overloaded.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

import asyncpg
from asyncpg.pool import PoolAcquireContext

from service.commands import StoreUnavailable

P = ParamSpec("P")
T = TypeVar("T")

OVERDUE: contextvars.ContextVar[asyncio.Event | None] = contextvars.ContextVar(
    "overdue", default=None
)
"""Set by a caller that answers the client itself at the deadline (an idempotent request): its
write is then awaited to the end, and this event is set when the deadline passes."""


class ReadConnection(asyncpg.Connection):
    """A read connection: reads leave no session state, so a release needs no reset query."""

    def get_reset_query(self) -> str:
        return ""


class TimedPool(asyncpg.Pool):
    """An asyncpg pool whose acquire (also inside fetch, execute...) waits at most `timeout`."""

    acquire_timeout: float = 5.0

    def acquire(self, *, timeout: float | None = None) -> PoolAcquireContext:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


async def read_pool(dsn: str, size: int, timeout: float) -> TimedPool:
    """The read pool: connecting, acquiring and every command each wait at most `timeout`."""
    pool = TimedPool(
        dsn,
        min_size=1,
        max_size=size,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        loop=None,
        connection_class=ReadConnection,
        record_class=asyncpg.Record,
        command_timeout=timeout,
        timeout=timeout,
    )
    pool.acquire_timeout = timeout
    return await pool


class DeadlineExecutor(ThreadPoolExecutor):
    """Runs write use cases in threads; a caller stops waiting after `deadline` seconds.

    Work still queued at its deadline never starts. Work already running goes on (a thread
    cannot be stopped): it may still commit after its caller was answered 503. A caller that
    sets OVERDUE waits for the work's real end instead, and is told when the deadline passed.
    """

    def __init__(self, max_workers: int, deadline: float) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="write")
        self.deadline = deadline
        self._count = threading.Lock()
        self.in_flight = 0

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        due = time.monotonic() + self.deadline
        answer: Future[T] = Future()

        def run() -> T:
            if time.monotonic() > due:
                raise StoreUnavailable("the write waited too long for a thread")
            return fn(*args, **kwargs)

        def done(work: Future[T]) -> None:
            self._add(-1)
            if work.cancelled():
                answer.cancel()
            elif (error := work.exception()) is not None:
                _settle(answer, answer.set_exception, error)
            else:
                _settle(answer, answer.set_result, work.result())

        self._add(1)
        super().submit(run).add_done_callback(done)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return answer  # not called from an event loop: the caller waits for the result
        overdue = OVERDUE.get()
        if overdue is not None:
            loop.call_later(self.deadline, overdue.set)
            return answer
        # The timer holds the answer weakly: a finished write's result is not kept alive
        # (and scanned by the garbage collector) until its deadline passes.
        loop.call_later(self.deadline, _expire, weakref.ref(answer))
        return answer

    def _add(self, n: int) -> None:
        with self._count:
            self.in_flight += n


def _expire(answer: weakref.ref[Future[Any]]) -> None:
    """The deadline passed: answer 503 unless the write already answered (or is gone)."""
    future = answer()
    if future is not None:
        _settle(future, future.set_exception, StoreUnavailable("the write timed out"))


def _settle(future: Future[Any], settle: Callable[[Any], None], value: Any) -> None:
    """Settle a future unless it already is (the deadline and the work race)."""
    if not future.done():
        with contextlib.suppress(InvalidStateError):
            settle(value)


def bound_write_waits(register: Any, seconds: float) -> None:
    """Make each write-side call wait at most `seconds` for a pooled connection.

    eventsourcing retries a failed call up to 10 times, 0.2 s apart, so a write fails after about
    10 * (seconds + 0.2) when the database is away, instead of 10 * its connect timeout.
    """
    pool = getattr(getattr(register.recorder, "datastore", None), "pool", None)
    if pool is not None:
        pool.timeout = seconds
