"""Changes made by other processes, heard as they commit: what a process keeps in memory from
the database, and drops when what it was taken from changes.

Triggers announce a change on a PostgreSQL channel when it commits (migrations 0012 and 0014).
Each process listens on one connection of its own, for every channel something in it keeps;
what keeps something subscribes a `forget` to its channel. A process may keep things only while
it listens (`listening`): when the connection is lost, every subscriber forgets at once, and
again when listening starts anew (changes made meanwhile were not heard). `forgotten` counts
those moments, so that what was read from the database before one of them is not kept after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import asyncpg

from service.outages import ANY_DATABASE_ERROR

log = logging.getLogger("trainees.changes")

TOKENS = "trainees_tokens"  # a token or its provider changed (migration 0012)
REGISTER = "trainees_register"  # a school or a training partner changed (migration 0014)
LISTEN_AGAIN = 1.0  # seconds between attempts to listen again once the connection is lost
NAME = "trainees changes"  # the listening connection's application_name


class Changes:
    """One process's listening connection and what forgets on each of its channels."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._forgets: dict[str, list[Callable[[], None]]] = {}
        self._listening = False
        self._heard = asyncio.Event()  # set once listening has started
        self._forgotten = 0

    def on(self, channel: str, forget: Callable[[], None]) -> None:
        """Call `forget` on each change announced on the channel, and whenever changes may
        have gone unheard (subscribe before `follow` starts)."""
        self._forgets.setdefault(channel, []).append(forget)

    @property
    def listening(self) -> bool:
        """Whether changes are heard now: only then may anything be kept."""
        return self._listening

    @property
    def forgotten(self) -> int:
        """How many times subscribers were told to forget (a change heard, or maybe missed):
        an answer read while this moved may predate a change, and is not to be kept."""
        return self._forgotten

    async def heard(self, timeout: float) -> bool:
        """Wait (at most `timeout` seconds) until changes can be heard; whether they can."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._heard.wait(), timeout)
        return self._listening

    def _forget_all(self) -> None:
        self._forgotten += 1
        for forgets in self._forgets.values():
            for forget in forgets:
                forget()

    def _lost(self) -> None:
        self._listening = False
        self._forget_all()

    async def follow(self, dsn: str) -> None:
        """Listen on every subscribed channel (a background task, forever), connecting again
        each time the connection is lost."""
        while True:
            with contextlib.suppress(*ANY_DATABASE_ERROR):
                conn = await asyncpg.connect(
                    dsn, timeout=self.timeout, server_settings={"application_name": NAME}
                )
                await self._listen(conn)
            log.warning("changes cannot be heard: nothing is kept from the database meanwhile")
            await asyncio.sleep(LISTEN_AGAIN)

    async def _listen(self, conn: asyncpg.Connection) -> None:
        """Listen on one connection until it is lost."""
        closed = asyncio.Event()

        def lost(_: object) -> None:
            self._lost()
            closed.set()

        conn.add_termination_listener(lost)
        try:
            for channel, forgets in self._forgets.items():
                await conn.add_listener(channel, self._calling(forgets))
            self._forget_all()  # changes made while nobody listened
            self._listening = True
            self._heard.set()
            await closed.wait()
        finally:
            self._lost()
            conn.terminate()

    def _calling(self, forgets: list[Callable[[], None]]) -> Callable[..., None]:
        def heard(*_: object) -> None:
            self._forgotten += 1
            for forget in forgets:
                forget()

        return heard
