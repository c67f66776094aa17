"""The image and the Compose file, built and run with podman on a base made from Debian's
packages; skipped where podman cannot run containers (.ci/run installs what they need)."""

from __future__ import annotations

import asyncio
import base64
import os
import re
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from projections.rebuild import status
from service.database import Database
from tests.bodies import trainee
from tests.cli.test_cli import free_port
from tests.ops import images
from tests.ops.images import DEPLOY, podman
from tests.ops.test_outages import hold_lock, in_background, until, wait_for_a_waiting_request

V = "/api/v2026.1"
MASTER_KEY = base64.b64encode(secrets.token_bytes(32)).decode()  # with DATABASE_URL, one is needed
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(scope="session")
def base_image() -> str:
    try:
        return images.base()
    except images.Unavailable as exc:
        pytest.skip(f"no container engine: {exc}")


@pytest.fixture(scope="session")
def image(base_image: str) -> str:
    return images.app(base_image)


def tcp_server() -> Database:
    """The PostgreSQL server a container on the host network reaches: DATABASE_URL's, else the
    machine's on 127.0.0.1:5432."""
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    server = Database.from_url(url)
    if server.host.startswith("/"):
        pytest.skip("DATABASE_URL names a Unix socket; a container needs a TCP address")

    async def ping() -> None:
        await (await asyncpg.connect(server.url, timeout=3)).close()

    try:
        asyncio.run(ping())
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.skip(f"no PostgreSQL server at {server.host}:{server.port}: {exc}")
    return server


@pytest.fixture
def host_database() -> Iterator[Database]:
    """A throw-away database on the machine's PostgreSQL server."""
    server = tcp_server()
    name = f"trainees_image_{secrets.token_hex(4)}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(server.url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    yield server.with_dbname(name)
    asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Containers:
    """Containers of the image started by one test, as Kubernetes runs them: host network,
    read-only root filesystem without writable scratch space, no capabilities."""

    def __init__(self, image: str, database: Database) -> None:
        self.image, self.database = image, database
        self.names: list[str] = []

    def args(self, **env: str) -> list[str]:
        settings = {"DATABASE_URL": self.database.url, "TRAINEES_MASTER_KEY": MASTER_KEY, **env}
        return [
            "--network=host",
            "--read-only",
            "--read-only-tmpfs=false",
            "--cap-drop=ALL",
            "--security-opt=no-new-privileges",
            *[f"--env={k}={v}" for k, v in settings.items()],
        ]

    def run(self, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
        """Run a command of the image to its end."""
        return podman("run", "--rm", *self.args(**env), self.image, *command)

    def start(self, role: str, *command: str, **env: str) -> str:
        name = f"trainees-test-{role}-{secrets.token_hex(3)}"
        podman("run", "--detach", f"--name={name}", *self.args(**env), self.image, *command)
        self.names.append(name)
        return name

    def remove(self) -> None:
        for name in self.names:
            podman("rm", "--force", "--time=0", name, check=False)


@pytest.fixture
def containers(image: str, host_database: Database) -> Iterator[Containers]:
    started = Containers(image, host_database)
    yield started
    started.remove()


def state(name: str) -> dict[str, Any]:
    found = podman("inspect", "--format", "{{json .State}}", name).stdout
    import json

    return json.loads(found)  # type: ignore[no-any-return]


def exit_code_after_stop(name: str) -> int:
    """`podman stop --time 10`: SIGTERM, then SIGKILL (exit 137) if still running after 10 s."""
    podman("stop", "--time=10", name, timeout=60)
    return int(state(name)["ExitCode"])


def token_through(run: Any, ukprn: str) -> dict[str, str]:
    run("providers", "add", "--name", "Container College", "--ukprn", ukprn)
    issued = run("tokens", "issue", "--ukprn", ukprn).stdout
    match = re.search(r"token:\s+(\S+)", issued)
    assert match is not None, issued
    return {"Authorization": f"Bearer {match.group(1)}"}


def audit_lag(url: str) -> int:
    rows = asyncio.run(status(url))
    (audit,) = [r for r in rows if r["projection"] == "audit_log"]
    return int(audit["lag"])


def wait_ready(url: str, seconds: float = 120, logs: Callable[[], str] = str) -> None:
    """Poll /readyz until it answers 200 (bounded); on giving up, say what the service logged."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} never became ready:\n{logs()}"
        time.sleep(0.2)


def logs_of(name: str) -> Callable[[], str]:
    def read() -> str:
        found = podman("logs", name, check=False)
        return (found.stdout + found.stderr)[-3000:]

    return read


def test_the_image_runs_as_a_user_without_root_on_a_read_only_filesystem(image, base_image):
    config = podman("image", "inspect", "--format", "{{.Config.User}}", image).stdout.strip()
    assert config == "10001:10001"
    probe = podman(
        "run", "--rm", "--read-only", "--read-only-tmpfs=false", "--entrypoint=sh", image, "-c",
        "id; for d in / /app /app/.venv /tmp; do touch $d/x 2>/dev/null && echo $d; done; true",
    ).stdout.split()  # fmt: skip
    assert probe == ["uid=10001(trainees)", "gid=10001(trainees)", "groups=10001(trainees)"]
    listed = podman(
        "run", "--rm", "--entrypoint=sh", image, "-c",
        "ls -A /app; for t in uv gcc cc make apt-get; do command -v $t; done; true",
    ).stdout.split()  # fmt: skip
    assert listed == [".venv", "/usr/bin/apt-get"]  # no sources, no uv, no compiler
    no_embedded = podman("run", "--rm", "--read-only", image, "migrate", check=False)
    assert no_embedded.returncode == 2
    assert "DATABASE_URL must be set" in no_embedded.stderr


def test_the_image_migrates_serves_writes_and_stops_without_losing_a_request(containers):
    url = containers.database.url
    migrated = containers.run("migrate")
    assert migrated.stdout.startswith("applied: 0001_initial.sql"), migrated.stdout
    assert containers.run("migrate").stdout.strip() == "schema is up to date"

    port = free_port()
    api = containers.start("api", TRAINEES_PORT=str(port))
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, logs=logs_of(api))
    assert state(api)["Running"]
    headers = token_through(containers.run, "55577001")
    created = httpx.post(base + f"{V}/trainees", json={"data": trainee()}, headers=headers)
    assert created.status_code == 201, created.text
    slug = created.json()["data"]["trainee_id"]
    read = httpx.get(base + f"{V}/trainees/{slug}", headers=headers)
    assert read.status_code == 200
    assert read.json()["trainee_id"] == slug
    assert read.json()["first_names"] == created.json()["data"]["first_names"]

    assert audit_lag(url) > 0  # nothing follows the event store yet
    worker = containers.start("worker", "projections", "run")
    until(lambda: audit_lag(url) == 0, 60)

    locker = hold_lock(url, "traineeregister_events", "EXCLUSIVE")
    in_flight = in_background(
        lambda: httpx.post(base + f"{V}/trainees", json={"data": trainee()}, headers=headers)
    )
    try:
        wait_for_a_waiting_request(url)
        podman("kill", "--signal=TERM", api)
        time.sleep(0.5)  # the service is now shutting down, the write still waiting
        assert state(api)["Running"]
    finally:
        locker.close()
    finished = in_flight()
    assert finished.status_code == 201, finished.text
    stopped = podman("wait", api, timeout=10)  # uvicorn's graceful shutdown ends within 10 s
    assert stopped.stdout.strip() == "0"

    until(lambda: audit_lag(url) == 0, 60)
    assert exit_code_after_stop(worker) == 0
    kept = Database.from_url(url)

    async def count() -> int:
        conn = await asyncpg.connect(kept.url)
        try:
            return int(await conn.fetchval("SELECT count(*) FROM trainees"))
        finally:
            await conn.close()

    assert asyncio.run(count()) == 2


@pytest.fixture
def compose_project(image: str, base_image: str) -> Iterator[tuple[str, int]]:
    """The Compose file with its Debian override, brought up with podman-compose and torn down."""
    if subprocess.run(["which", "podman-compose"], capture_output=True).returncode != 0:
        pytest.skip("podman-compose not installed (apt-get install podman-compose)")
    images.postgres(base_image)
    project = f"trainees-test-{secrets.token_hex(3)}"
    port = free_port()
    files = ["-p", project, "-f", "compose.yaml", "-f", "compose.debian.yaml"]
    env = {
        **images.env(),
        "API_PORT": str(port),
        "POSTGRES_PASSWORD": secrets.token_hex(8),
        "TRAINEES_MASTER_KEY": MASTER_KEY,
    }

    def compose(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["podman-compose", *files, *args],
            cwd=DEPLOY,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    up = compose("up", "--detach")
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield project, port
    finally:
        compose("down", "--volumes")


def test_the_compose_file_comes_up_with_podman_compose(compose_project):
    project, port = compose_project
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, logs=logs_of(f"{project}_api_1"))
    assert state(f"{project}_migrate_1")["ExitCode"] == 0

    def exec_(*args: str) -> subprocess.CompletedProcess[str]:
        return podman("exec", f"{project}_api_1", "trainees", *args)

    headers = token_through(exec_, "55577002")
    created = httpx.post(base + f"{V}/trainees", json={"data": trainee()}, headers=headers)
    assert created.status_code == 201, created.text
    slug = created.json()["data"]["trainee_id"]
    assert httpx.get(base + f"{V}/trainees/{slug}", headers=headers).status_code == 200

    def caught_up() -> bool:
        checks = httpx.get(base + "/readyz").json()["checks"]
        return bool(checks["projections"]["audit_log"]["lag"] == 0)

    until(caught_up, 60)
    assert "audit_log" in exec_("projections", "status").stdout
    for role in ("api", "worker"):
        assert exit_code_after_stop(f"{project}_{role}_1") == 0
