"""Measures without HTTP: the rebuild command, a raw read of the events, a trainee's history."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import asyncpg

from domain.values import Actor
from projections.trainee_view import trainee_row
from service.audit.history import history, render_text
from service.bench import procs, trainees
from service.bench.database import bench_master_keys
from service.bench.seed import Seeded
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
    cpu_s: float = 0.0  # the command's CPU, its replay processes' included
    db_cpu_s: float | None = None  # the local server's meanwhile (None: it runs elsewhere)


_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(f"peak RSS {usage.ru_maxrss} KB")
print(f"CPU {usage.ru_utime + usage.ru_stime:.3f} s")
sys.exit(os.waitstatus_to_exitcode(status))
"""
"""Runs a command and prints its peak RSS. A process started straight from the bench would
report the bench's own memory when that is larger: the kernel counts the memory of the process
that forked it, as it was when the command started, in the command's peak. Forked from this
small launcher instead, the command's peak is its own (its processes' included), and so is
its CPU time (that of the processes it waited for included)."""
_PEAK = re.compile(r"^peak RSS (\d+) KB$", re.MULTILINE)
_CPU = re.compile(r"^CPU ([\d.]+) s$", re.MULTILINE)


@dataclass(frozen=True)
class Measured:
    """A command run to its end: what it printed, its wall clock, peak memory and CPU."""

    text: str
    wall: float
    peak_rss_mb: float
    cpu_s: float


def measured(command: list[str], env: dict[str, str]) -> Measured:
    """Run a command to its end: its output, wall seconds, own peak RSS in MB and CPU time."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-c", _LAUNCHER, *command], env=env,
                               stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
        wall = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode(errors="replace")
    if code:
        raise RuntimeError(f"{' '.join(command[2:])} failed:\n{text}")
    peak, cpu = _PEAK.search(text), _CPU.search(text)
    return Measured(text, wall, int(peak.group(1)) / 1024 if peak else 0.0,
                    float(cpu.group(1)) if cpu else 0.0)  # fmt: skip


def rebuild(
    database: Database, events: int, postmaster: int | None, *, verify: bool = False
) -> Rebuilt:
    """Run `trainees projections rebuild` (or its --verify) as its own process, timing it, its
    peak memory, its CPU and, on a local server (its `postmaster`), the server's meanwhile."""
    env = {**os.environ, "DATABASE_URL": database.url}
    command = [sys.executable, "-m", "service.cli", "projections", "rebuild"]
    command += ["--verify"] if verify else []
    db_cpu = None
    if postmaster is None:  # the server runs elsewhere: its CPU is not seen from here
        run = measured(command, env)
    else:
        before = procs.cpu_seconds(postmaster)
        run = measured(command, env)
        db_cpu = procs.cpu_seconds(postmaster) - before
    found = _REPORTED.search(run.text)  # the command's own timing of the trainees read model
    count = int(found.group(1).replace(",", "")) if found else events
    seconds = float(found.group(2)) if found else run.wall
    return Rebuilt(count, seconds, run.wall, run.peak_rss_mb, run.cpu_s, db_cpu)


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


def settle(database: Database, say: Callable[[str], None]) -> None:
    """Vacuum, analyze and checkpoint, saying so, so that the timed step that follows starts
    from a quiet database with planner statistics, as a long-running one has, and with no
    checkpoint forced by the WAL of the steps before it falling among its runs."""
    say("vacuum, analyze, checkpoint")
    asyncio.run(_settle(database.url))


async def _settle(url: str) -> None:
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


@dataclass
class Writes:
    """The latencies of writes made beside another piece of work, in seconds."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0


@contextmanager
def writing(database: Database, seeded: Seeded, pause: float = 0.01) -> Iterator[Writes]:
    """While the block runs, register a new trainee every `pause` seconds through the event
    store's own write path (the trainees_save statement the API's writes make too: the
    append and the inline read-model row in one statement), one at a time."""
    register = open_register(database, 1, bench_master_keys())
    found, stop = Writes(), threading.Event()
    p = seeded.providers[0]

    def loop() -> None:
        n = 0
        while n == 0 or not stop.wait(pause):  # the first write at once: never none at all
            n += 1
            actor = Actor(source="api", provider_id=p.ref.provider_id, token_id=p.token_id,
                          api_version=HEAD.name, request_id=f"concurrent-{n}")  # fmt: skip
            trainee = trainees.copy(seeded.model, p.ref, actor, f"Concurrent{n}")
            started = time.perf_counter()
            try:
                register.save(trainee, views=[trainee_row(trainee, register.keyring)])
            except Exception:  # a write that fails counts, whatever the reason
                found.failures += 1
            found.latencies.append(time.perf_counter() - started)

    thread = threading.Thread(target=loop, name="bench-concurrent-writes", daemon=True)
    thread.start()
    try:
        yield found
    finally:
        stop.set()
        thread.join()
        register.close()
