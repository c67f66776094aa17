"""Local processes seen through /proc: a process tree's CPU time and resident memory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import asyncpg


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (empty when it is gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        found.append(current := todo.pop())
        todo += children.get(current, [])
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU time used so far by the process and its descendants, those that
    exited included (a PostgreSQL backend's time moves to the server's once it is reaped)."""
    ticks = sum(sum(map(int, f[11:15])) for p in tree(pid) if (f := _stat(p)))
    return ticks / os.sysconf("SC_CLK_TCK")


def _kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb(pid: int, peak: bool = False) -> float:
    """Resident memory of the process and its descendants now (or the sum of their peaks)."""
    field = "VmHWM" if peak else "VmRSS"
    return sum(_kib(p, field) for p in tree(pid)) / 1024


async def postmaster(url: str) -> int | None:
    """The PostgreSQL server's main process when it runs on this machine, else None."""
    conn = await asyncpg.connect(url)
    try:  # read while the backend lives: a closed one may already be gone
        fields = _stat(int(await conn.fetchval("SELECT pg_backend_pid()")))
    finally:
        await conn.close()
    if not fields:
        return None  # the server is elsewhere: its processes are not ours to see
    parent = int(fields[1])
    comm = Path(f"/proc/{parent}/comm")
    return parent if comm.exists() and comm.read_text().startswith("postgres") else None


class Meter:
    """CPU time per operation of the client or server under test and of a local database."""

    def __init__(self, app: Callable[[], float], database: int | None) -> None:
        self.app, self.database = app, database
        self.started = self._now()

    def _now(self) -> tuple[float, float | None]:
        return self.app(), None if self.database is None else cpu_seconds(self.database)

    def per_operation_ms(self, operations: int) -> tuple[float | None, float | None]:
        """(app, database) CPU milliseconds per operation since the meter started."""
        (app0, db0), (app1, db1) = self.started, self._now()
        if not operations:
            return None, None
        per = 1000 / operations
        return (app1 - app0) * per, None if db0 is None or db1 is None else (db1 - db0) * per
