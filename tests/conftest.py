"""Shared fixtures: one real PostgreSQL database per test session, fresh providers per test."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import hypothesis
import pytest
from litestar.testing import AsyncTestClient

from service import accounts
from service.config import Settings
from service.database import Database, embedded
from service.keyring import new_master_key
from service.schema import migrate

# Every test, and every command a test starts, seals personal data with this session's key.
os.environ.setdefault("TRAINEES_MASTER_KEY", new_master_key())

# Property tests draw their inputs on a machine whose cores the database and the served
# processes share: a slow draw there says nothing about the property.
hypothesis.settings.register_profile(
    "shared-cores", suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("shared-cores")


@dataclass(frozen=True)
class ProviderCredentials:
    """A provider created for one test, with a valid token."""

    provider_id: str
    ukprn: str
    token_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _server() -> Database:
    url = os.environ.get("DATABASE_URL")
    if url:
        return Database.from_url(url)
    data_dir = Path(tempfile.mkdtemp(prefix="trainees-test-", dir="/tmp"))
    return embedded(data_dir)


@pytest.fixture(scope="session")
def database() -> Iterator[Database]:
    """A new, migrated database on the embedded server, or on DATABASE_URL's server."""
    import asyncio

    server = _server()
    name = f"trainees_test_{os.getpid()}_{secrets.token_hex(3)}"

    async def create() -> None:
        conn = await asyncpg.connect(server.url)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        await migrate(server.with_dbname(name).url)

    async def drop() -> None:
        conn = await asyncpg.connect(server.url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(create())
    yield server.with_dbname(name)
    asyncio.run(drop())


@pytest.fixture(scope="session")
def settings(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database.url,
        data_dir=tmp_path_factory.mktemp("data"),
        write_pool_size=4,
        read_pool_size=4,
        current_version="v2026.1",
        rate_limit=1_000_000,  # every test client shares one address; tests/ops tests the limit
        master_key=os.environ["TRAINEES_MASTER_KEY"],
    )


@pytest.fixture(scope="session")
async def client(settings: Settings, database: Database) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    """An HTTP client talking to the real application on the test database."""
    from service.app import create_app

    async with AsyncTestClient(app=create_app(settings, database)) as c:
        yield c


async def sql(database: Database, statement: str, *args: Any) -> Any:
    """Run one statement directly in PostgreSQL, as someone with access to the rows would."""
    conn = await asyncpg.connect(database.url)
    try:
        return await conn.fetch(statement, *args)
    finally:
        await conn.close()


async def new_provider(database: Database, expires_on: object = None) -> ProviderCredentials:
    """Register a provider with a random UKPRN and issue it a token."""
    ukprn = str(secrets.randbelow(90_000_000) + 10_000_000)
    conn = await asyncpg.connect(database.url)
    try:
        provider_id = await accounts.add_provider(conn, f"Provider {ukprn}", ukprn, None)
        token_id, token = await accounts.issue_token(conn, ukprn, expires_on)  # type: ignore[arg-type]
    finally:
        await conn.close()
    return ProviderCredentials(provider_id, ukprn, token_id, token)


@pytest.fixture
async def provider(database: Database) -> ProviderCredentials:
    return await new_provider(database)


@pytest.fixture
async def other_provider(database: Database) -> ProviderCredentials:
    return await new_provider(database)
