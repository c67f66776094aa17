"""Helpers shared by the command modules: the database, and running async work."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg

from service.config import Settings
from service.database import Database, resolve
from service.schema import migrate


def database_for(settings: Settings) -> Database:
    database = resolve(settings.database_url, settings.data_dir)
    asyncio.run(migrate(database.url))
    return database


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
