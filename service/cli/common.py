"""Helpers shared by the command modules: the database, and running async work."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg

from service.config import Settings
from service.database import Database, resolve
from service.eventstore import TraineeRegister, open_register
from service.keyring import master_keys
from service.schema import migrate


def positive(text: str) -> int:
    """A command-line count: a whole number, at least 1 (argparse says what is wrong)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1, got {value}")
    return value


def database_for(settings: Settings) -> Database:
    database = resolve(settings.database_url, settings.data_dir)
    asyncio.run(migrate(database.url))
    return database


def register_for(settings: Settings, database: Database | None = None) -> TraineeRegister:
    """The event store with one connection, keyed by the settings' master key."""
    return open_register(database or database_for(settings), 1, master_keys(settings))


def with_conn(
    settings: Settings, work: Callable[[asyncpg.Connection], Coroutine[Any, Any, Any]]
) -> Any:
    database = database_for(settings)

    async def run() -> Any:
        conn = await asyncpg.connect(database.url)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def wait_for_database(database: Database, seconds: float) -> None:
    """Return once the server accepts a connection; after `seconds`, raise what the last try did
    (a container may start before its database does)."""
    deadline = time.monotonic() + seconds

    async def ping() -> None:
        conn = await asyncpg.connect(database.url, timeout=5)
        await conn.close()

    while True:
        try:
            asyncio.run(ping())
            return
        except (OSError, asyncpg.CannotConnectNowError):
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.5)
