"""Driving the service with wrk over loopback HTTP."""

from __future__ import annotations

import shutil
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

INSTALL = "wrk is not installed: on Debian or Ubuntu run `apt-get update && apt-get install -y wrk`"


class WrkMissing(RuntimeError):
    """wrk is not on the PATH."""


def executable() -> str:
    """The wrk program, or WrkMissing with how to install it."""
    found = shutil.which("wrk")
    if found is None:
        raise WrkMissing(INSTALL)
    return found


@dataclass(frozen=True)
class Load:
    """What wrk measured: requests, seconds, failures, and latency percentiles."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    cpu_ms: float | None = None  # the server's CPU time per request
    db_cpu_ms: float | None = None  # the database's, when it runs on this machine

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def combined(loads: list[Load]) -> Load:
    """Several runs of one scenario as one: their requests, seconds and errors added, CPU per
    request over all of them, the median of their p50s and the highest of their p99s."""
    requests = sum(load.requests for load in loads)

    def per_request(cpu: list[tuple[float | None, int]]) -> float | None:
        if not requests or any(ms is None for ms, _ in cpu):
            return None
        return sum((ms or 0.0) * n for ms, n in cpu) / requests

    return Load(
        requests=requests,
        seconds=sum(load.seconds for load in loads),
        errors=sum(load.errors for load in loads),
        p50_ms=statistics.median(load.p50_ms for load in loads),
        p99_ms=max(load.p99_ms for load in loads),
        cpu_ms=per_request([(load.cpu_ms, load.requests) for load in loads]),
        db_cpu_ms=per_request([(load.db_cpu_ms, load.requests) for load in loads]),
    )


def parse(output: str) -> Load:
    """The BENCH_RESULT line the script's done() prints (non-2xx/3xx answers count as errors)."""
    for line in output.splitlines():
        if line.startswith("BENCH_RESULT "):
            requests, micros, *errors, p50, p99 = (int(v) for v in line.split()[1:])
            return Load(requests, micros / 1e6, sum(errors), p50 / 1000, p99 / 1000)
    raise RuntimeError(f"wrk printed no result:\n{output}")


def run(url: str, script: Path, clients: int, seconds: float) -> Load:
    """Run wrk (one thread: enough for these rates, and it leaves the CPU to the service)."""
    command = [executable(), "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s",
               "--timeout", "10s", "-s", str(script), url]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse(done.stdout)
