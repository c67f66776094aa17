"""A real `trainees serve` process on the test database, and a provider with trainees in it,
for the tests that drive the API from its own OpenAPI documents."""

from __future__ import annotations

import asyncio
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.database import Database
from tests.bodies import trainee
from tests.cli.test_cli import environment
from tests.conftest import ProviderCredentials, new_provider
from tests.ops.conftest import Server

VERSIONS = ("v0.1", "v1.0-pre", "v2025.0", "v2026.0", "v2026.1")


@dataclass
class LiveApi:
    """The running service and one provider of it."""

    url: str
    provider: ProviderCredentials
    trainees: list[dict[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return self.provider.headers


@pytest.fixture(scope="session")
def live_api(database: Database) -> Iterator[LiveApi]:
    """`trainees serve` on the test database (no rate limit to speak of, two versions marked
    for retirement), with a provider whose two trainees each have a placement and a degree."""
    env = environment(
        DATABASE_URL=database.url,
        TRAINEES_RATE_LIMIT="100000000",
        TRAINEES_WRITE_POOL_SIZE="2",
        TRAINEES_READ_POOL_SIZE="2",
        TRAINEES_VERSION_SUNSET="v0.1=2025-07-10,v2025.0=2026-08-11",  # their headers fuzzed too
    )
    log = Path(tempfile.mkdtemp(prefix="trainees-live-")) / "serve.log"
    server = Server(env, log)
    try:
        live = LiveApi(server.url, asyncio.run(new_provider(database)))
        for name in ("Ada", "Grace"):
            body = {"data": trainee(first_names=name)}
            created = httpx.post(
                f"{server.url}/api/v2026.1/trainees", json=body, headers=live.headers, timeout=30
            )
            assert created.status_code == 201, created.text
            live.trainees.append(created.json()["data"])
        yield live
    finally:
        server.stop(signal.SIGTERM)
