"""One bench run: a fresh database, seeded; the offline measures, then the HTTP ones."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from service.bench import limit, machine, measures, offline, procs, seed
from service.bench.database import fresh_database
from service.bench.options import Options
from service.bench.report import Report, Row
from service.bench.seed import Seeded
from service.database import Database
from service.keyring import new_master_key

Say = Callable[[str], None]
GROUPS = ("machine", "limit", "writes", "reads", "rebuild", "history", "audit", "memory")


def say(message: str) -> None:
    """Progress on standard error."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def progress(what: str) -> seed.Progress:
    """A progress line that rewrites itself on a terminal."""

    def show(done: int, total: int) -> None:
        if done < total and not sys.stderr.isatty():
            return  # in a log, only the last line
        end = "\r" if done < total else "\n"
        print(f"bench: {what} {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)

    return show


def _settled_rebuild(
    db: Database, postmaster: int | None, seeded: Seeded, tell: Say
) -> offline.Rebuilt:
    """A rebuild timed on a settled database: the seeding's own aftermath (autovacuum of the
    new events, a checkpoint of their WAL, and the full-page images that follow it) is not
    the rebuild's work, and the raw read it is set against is timed settled too."""
    offline.settle(db, tell)
    tell(f"rebuilding {seeded.events:,} events")
    return offline.rebuild(db, seeded.events, postmaster)


def _seed_and_rebuild(
    db: Database, postmaster: int | None, options: Options, tell: Say
) -> tuple[Seeded, list[Row]]:
    """Seed a quarter of the events and rebuild, then the rest and rebuild again."""
    seeded = asyncio.run(seed.providers(db.url, options.providers, date.today()))
    asyncio.run(seed.history_trainee(db.url, seeded, options.history_events))
    quarter = max(options.events // 4 - seeded.events, 1)
    asyncio.run(seed.events(db.url, seeded, quarter, progress("seeding events")))
    small = _settled_rebuild(db, postmaster, seeded, tell)
    rest = max(options.events - seeded.events, 1)
    asyncio.run(seed.events(db.url, seeded, rest, progress("seeding events")))
    large = _settled_rebuild(db, postmaster, seeded, tell)
    offline.settle(db, tell)
    rows, seconds = asyncio.run(offline.raw_read(db.url))
    raw = measures.raw_read_row(rows, seconds)
    tell(f"rebuild --verify of {seeded.events:,} events, with a write every 10 ms beside it")
    with offline.writing(db, seeded) as during_rebuild:
        checked = offline.rebuild(db, seeded.events, postmaster, verify=True)
    tell(f"verifying the hash chain of {seeded.events:,} events, with writes beside it")
    with offline.writing(db, seeded) as during_audit:
        audit = asyncio.run(offline.verify_time(db.url))
    return seeded, [
        raw, *measures.rebuild_rows(small, large, raw.value),
        measures.rebuild_cpu_row("projections rebuild", large, measures.REBUILD_RATE),
        measures.rebuild_verify_row(checked, raw.value),
        measures.rebuild_cpu_row("projections rebuild --verify", checked, measures.VERIFY_RATE),
        measures.concurrent_write_row("projections rebuild --verify", during_rebuild),
        measures.verify_row(*audit, raw.value),
        measures.concurrent_write_row("audit verify", during_audit),
    ]  # fmt: skip


def offline_rows(
    db: Database, postmaster: int | None, options: Options, tell: Say
) -> tuple[Seeded, list[Row], dict[int, limit.Timed]]:
    """Everything but HTTP: rebuilds, history, and the insert+commit limit."""
    seeded, rows = _seed_and_rebuild(db, postmaster, options, tell)
    tell(f"history of a trainee with {options.history_events} events")
    count, times = offline.history_times(db, seeded.history_slug)
    rows.append(measures.history_row(count, times))
    limits = {}
    for c in options.connections:
        tell(f"limit: insert+commit with {c} client(s) for {options.duration:g}s")
        limits[c] = asyncio.run(limit.limit(db.url, c, options.duration, postmaster))
        rows.append(measures.limit_row(c, limits[c]))
    return seeded, rows, limits


def bench(options: Options, tell: Say = say) -> Report:
    """Run every measure on a fresh database and return the report."""
    started, clock = datetime.now(UTC), time.perf_counter()
    # A throw-away database gets a throw-away master key, shared with the processes started
    os.environ.setdefault("TRAINEES_MASTER_KEY", new_master_key())
    kind = "DATABASE_URL" if options.database_url else "embedded"
    scratch = tempfile.TemporaryDirectory(prefix="trainees-bench-run-")
    # The CPU probe runs before the bench starts anything and after it has stopped everything:
    # beside a database starting up it read about 1.5 times as long as on the idle machine.
    probe = machine.cpu_probe()
    with scratch as folder, fresh_database(options.database_url) as db:
        tell(f"fresh database ready ({kind})")
        about = asyncio.run(machine.describe(db.url, not options.database_url))
        postmaster = asyncio.run(procs.postmaster(db.url))
        seeded, rows, limits = offline_rows(db, postmaster, options, tell)
        if options.http:
            from service.bench.http import http_rows

            rows += http_rows(db, postmaster, seeded, limits, Path(folder), options, tell)
    rows += measures.probe_rows(probe, machine.cpu_probe())
    rows.sort(key=lambda r: GROUPS.index(r.group))  # stable: each group keeps its order
    return Report(started_at=started.isoformat(timespec="seconds"),
                  seconds=round(time.perf_counter() - clock, 1), machine=about,
                  options=options.public(), rows=rows)  # fmt: skip
