"""`trainees serve --workers N`: worker processes sharing the port and the database."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.bodies import trainee
from tests.cli.test_cli import environment
from tests.ops.conftest import ROOT, Server
from tests.ops.test_outages import token_for_session, until

V = "/api/v2026.1"


def workers_of(pid: int) -> list[int]:
    """The worker processes a server process started (its children running the app)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def test_two_workers_serve_one_database_and_stop_together(database, tmp_path) -> None:
    server = Server(
        environment(DATABASE_URL=database.url, TRAINEES_RATE_LIMIT="1000000"),
        tmp_path / "serve.log",
        ("--workers", "2"),
    )
    try:
        until(lambda: len(workers_of(server.process.pid)) == 2, 30)
        headers = token_for_session(database.url)
        created = httpx.post(
            server.url + f"{V}/trainees", json={"data": trainee()}, headers=headers, timeout=30
        )
        assert created.status_code == 201, created.text
        slug = created.json()["data"]["trainee_id"]
        with httpx.Client(timeout=30) as http:  # new connections: either worker may answer
            answers = [
                http.get(
                    server.url + f"{V}/trainees/{slug}",
                    headers={**headers, "Connection": "close"},
                ).status_code
                for _ in range(20)
            ]
        assert answers == [200] * 20
        workers = workers_of(server.process.pid)
    finally:
        assert server.stop(signal.SIGTERM) == 0
    assert not any(Path(f"/proc/{w}").exists() for w in workers)
    assert "Traceback" not in server.text()


def test_a_worker_count_below_one_is_refused_by_name() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "serve", "--workers", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--workers: at least 1, got 0" in done.stderr
