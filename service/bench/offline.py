"""Measures without HTTP: the rebuild command, a raw read of the events, a trainee's history."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import asyncpg

from service.audit.history import history, render_text
from service.bench.database import bench_master_keys
from service.database import Database
from service.eventstore import EVENTS_TABLE, open_register
from service.versions import HEAD

_REPORTED = re.compile(r"^trainees: ([\d,]+) events into .* in ([\d.]+)s", re.MULTILINE)


@dataclass(frozen=True)
class Rebuilt:
    """One run of `trainees projections rebuild`."""

    events: int
    seconds: float  # the trainees read model, as the command reports it
    wall: float  # the whole command: start-up, every projection, exit
    peak_rss_mb: float


def measured(command: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """Run a command to its end: (its output, wall seconds, its own peak RSS in MB)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            # wait4, not wait: the peak memory of this child alone, not of every child so far
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            process.wait()
            raise
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode(errors="replace")
    if process.returncode:
        raise RuntimeError(f"{' '.join(command[2:])} failed:\n{text}")
    return text, wall, usage.ru_maxrss / 1024


def rebuild(database: Database, events: int) -> Rebuilt:
    """Run `trainees projections rebuild` as its own process, timing it and its peak memory."""
    env = {**os.environ, "DATABASE_URL": database.url}
    command = [sys.executable, "-m", "service.cli", "projections", "rebuild"]
    text, wall, peak = measured(command, env)
    found = _REPORTED.search(text)  # the command's own timing of the trainees read model
    count = int(found.group(1).replace(",", "")) if found else events
    return Rebuilt(count, float(found.group(2)) if found else wall, wall, peak)


async def raw_read(url: str) -> tuple[int, float]:
    """Read every event row as the rebuild does, without decoding: (rows, seconds)."""
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        rows = 0
        async with conn.transaction(isolation="repeatable_read"):
            cursor = conn.cursor(f"SELECT originator_id, originator_version, topic, state FROM "
                                 f"{EVENTS_TABLE} ORDER BY originator_id, originator_version",
                                 prefetch=5000)  # fmt: skip
            async for _ in cursor:
                rows += 1
        return rows, time.perf_counter() - started
    finally:
        await conn.close()


async def settle(url: str) -> None:
    """Vacuum, analyze and checkpoint after seeding, so the timed runs start from a quiet
    database with planner statistics, as a long-running one has."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("VACUUM ANALYZE")
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def verify_time(url: str) -> tuple[int, float, bool]:
    """Verify the whole store as `trainees audit verify` does: (events, seconds, verified)."""
    from service.audit.chain import verify_store

    started = time.perf_counter()
    result = await verify_store(url)
    return result.events, time.perf_counter() - started, result.verified


def history_times(database: Database, slug: str, repeat: int = 5) -> tuple[int, list[float]]:
    """Load and render a trainee's history `repeat` times: (events, seconds of each)."""
    register = open_register(database, 1, bench_master_keys())
    mapper = register.mapper

    async def run() -> tuple[int, list[float]]:
        conn = await asyncpg.connect(database.url)
        try:
            times, count = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                found = await history(conn, mapper, slug, HEAD)
                render_text(found or {"events": []}, with_state=False)
                times.append(time.perf_counter() - started)
                count = len(found["events"]) if found else 0
            return count, times
        finally:
            await conn.close()

    try:
        return asyncio.run(run())
    finally:
        register.close()
