"""A description of the machine and database a bench ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

import asyncpg


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


async def describe(url: str, embedded: bool) -> dict[str, str]:
    """CPU, cores, memory, OS, Python, PostgreSQL and wrk versions, and how busy it was."""
    conn = await asyncpg.connect(url)
    try:
        server = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return {
        "cpu": _cpu(),
        "cores": str(os.cpu_count()),
        "memory": _memory(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": f"{server} ({'embedded, Unix socket' if embedded else 'DATABASE_URL'})",
        "wrk": _wrk(),
        "load": f"{os.getloadavg()[0]:.2f} (1-minute load average at the start)",
    }
