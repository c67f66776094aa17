"""A description of the machine and database a bench ran on."""

from __future__ import annotations

import hashlib
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import asyncpg
import msgspec


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        return f"{kib / 1024**2:.0f} GiB"
    except (OSError, IndexError, ValueError):
        return "unknown"


def _wrk() -> str:
    try:
        done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=5)
        return (done.stdout or done.stderr).split(" Copyright")[0].strip()
    except OSError:
        return "not installed"


def cores() -> int:
    """The machine's cores, as the report describes them and the rebuild's CPU budget counts."""
    return os.cpu_count() or 1


async def describe(url: str, embedded: bool) -> dict[str, str]:
    """CPU, cores, memory, OS, Python, PostgreSQL and wrk versions, and how busy it was."""
    conn = await asyncpg.connect(url)
    try:
        server = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return {
        "cpu": _cpu(),
        "cores": str(cores()),
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": f"{server} ({'embedded, Unix socket' if embedded else 'DATABASE_URL'})",
        "wrk": _wrk(),
        "load": f"{os.getloadavg()[0]:.2f} (1-minute load average at the start)",
    }


_PROBE_DOCUMENT = {
    "trainee_id": "hUVRcq8JvrmoXor24jpFnNhU", "first_names": "Ann", "last_name": "Smith",
    "date_of_birth": "1990-01-01", "course_subject_1": "100346", "itt_start_date": "2026-09-01",
    "placements": [{"urn": "900020", "name": "A school"}] * 2, "state": "trn_received",
}  # fmt: skip


def cpu_probe(rounds: int = 5) -> float:
    """Milliseconds of CPU that a fixed piece of the service's kind of work takes (documents
    encoded, decoded, hashed and folded into dicts, about 0.1 s): the median of `rounds`.
    Taken at a bench's start and end, it tells a machine that slowed down or sped up in
    between (a shared one does) from a change in the code."""
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for i in range(20_000):
            encoded = msgspec.json.encode({**_PROBE_DOCUMENT, "version": i})
            decoded = msgspec.json.decode(encoded)
            hashlib.sha256(encoded).digest()
            {key: str(value) for key, value in decoded.items()}
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000
