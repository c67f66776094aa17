"""`trainees bench`: throughput, latency, rebuild speed and memory, against their limits."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from service.cli.common import positive
from service.config import Settings


def _connections(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(sorted({int(v) for v in text.split(",") if v.strip()}))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"a comma-separated list of numbers, got {text!r}"
        ) from None
    if not levels or levels[0] < 1:
        raise argparse.ArgumentTypeError("each concurrency must be at least 1")
    return levels


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    """Seed a fresh database, measure the service over loopback HTTP, print one table."""
    from service.bench import report, wrk
    from service.bench.options import Options
    from service.bench.run import bench

    if not args.no_http:
        try:
            wrk.executable()
        except wrk.WrkMissing as exc:
            print(f"trainees: {exc} (or pass --no-http to skip the HTTP runs)", file=sys.stderr)
            return 2
    # Ctrl-C and SIGTERM both interrupt (SIGINT even when started with it ignored); SIGTERM is
    # turned into SIGINT so that asyncio cancels its task cleanly (an exception raised in the
    # middle of a COPY can hang it). Then the server, PostgreSQL and folders are removed.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
    options = Options(duration=args.duration, connections=args.connections, events=args.events,
                      providers=args.providers, history_events=args.history_events,
                      workers=args.workers, http=not args.no_http,
                      database_url=settings.database_url)  # fmt: skip
    try:
        result = bench(options)
    except KeyboardInterrupt:
        print("trainees: bench interrupted; its server and database are stopped", file=sys.stderr)
        return 130
    except RuntimeError as exc:
        print(f"trainees: bench failed: {exc}", file=sys.stderr)
        return 1
    report.write(result, Path(args.json))
    print(report.table(result.rows))
    m = result.machine
    print(f"\n{m['cpu']}, {m['cores']} cores, {m['memory']}; PostgreSQL {m['postgresql']};"
          f" load {m['load'].split()[0]} at the start; results in {args.json}")  # fmt: skip
    return 0


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 600, got {value:g}")
    return value


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the bench command."""
    p = sub.add_parser("bench", help=cmd_bench.__doc__)
    p.add_argument("--duration", type=_seconds, default=8.0, help="seconds per run (default 8)")
    p.add_argument(
        "--connections", type=_connections, default=(1, 16), metavar="N[,N...]",
        help="concurrent clients of every run (default 1,16)",
    )  # fmt: skip
    p.add_argument(
        "--events", type=positive, default=200_000, help="events the rebuild replays (200,000)"
    )
    p.add_argument("--providers", type=positive, default=100, help="providers (default 100)")
    p.add_argument(
        "--history-events", type=positive, default=500, help="events of the history trainee (500)"
    )
    p.add_argument(
        "--workers", type=positive, default=1,
        help="server processes: 1 is `trainees serve`; more use uvicorn --workers",
    )  # fmt: skip
    p.add_argument("--no-http", action="store_true", help="skip the server and the wrk runs")
    p.add_argument(
        "--json", default="bench-results/latest.json", metavar="PATH",
        help="where the results go (default bench-results/latest.json)",
    )  # fmt: skip
    p.set_defaults(run=cmd_bench)
