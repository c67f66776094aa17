"""The service under test: a real ASGI server process on loopback, stopped whatever happens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from service.bench import procs
from service.database import Database

UNLIMITED = str(10**9)  # the rate limiter still counts every request, but never refuses one


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def command(port: int, workers: int) -> list[str]:
    """`trainees serve` with this many worker processes."""
    return [sys.executable, "-m", "service.cli", "serve", "--port", str(port),
            "--workers", str(workers)]  # fmt: skip


@dataclass
class Server:
    """A running service: its URL and process."""

    url: str
    process: subprocess.Popen[bytes]

    def rss_mb(self, peak: bool = False) -> float:
        """Resident memory of the server's processes now (or the sum of their peaks), in MB."""
        return procs.rss_mb(self.process.pid, peak)

    def cpu_seconds(self) -> float:
        """CPU time the server's processes have used so far."""
        return procs.cpu_seconds(self.process.pid)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the service exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError("the service did not answer /healthz within 60 seconds")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def serving(database: Database, workers: int, log: Path) -> Iterator[Server]:
    """Start the service on a free loopback port against the database; stop it on the way out."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database.url, "TRAINEES_BENCH_ENDPOINTS": "1",
           "TRAINEES_RATE_LIMIT": UNLIMITED}  # fmt: skip
    with log.open("wb") as out:
        # A session of its own: Ctrl-C reaches the bench, which then stops the service itself.
        process = subprocess.Popen(command(port, workers), env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, process, log)
            yield Server(url, process)
        finally:
            _stop(process)
