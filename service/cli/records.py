"""Auditing and rebuilding: a trainee's history, projection rebuilds and status."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import msgspec

from service.cli.common import database_for, positive, register_for, with_conn
from service.config import Settings


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    """Print a trainee's events in order (up to --as-of, then its state at that time)."""
    from service.audit.history import history, render_text
    from service.audit.params import moment, vocabulary

    version = vocabulary(args.vocabulary)
    as_of = moment("--as-of", args.as_of)
    database = database_for(settings)
    register = register_for(settings, database)
    try:
        found = with_conn(
            settings, lambda c: history(c, register.mapper, args.trainee_id, version, as_of)
        )
    finally:
        register.close()
    if found is None:
        when = f" at {args.as_of}" if as_of else ""
        print(f"no trainee with id {args.trainee_id}{when}", file=sys.stderr)
        return 1
    if args.json:
        print(msgspec.json.encode(found if as_of else found["events"]).decode())
    else:
        print(render_text(found, with_state=as_of is not None))
    return 0


def _progress(done: int, total: int) -> None:
    percent = 100 * done / total if total else 100.0
    end = "\r" if sys.stderr.isatty() and done < total else "\n"
    print(f"  replayed {done:,}/{total:,} events ({percent:5.1f}%)", end=end, file=sys.stderr)


def cmd_projections_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild every read model from the events; --verify compares instead of switching."""
    from projections.rebuild import has_events_table, rebuild
    from service.eventstore import keyed_mapper, open_register
    from service.keyring import master_keys

    database = database_for(settings)
    # creates the events table on a new database; a verify of a served one waits for no writer
    fresh = not asyncio.run(has_events_table(database.url))
    register = open_register(
        database, 1, master_keys(settings), create_tables=fresh or not args.verify
    )
    register.close()
    mapper = keyed_mapper(master_keys(settings))
    report = asyncio.run(
        rebuild(
            database.url,
            mapper,
            verify=args.verify,
            batch_size=args.batch_size,
            workers=args.workers,
            progress=_progress,
        )
    )
    rate = report.events / report.seconds if report.seconds else 0
    print(
        f"trainees: {report.events:,} events into {report.trainees:,} rows in "
        f"{report.seconds:.2f}s ({rate:,.0f} events/s), position {report.position}"
    )
    if report.differences is not None:
        print(f"verify: {report.differences} rows differ between the live and rebuilt model")
        return 1 if report.differences else 0
    print(f"audit_log: {report.audit_events:,} events, rebuilt from the same replay")
    return 0


def cmd_projections_status(args: argparse.Namespace, settings: Settings) -> int:
    """Show each projection's position and lag."""
    from projections.rebuild import status

    database = database_for(settings)
    register_for(settings, database).close()
    for row in asyncio.run(status(database.url)):
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the history and projections commands."""
    hist = sub.add_parser("history", help=cmd_history.__doc__)
    hist.add_argument("trainee_id", metavar="TRAINEE_ID")
    hist.add_argument(
        "--json",
        action="store_true",
        help="JSON instead of text: the events, or with --as-of the events and the state",
    )
    hist.add_argument(
        "--as-of", metavar="TIME", help="ISO 8601 with offset, e.g. 2026-03-01T12:00:00Z"
    )
    hist.add_argument("--vocabulary", metavar="V", help="field names of this API version")
    hist.set_defaults(run=cmd_history)
    projections = sub.add_parser("projections", help="rebuild and inspect read models")
    psub = projections.add_subparsers(dest="action", required=True)
    rebuild = psub.add_parser("rebuild", help=cmd_projections_rebuild.__doc__)
    rebuild.add_argument(
        "--verify",
        action="store_true",
        help="compare a fresh rebuild with the live rows; exit 1 on a difference",
    )
    rebuild.add_argument(
        "--batch-size",
        type=positive,
        default=1000,
        help="events each replay process reads at a time (default 1,000; larger batches "
        "hold more memory and are no faster)",
    )
    rebuild.add_argument(
        "--workers",
        type=positive,
        default=max(1, os.cpu_count() or 1),
        help="processes replaying events side by side (default: one per core)",
    )
    rebuild.set_defaults(run=cmd_projections_rebuild)
    psub.add_parser("status", help=cmd_projections_status.__doc__).set_defaults(
        run=cmd_projections_status
    )
