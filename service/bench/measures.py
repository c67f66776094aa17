"""Turning raw measurements into table rows, each with its baseline ratio and target."""

from __future__ import annotations

import statistics

from service.bench import machine
from service.bench.limit import Timed
from service.bench.offline import Rebuilt, Writes
from service.bench.report import Row
from service.bench.wrk import Load

WRITE_SHARE, READ_SHARE, PAGE_SHARE, WRITE_P99_MS, FLAT = 0.25, 0.8, 0.6, 50.0, 1.25
DEFER_SHARE = 0.3
REBUILD_RATE = VERIFY_RATE = 100_000  # events/s; the rebuild's --verify at least as fast
CONCURRENT_WRITE_P99_MS = 100.0  # a write while a rebuild or a verification runs
TARGET_CLIENTS = 16
PROBE_DRIFT = 0.15  # the CPU probe at the end this close to the start: the machine held its speed


def limit_row(clients: int, timed: Timed) -> Row:
    """Raw asyncpg insert+commit transactions per second."""
    return Row(group="limit", name="asyncpg insert+commit (events-table shape)",
               clients=clients, value=timed.rate, unit="tx/s", p50_ms=timed.percentile_ms(50),
               p99_ms=timed.percentile_ms(99), cpu_ms=timed.cpu_ms,
               db_cpu_ms=timed.db_cpu_ms)  # fmt: skip


def write_row(name: str, clients: int, load: Load, limit: Timed, *, targeted: bool = True) -> Row:
    """A write endpoint against the limit at the same concurrency (`targeted=False`: a bare
    one, measured for comparison only)."""
    ratio = load.rate / limit.rate if limit.rate else 0.0
    row = Row(group="writes", name=name, clients=clients, value=load.rate, unit="req/s",
              p50_ms=load.p50_ms, p99_ms=load.p99_ms, cpu_ms=load.cpu_ms, db_cpu_ms=load.db_cpu_ms,
              errors=load.errors, ratio=ratio, ratio_to="limit")  # fmt: skip
    if targeted and clients >= TARGET_CLIENTS:
        share = DEFER_SHARE if "/defer" in name else WRITE_SHARE
        row.target = f">={share:.2f}x limit, p99<{WRITE_P99_MS:.0f}ms"
        row.met = ratio >= share and load.p99_ms < WRITE_P99_MS and not load.errors
    return row


def read_row(
    name: str, clients: int, load: Load, bare: Load | None, bare_name: str = "bare"
) -> Row:
    """A read endpoint against its bare endpoint at the same concurrency (None: it is a bare
    one); the one-trainee read must reach its share at every concurrency, the page at 16."""
    row = Row(group="reads", name=name, clients=clients, value=load.rate, unit="req/s",
              p50_ms=load.p50_ms, p99_ms=load.p99_ms, cpu_ms=load.cpu_ms,
              db_cpu_ms=load.db_cpu_ms, errors=load.errors)  # fmt: skip
    if bare is not None:
        row.ratio, row.ratio_to = (load.rate / bare.rate if bare.rate else 0.0), bare_name
        share = READ_SHARE if bare_name == "bare" else PAGE_SHARE
        if bare_name == "bare" or clients >= TARGET_CLIENTS:
            row.target = f">={share:.2f}x {bare_name}"
            row.met = row.ratio >= share and not load.errors
    return row


def raw_read_row(rows: int, seconds: float) -> Row:
    """A plain SELECT of every event, undecoded: the rebuild's baseline."""
    return Row(group="rebuild", name="raw SELECT of the events (baseline)",
               value=rows / seconds if seconds else 0.0, unit="events/s")  # fmt: skip


def rebuild_rows(small: Rebuilt, large: Rebuilt, raw_rate: float) -> list[Row]:
    """Rebuild rate at the full size against the raw read (one replay makes both the trainees
    read model and the audit log); its memory at two sizes."""
    rate = large.events / large.seconds if large.seconds else 0.0
    speed = Row(group="rebuild", name=f"projections rebuild, {large.events:,} events"
                " (trainees and audit_log)",
                value=rate, unit="events/s", ratio=rate / raw_rate if raw_rate else 0.0,
                ratio_to="raw SELECT", target=f">={REBUILD_RATE:,} events/s",
                met=rate >= REBUILD_RATE)  # fmt: skip
    wall = Row(group="rebuild", name="projections rebuild command, wall clock",
               value=large.wall, unit="s")  # fmt: skip
    growth = large.peak_rss_mb / small.peak_rss_mb if small.peak_rss_mb else 0.0
    memory = [Row(group="memory", name=f"rebuild peak RSS, {r.events:,} events",
                  value=r.peak_rss_mb, unit="MB") for r in (small, large)]  # fmt: skip
    memory[1].ratio, memory[1].ratio_to = growth, f"at {small.events:,}"
    memory[1].target, memory[1].met = f"<={FLAT}x (flat)", growth <= FLAT
    return [speed, wall, *memory]


def rebuild_cpu_row(command: str, run: Rebuilt, rate: int, cores: int | None = None) -> Row:
    """The CPU a rebuild (or its verify) took, the command's with its replay processes' and,
    on a local server, the database's, against what the target `rate` leaves on this machine's
    cores: the events take events / rate seconds at that rate, and each core holds that many
    CPU-seconds, for the command, the server and anything else together."""
    cores = cores or machine.cores()
    if run.db_cpu_s is None:  # the server runs elsewhere: its CPU is not seen from here
        return Row(group="rebuild", name=f"{command}, CPU of the command", value=run.cpu_s,
                   unit="s")  # fmt: skip
    budget = run.events / rate * cores
    return Row(group="rebuild", value=run.cpu_s + run.db_cpu_s, unit="s",
               name=f"{command}, CPU of the command + the database"
               f" ({run.cpu_s:.1f} + {run.db_cpu_s:.1f} s)",
               target=f"<={budget:.1f} s ({cores} cores at {rate:,}/s)",
               met=run.cpu_s + run.db_cpu_s <= budget)  # fmt: skip


def rebuild_verify_row(checked: Rebuilt, raw_rate: float) -> Row:
    """`projections rebuild --verify`: the replay and the comparison with the live rows."""
    rate = checked.events / checked.seconds if checked.seconds else 0.0
    return Row(group="rebuild", name=f"projections rebuild --verify, {checked.events:,} events",
               value=rate, unit="events/s", ratio=rate / raw_rate if raw_rate else 0.0,
               ratio_to="raw SELECT", target=f">={VERIFY_RATE:,} events/s",
               met=rate >= VERIFY_RATE)  # fmt: skip


def concurrent_write_row(beside: str, writes: Writes) -> Row:
    """A write's latency while an operator command reads the whole store."""
    ordered = sorted(writes.latencies)

    def ms(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] * 1000

    p99 = ms(99) if ordered else 0.0
    met = bool(ordered) and p99 < CONCURRENT_WRITE_P99_MS and not writes.failures
    return Row(group="rebuild" if "rebuild" in beside else "audit",
               name=f"a write during {beside}", value=len(ordered), unit="writes",
               p50_ms=ms(50) if ordered else None, p99_ms=p99, errors=writes.failures,
               target=f"p99<{CONCURRENT_WRITE_P99_MS:.0f}ms", met=met)  # fmt: skip


def history_row(events: int, times: list[float]) -> Row:
    """Loading and rendering one trainee's history: the median of a few runs."""
    return Row(group="history", name=f"history load+render, {events} events (median)",
               value=statistics.median(times) * 1000, unit="ms")  # fmt: skip


def verify_row(events: int, seconds: float, verified: bool, raw_rate: float) -> Row:
    """Verifying every event's hash chain from one snapshot, against the raw read."""
    rate = events / seconds if seconds else 0.0
    return Row(group="audit", name=f"audit verify, {events:,} events", value=rate,
               unit="events/s", ratio=rate / raw_rate if raw_rate else 0.0,
               ratio_to="raw SELECT", target=f">={VERIFY_RATE:,} events/s",
               met=verified and rate >= VERIFY_RATE)  # fmt: skip


def probe_rows(start_ms: float, end_ms: float) -> list[Row]:
    """The CPU probe at the bench's start and end: a run whose machine changed speed in
    between (by more than PROBE_DRIFT) is flagged: its rates are not to be set beside another's."""
    ratio = end_ms / start_ms if start_ms else 0.0
    return [
        Row(group="machine", name="CPU probe at the start (lower is faster)", value=start_ms,
            unit="ms"),
        Row(group="machine", name="CPU probe at the end", value=end_ms, unit="ms", ratio=ratio,
            ratio_to="start", target=f"within {PROBE_DRIFT:.0%} of the start",
            met=abs(ratio - 1) <= PROBE_DRIFT),
    ]  # fmt: skip


def server_rows(after_warmup: float, at_end: float, peak: float) -> list[Row]:
    """The server's resident memory: its peak, and its growth over the measured runs."""
    return [
        Row(group="memory", name="server peak RSS", value=peak, unit="MB"),
        Row(group="memory", name="server RSS after the runs", value=at_end, unit="MB",
            ratio=at_end / after_warmup if after_warmup else 0.0, ratio_to="after warm-up"),
    ]  # fmt: skip
