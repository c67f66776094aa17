"""The HTTP runs: reads and writes through a real server, each at every concurrency."""

from __future__ import annotations

import dataclasses
import random
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path

import msgspec

from service.bench import lua, measures, offline, procs, server, wrk
from service.bench.limit import Timed
from service.bench.options import Options
from service.bench.report import Row
from service.bench.seed import Seeded
from service.bench.trainees import body, cycle_start
from service.database import Database
from service.versions import HEAD

V = f"/api/{HEAD.name}"
BARE = lua.Scenario("GET /bench/bare/{id}", "GET", "/bench/bare/" + lua.ID)
ONE = lua.Scenario(f"GET {V}/trainees/{{id}}", "GET", f"{V}/trainees/" + lua.ID)
PAGE = lua.Scenario(f"GET {V}/trainees (page of 50)", "GET", f"{V}/trainees")
BARE_PAGE = lua.Scenario("GET /bench/bare/page/{id} (the same 50)", "GET",
                         "/bench/bare/page/" + lua.ID)  # fmt: skip


def bare_write(today: date) -> lua.Scenario:
    """POST a create's body to the bare write: decoded, stored as one row, nothing else."""
    return dataclasses.replace(create(today), title="POST /bench/bare/write (a create's body)",
                               path="/bench/bare/write")  # fmt: skip


def create(today: date) -> lua.Scenario:
    """POST a new trainee; each request gets a surname of its own (no duplicates)."""
    data = msgspec.json.encode({"data": body(lua.NAME, today)}).decode()
    return lua.Scenario(f"POST {V}/trainees", "POST", f"{V}/trainees", data)


def defer(today: date) -> lua.Scenario:
    """POST defer, each request on another trainee."""
    data = msgspec.json.encode({"data": {"defer_date": cycle_start(today)}}).decode()
    return lua.Scenario(f"POST {V}/trainees/{{id}}/defer", "POST",
                        f"{V}/trainees/{lua.ID}/defer", data)  # fmt: skip


def probe(url: str, scenario: lua.Scenario, pair: tuple[str, str], name: str) -> None:
    """Send one request of the scenario; RuntimeError with the answer unless it succeeds."""
    token, slug = pair
    data = scenario.body.replace(lua.NAME, name).encode() if scenario.body else None
    request = urllib.request.Request(url + scenario.path.replace(lua.ID, slug), data=data,
                                     method=scenario.method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30):
            return
    except urllib.error.HTTPError as exc:
        answer = exc.read().decode(errors="replace")[:2000]
        raise RuntimeError(f"{scenario.title} answered {exc.code}: {answer}") from None


class Driver:
    """Runs scenarios with wrk against one server, writing scripts into a folder."""

    def __init__(self, srv: server.Server, database: int | None, folder: Path, seconds: float,
                 say: Callable[[str], None]) -> None:  # fmt: skip
        self.srv, self.database, self.folder = srv, database, folder
        self.seconds, self.say = seconds, say
        self.runs = 0

    def run(self, scenario: lua.Scenario, pairs: list[tuple[str, str]], clients: int,
            seconds: float | None = None) -> wrk.Load:  # fmt: skip
        """One wrk run of the scenario; each run's bodies and picks are its own."""
        self.runs += 1
        pairs_file = lua.write_pairs(self.folder / f"pairs-{self.runs}.txt", pairs)
        script = self.folder / f"run-{self.runs}.lua"
        script.write_text(lua.script(scenario, pairs_file, f"Bench{self.runs}x"))
        self.say(f"{scenario.title} with {clients} client(s)")
        probe(self.srv.url, scenario, pairs[-1], f"Probe{self.runs}")
        meter = procs.Meter(self.srv.cpu_seconds, self.database)
        load = wrk.run(self.srv.url, script, clients, seconds or self.seconds)
        app, db = meter.per_operation_ms(load.requests)
        load = dataclasses.replace(load, cpu_ms=app, db_cpu_ms=db)
        self.say(f"  {load.rate:,.0f} req/s, p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.1f} ms,"
                 f" CPU per request {load.cpu_ms or 0:.2f} ms (database {load.db_cpu_ms or 0:.2f})"
                 + (f", {load.errors} errors" if load.errors else ""))  # fmt: skip
        return load


ROUNDS = 4
"""A read and its bare endpoint are measured in turns, this many each, so that what else the
machine does at the time weighs on both alike."""


def alternated(
    drive: Driver,
    first: lua.Scenario,
    second: lua.Scenario,
    pairs: list[tuple[str, str]],
    clients: int,
) -> tuple[wrk.Load, wrk.Load]:
    """Both scenarios in turns, each for the run's duration in all: (first, second)."""
    seconds = max(1.0, drive.seconds / ROUNDS)
    loads: tuple[list[wrk.Load], list[wrk.Load]] = ([], [])
    for _ in range(ROUNDS):
        loads[0].append(drive.run(first, pairs, clients, seconds))
        loads[1].append(drive.run(second, pairs, clients, seconds))
    return wrk.combined(loads[0]), wrk.combined(loads[1])


def http_rows(database: Database, postmaster: int | None, seeded: Seeded,
              limits: dict[int, Timed], folder: Path, options: Options,
              say: Callable[[str], None]) -> list[Row]:  # fmt: skip
    """Start the service, warm it up, then run every scenario at every concurrency."""
    seconds, workers = options.duration, options.workers
    levels, today = sorted(limits), date.today()
    shuffled = random.Random(1).sample(seeded.trainees, len(seeded.trainees))
    reads = shuffled[:20_000]
    rows: list[Row] = []
    with server.serving(database, workers, folder / "server.log") as srv:
        drive = Driver(srv, postmaster, folder, seconds, say)
        for scenario in (BARE, ONE, BARE_PAGE, bare_write(today), create(today)):
            drive.run(scenario, reads, levels[-1], seconds=2)  # warm-up, not recorded
        warm = srv.rss_mb()
        for c in levels:
            bare, load = alternated(drive, BARE, ONE, reads, c)
            rows.append(measures.read_row(BARE.title, c, bare, None))
            rows.append(measures.read_row(ONE.title, c, load, bare))
            bare_page, load = alternated(drive, BARE_PAGE, PAGE, reads, c)
            rows.append(measures.read_row(BARE_PAGE.title, c, bare_page, None))
            rows.append(measures.read_row(PAGE.title, c, load, bare_page, "bare page"))
        # The writes start from a settled database, as the rebuilds do: a checkpoint forced by
        # the WAL of what ran before fell among them in some runs and not in others
        offline.settle(database, say)
        for n, c in enumerate(levels):
            mine = shuffled[n :: len(levels)]  # trainees no other run defers
            bare, load = alternated(drive, bare_write(today), create(today), reads, c)
            rows.append(
                measures.write_row(bare_write(today).title, c, bare, limits[c], targeted=False)
            )
            rows.append(measures.write_row(create(today).title, c, load, limits[c]))
            load = drive.run(defer(today), mine, c)
            rows.append(measures.write_row(defer(today).title, c, load, limits[c]))
            if load.requests > len(mine):
                say(f"  the defer run used all {len(mine):,} trainees: raise --events")
        rows += measures.server_rows(warm, srv.rss_mb(), srv.rss_mb(peak=True))
    return rows
