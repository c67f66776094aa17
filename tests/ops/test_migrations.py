"""Schema migrations: versioned, applied once, safe to run twice or at the same time."""

from __future__ import annotations

import asyncio
from importlib.resources import files

import asyncpg

from service.schema import available, expected_version, migrate
from tests.cli.test_cli import environment, trainees


async def tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r["tablename"] for r in rows}
    finally:
        await conn.close()


def test_migrate_applies_every_migration_once(fresh_database):
    env = environment(DATABASE_URL=fresh_database.url)
    first = trainees("migrate", env=env).stdout
    assert "0001_initial.sql" in first and "0003_audit_log_and_rate_limits.sql" in first
    assert trainees("migrate", env=env).stdout.strip() == "schema is up to date"
    assert {"audit_log", "rate_limit_counters", "projection_state"} <= asyncio.run(
        tables(fresh_database.url)
    )


async def test_migrations_started_together_apply_once(fresh_database):
    done = await asyncio.gather(*(migrate(fresh_database.url) for _ in range(3)))
    assert sorted(len(names) for names in done) == [0, 0, len(available())]
    conn = await asyncpg.connect(fresh_database.url)
    versions = await conn.fetch("SELECT version FROM schema_migrations ORDER BY version")
    await conn.close()
    assert [r["version"] for r in versions] == [v for v, _, _ in available()]
    assert versions[-1]["version"] == expected_version()


async def test_the_audit_and_rate_limit_migration_can_run_again(migrated_database):
    sql = files("service.migrations").joinpath("0003_audit_log_and_rate_limits.sql").read_text()
    conn = await asyncpg.connect(migrated_database.url)
    try:
        await conn.execute(sql)
        assert (
            await conn.fetchval("SELECT position FROM projection_state WHERE name = 'audit_log'")
            == 0
        )
        persistence = await conn.fetchval(
            "SELECT relpersistence::text FROM pg_class WHERE relname = 'rate_limit_counters'"
        )
        assert persistence == "u"  # unlogged
    finally:
        await conn.close()
