"""Fixtures for the auditors' side: audit tokens, and the audit log caught up."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from projections import audit_log
from service.audit.tokens import issue_audit_token
from service.database import Database
from service.eventstore import blind_mapper


@dataclass(frozen=True)
class AuditCredentials:
    token_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def audit_token(database: Database, *ukprns: str) -> AuditCredentials:
    """An audit token for these providers, or for every provider when none is named."""
    conn = await asyncpg.connect(database.url)
    try:
        token_id, token = await issue_audit_token(
            conn, list(ukprns), all_providers=not ukprns, expires_on=None, name="A. Auditor"
        )
    finally:
        await conn.close()
    return AuditCredentials(token_id, token)


async def catch_up(database: Database) -> None:
    """Apply every pending event to the audit log, as the projection worker does."""
    conn = await asyncpg.connect(database.url)
    try:
        while await audit_log.step(conn, blind_mapper(), 10_000):
            pass
    finally:
        await conn.close()


@pytest.fixture
async def auditor(database: Database, provider: Any) -> AuditCredentials:
    """An audit token scoped to the test's provider."""
    return await audit_token(database, provider.ukprn)


@dataclass(frozen=True)
class Store:
    """A database of its own, for tests that tamper with stored rows, and an app on it."""

    database: Database
    client: Any
    provider: Any
    auditor: AuditCredentials


@pytest.fixture(scope="module")
async def store(settings: Any, database: Database) -> AsyncIterator[Store]:
    """A fresh migrated database with the app, a provider and its auditor; dropped after."""
    import dataclasses

    from litestar.testing import AsyncTestClient

    from service.app import create_app
    from service.schema import migrate
    from tests.conftest import new_provider

    name = f"trainees_audit_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(database.url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    own = database.with_dbname(name)
    await migrate(own.url)
    app = create_app(dataclasses.replace(settings, database_url=own.url), own)
    try:
        async with AsyncTestClient(app=app) as client:
            provider = await new_provider(own)
            yield Store(own, client, provider, await audit_token(own, provider.ukprn))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
