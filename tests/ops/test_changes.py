"""What a process keeps from the database, and drops when it hears of a change (or cannot)."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import asyncpg

from service.registers import Registers
from tests.bodies import trainee
from tests.conftest import new_provider, sql
from tests.ops.conftest import hearing

V = "/api/v2026.1"


async def placed_in(app: Any, provider: Any, urn: str) -> str:
    """Register a trainee placed at the school with this URN: the placement's address."""
    body = trainee(placements_attributes=[{"urn": urn}])
    answer = await app.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
    assert answer.status_code == 201, answer.text
    (placement,) = answer.json()["data"]["placements"]
    return str(placement["address"])


async def moved_unannounced(database: Any, urn: str, town: str) -> None:
    """Change a school's town without the announcement (as if it were lost)."""
    conn = await asyncpg.connect(database.url)
    try:
        async with conn.transaction():
            await conn.execute("ALTER TABLE schools DISABLE TRIGGER schools_changed")
            await conn.execute("UPDATE schools SET town = $2 WHERE urn = $1", urn, town)
            await conn.execute("ALTER TABLE schools ENABLE TRIGGER schools_changed")
    finally:
        await conn.close()


async def until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never {what}")
        await asyncio.sleep(0.02)


async def new_school(database: Any, town: str) -> str:
    urn = str(700_000 + secrets.randbelow(99_999))
    await sql(
        database,
        "INSERT INTO schools (urn, name, town, postcode) VALUES ($1, 'Elm', $2, 'LS1 1AA')"
        " ON CONFLICT (urn) DO UPDATE SET town = $2",
        urn,
        town,
    )
    return urn


async def test_a_process_keeps_the_schools_writes_name_until_one_changes(open_app, database):
    app, provider = await open_app(), await new_provider(database)
    registers = app.app.state.registers
    urn = await new_school(database, "Leeds")
    assert "Leeds" in await placed_in(app, provider, urn)
    await moved_unannounced(database, urn, "York")
    assert "Leeds" in await placed_in(app, provider, urn)  # kept: the database was not asked
    await sql(database, "UPDATE schools SET town = 'Hull' WHERE urn = $1", urn)
    await until(lambda: registers.kept == 0, "dropped on the announcement")
    assert "Hull" in await placed_in(app, provider, urn)


async def test_a_process_that_cannot_hear_changes_keeps_nothing(open_app, database):
    app, provider = await open_app(), await new_provider(database)
    registers = app.app.state.registers
    urn = await new_school(database, "Leeds")
    assert "Leeds" in await placed_in(app, provider, urn)
    assert registers.kept > 0
    await sql(
        database,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = 'trainees changes'",
    )
    await until(lambda: not registers.changes.listening, "deaf")
    for town in ("York", "Bath"):  # asked each time: nothing is kept while it cannot hear
        await moved_unannounced(database, urn, town)
        assert town in await placed_in(app, provider, urn)
    await until(lambda: registers.changes.listening, "listening again")
    assert "Bath" in await placed_in(app, provider, urn)
    await moved_unannounced(database, urn, "Cork")
    assert "Bath" in await placed_in(app, provider, urn)  # kept again once it listens


class RegisterPool:
    """Answers the register's query with nothing, counting how often it is asked."""

    def __init__(self) -> None:
        self.asked = 0

    async def fetch(self, query: str, urns: list[str], ukprns: list[str]) -> list[Any]:
        self.asked += 1
        return []


async def test_what_a_process_keeps_of_the_register_stays_small_whatever_is_named(database):
    async with hearing(database, Registers) as registers:
        pool: Any = RegisterPool()
        many = {f"{n:06d}" for n in range(Registers.LARGEST + 1)}
        for _ in range(2):  # more names than a trainee would give, or a longer one: not kept
            await registers.entries(pool, many, set())
            await registers.entries(pool, set(), {"9" * (Registers.LONGEST + 1)})
        assert (pool.asked, registers.kept) == (4, 0)
        flood = 5_000
        for n in range(flood):  # a different set each time
            await registers.entries(pool, {f"{n:06d}"}, set())
            assert registers.kept <= Registers.KEEP
        await registers.entries(pool, {f"{flood - 1:06d}"}, set())
        assert pool.asked == 4 + flood  # the newest set is still kept
