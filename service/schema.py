"""Versioned schema migrations: numbered SQL files applied once each, under an advisory lock."""

from __future__ import annotations

from importlib.resources import files

import asyncpg

_LOCK_KEY = 7_204_311  # advisory lock id shared by every migrating process


def available() -> list[tuple[int, str, str]]:
    """Every migration shipped with the service: (version, name, SQL), in order."""
    found = []
    for entry in files("service.migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text()))
    return sorted(found)


async def applied(conn: asyncpg.Connection) -> set[int]:
    """Versions already applied to this database."""
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return set()
    return {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}


async def migrate(dsn: str) -> list[str]:
    """Apply every pending migration; returns the names applied (none when up to date)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_KEY)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = await applied(conn)
        names = []
        for version, name, sql in available():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name
                )
            names.append(name)
        return names
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_KEY)
        await conn.close()


def expected_version() -> int:
    """The schema version this code needs."""
    return available()[-1][0]
